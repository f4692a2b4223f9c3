"""Call, conference and participant methods of the hook."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import operations as ops
from ..api import paths
from ..api.operations import DateLike
from ..api.records import (
    Call,
    CallStatus,
    Conference,
    ConferenceStatus,
    Participant,
)
from ._methods import ResourceMethods


class CallMethods(ResourceMethods):
    """Call, conference and participant methods of ``Twilio2008Hook``."""

    def make_call(
        self,
        to: str,
        from_: str | None,
        url: str,
        *,
        method: str | None = "POST",
        send_digits: str | None = None,
        if_machine: str | None = None,
        timeout: int | None = None,
    ) -> Call:
        """Place a call (``POST /Calls``); it starts with status ``QUEUED`` (0).

        A create is never re-sent after its answer was lost; you get
        :class:`~airflow_provider_twilio2008.api.errors.Twilio2008OutcomeUnknownError` instead.

        :param to: number to call (E.164 or 10 US digits), sent as ``Called``.
        :param from_: caller ID (``Caller``); ``None`` uses the connection's ``default_from``.
        :param url: absolute http(s) URL of the TwiML to run when the call connects.
        :param method: ``GET`` or ``POST`` for ``url``; the default ``"POST"`` (Twilio's own
            default) is sent explicitly as ``Method=POST``, and ``None`` sends no ``Method``.
        :param send_digits: DTMF keys to play once connected.
        :param if_machine: ``Continue`` or ``Hangup`` to detect answering machines.
        :param timeout: seconds to ring, 1-999 (Twilio's default 60).
        """
        request = ops.make_call(
            self.account_sid,
            to=to,
            from_=self.config.sender(from_),
            url=url,
            method=method,
            send_digits=send_digits,
            if_machine=if_machine,
            timeout=timeout,
        )
        return self.transport.record(request)

    def get_call(self, call_sid: str) -> Call:
        """Fetch a call (``GET /Calls/{CallSid}``).

        :param call_sid: the call's SID (``CA...``).
        """
        return self.transport.record(ops.get_call(self.account_sid, call_sid))

    def list_calls(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        status: CallStatus | int | str | None = None,
        started_on: DateLike | None = None,
        started_after: DateLike | None = None,
        started_before: DateLike | None = None,
        page_size: int = paths.DEFAULT_PAGE_SIZE,
    ) -> Iterator[Call]:
        """Iterate over calls, newest first, across all pages (``GET /Calls``).

        :param to: only calls to this number (``Called``).
        :param from_: only calls from this number (``Caller``).
        :param status: only calls in this status (``CallStatus``, 0-5 or a name).
        :param started_on: only calls started on this date (``StartTime``).
        :param started_after: started on or after this date (``StartTime>=``).
        :param started_before: started on or before this date (``StartTime<=``).
        :param page_size: records fetched per request, 1-1000 (``num``).
        """
        request = ops.list_calls(
            self.account_sid,
            to=to,
            from_=from_,
            status=status,
            started_on=started_on,
            started_after=started_after,
            started_before=started_before,
            page_size=page_size,
        )
        return self.transport.iterate(request)

    def list_call_segments(self, call_sid: str, page_size: int = paths.DEFAULT_PAGE_SIZE) -> Iterator[Call]:
        """Iterate over the segments (``<Dial>`` legs) of a call (``GET /Calls/{CallSid}/Segments``).

        :param call_sid: the call's SID.
        :param page_size: records fetched per request, 1-1000 (``num``).
        """
        return self.transport.iterate(ops.list_call_segments(self.account_sid, call_sid, page_size))

    def get_call_segment(self, call_sid: str, segment_sid: str) -> Call:
        """Fetch one segment of a call (``GET /Calls/{CallSid}/Segments/{CallSegmentSid}``).

        :param call_sid: the call's SID.
        :param segment_sid: the segment's SID.
        """
        return self.transport.record(ops.get_call_segment(self.account_sid, call_sid, segment_sid))

    def redirect_call(self, call_sid: str, url: str, method: str | None = "POST") -> Call:
        """Make a live call run new TwiML now (``POST /Calls/{CallSid}`` ``CurrentUrl``).

        To hang up a call, redirect it to TwiML holding ``<Hangup/>``.

        :param call_sid: the call's SID.
        :param url: absolute URL of the new TwiML.
        :param method: ``GET`` or ``POST`` for ``url``; the default ``"POST"`` (Twilio's own
            default) is sent explicitly as ``CurrentMethod=POST``, and ``None`` sends none.
        """
        return self.transport.record(ops.redirect_call(self.account_sid, call_sid, url, method))

    def list_conferences(
        self,
        *,
        status: ConferenceStatus | int | str | None = None,
        friendly_name: str | None = None,
        created_on: DateLike | None = None,
        created_after: DateLike | None = None,
        created_before: DateLike | None = None,
        updated_on: DateLike | None = None,
        updated_after: DateLike | None = None,
        updated_before: DateLike | None = None,
        page_size: int = paths.DEFAULT_PAGE_SIZE,
    ) -> Iterator[Conference]:
        """Iterate over conferences, newest first.

        :param status: only in this status: a ``ConferenceStatus``, 0-2 or a name (``init``,
            ``in-progress``, ``completed``).
        :param friendly_name: only this room name.
        :param created_on: created on this date; ``created_after``/``created_before`` bound it.
        :param created_after: created on or after this date.
        :param created_before: created on or before this date.
        :param updated_on: updated on this date.
        :param updated_after: updated on or after this date.
        :param updated_before: updated on or before this date.
        :param page_size: records fetched per request, 1-1000 (``num``).
        """
        request = ops.list_conferences(
            self.account_sid,
            status=status,
            friendly_name=friendly_name,
            created_on=created_on,
            created_after=created_after,
            created_before=created_before,
            updated_on=updated_on,
            updated_after=updated_after,
            updated_before=updated_before,
            page_size=page_size,
        )
        return self.transport.iterate(request)

    def get_conference(self, conference_sid: str) -> Conference:
        """Fetch one conference.

        :param conference_sid: its SID (``CF...``).
        """
        return self.transport.record(ops.get_conference(self.account_sid, conference_sid))

    def list_participants(
        self, conference_sid: str, *, muted: bool | None = None, page_size: int = paths.DEFAULT_PAGE_SIZE
    ) -> Iterator[Participant]:
        """Iterate over a conference's participants.

        :param conference_sid: the conference SID.
        :param muted: only muted (``True``) or unmuted (``False``) participants.
        :param page_size: records fetched per request, 1-1000 (``num``).
        """
        request = ops.list_participants(self.account_sid, conference_sid, muted=muted, page_size=page_size)
        return self.transport.iterate(request)

    def get_participant(self, conference_sid: str, call_sid: str) -> Participant:
        """Fetch one participant.

        :param conference_sid: the conference SID.
        :param call_sid: the participant's call SID.
        """
        return self.transport.record(ops.get_participant(self.account_sid, conference_sid, call_sid))

    def mute_participant(self, conference_sid: str, call_sid: str) -> Participant:
        """Mute a participant.

        :param conference_sid: the conference SID.
        :param call_sid: the participant's call SID.
        """
        return self.transport.record(
            ops.set_participant_muted(self.account_sid, conference_sid, call_sid, True)
        )

    def unmute_participant(self, conference_sid: str, call_sid: str) -> Participant:
        """Unmute a participant.

        :param conference_sid: the conference SID.
        :param call_sid: the participant's call SID.
        """
        return self.transport.record(
            ops.set_participant_muted(self.account_sid, conference_sid, call_sid, False)
        )

    def kick_participant(self, conference_sid: str, call_sid: str) -> None:
        """Remove a participant from its conference.

        :param conference_sid: the conference SID.
        :param call_sid: the participant's call SID.
        """
        self.transport.no_content(ops.kick_participant(self.account_sid, conference_sid, call_sid))
