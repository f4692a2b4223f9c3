"""``Twilio2008Hook``: every 2008-08-01 operation, typed, over one authenticated session."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from functools import cached_property
from typing import IO, Any

import requests
from airflow.sdk import BaseHook

from ..api import operations as ops
from ..api.config import ClientConfig
from ..api.errors import Twilio2008Error, Twilio2008ValidationError
from ..api.operations import ApiRequest, NumberSettings
from ..api.records import (
    Account,
    Call,
    CallStatus,
    Conference,
    ConferenceStatus,
    IncomingPhoneNumber,
    Notification,
    NotificationLog,
    OutgoingCallerId,
    Page,
    Participant,
    Recording,
    SmsMessage,
    Transcription,
    ValidationRequest,
)
from .transport import Transport

DateLike = date | str


class Twilio2008Hook(BaseHook):
    """Interact with Twilio's 2008-08-01 REST API.

    The connection (type ``twilio2008``) holds the Account SID as login, the Auth Token as
    password, the base URL as host (default ``https://api.twilio.com``) and the extras
    ``timeout``, ``retries`` and ``default_from``. Every method validates its arguments
    locally first, so bad input fails before anything is sent; errors are
    :class:`~airflow_provider_twilio2008.api.errors.Twilio2008Error` subclasses.

    List methods return lazy iterators that fetch page after page as you consume them.

    :param twilio_conn_id: the Airflow connection id.
    :param timeout: seconds per request; overrides the connection's ``timeout`` extra.
    :param retries: re-tries of a retryable failure; overrides the ``retries`` extra.
    """

    conn_name_attr = "twilio_conn_id"
    default_conn_name = "twilio2008_default"
    conn_type = "twilio2008"
    hook_name = "Twilio (2008-08-01 API)"

    def __init__(
        self,
        twilio_conn_id: str = default_conn_name,
        *,
        timeout: float | None = None,
        retries: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.twilio_conn_id = twilio_conn_id
        self._timeout = timeout
        self._retries = retries

    @cached_property
    def config(self) -> ClientConfig:
        """Read and check the connection (once); the Auth Token is registered as a secret to mask."""
        conn = self.get_connection(self.twilio_conn_id)
        if conn.password:
            _mask(conn.password)
        config = ClientConfig.from_connection(
            host=conn.host,
            port=conn.port,
            login=conn.login,
            password=conn.password,
            extra=conn.extra_dejson,
            timeout=self._timeout,
            retries=self._retries,
        )
        if config.ignored_extras:
            self.log.warning(
                "Connection %s: ignoring unknown extra(s) %s (known: timeout, retries, default_from)",
                self.twilio_conn_id,
                ", ".join(config.ignored_extras),
            )
        return config

    @cached_property
    def transport(self) -> Transport:
        """Return the transport holding the keep-alive session."""
        return Transport(self.config, self.log)

    @property
    def account_sid(self) -> str:
        """Return the Account SID of the connection."""
        return self.config.account_sid

    def get_conn(self) -> requests.Session:
        """Return the authenticated ``requests.Session`` (Basic auth, TLS verification on)."""
        return self.transport.session

    def close(self) -> None:
        """Close the pooled connections of the session, if one was opened."""
        if "transport" in self.__dict__:
            self.transport.close()
            del self.__dict__["transport"]

    def __enter__(self) -> Twilio2008Hook:
        """Use the hook as a context manager that closes its session on exit."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the session."""
        self.close()

    def test_connection(self) -> tuple[bool, str]:
        """Fetch the account (changes nothing) and report whether it worked.

        Any failure, including a missing connection, is reported as ``(False, message)``; the
        message never holds the Auth Token.
        """
        try:
            account = self.get_account()
        except Twilio2008Error as exc:
            return False, str(exc)
        except Exception as exc:
            return False, f"{type(exc).__name__}: {exc}"
        return True, f"Connected to account {account.sid} ({account.friendly_name or 'no name'})"

    def send_request(self, request: ApiRequest) -> Any:
        """Send any operation description from :mod:`~airflow_provider_twilio2008.api.operations`.

        :param request: the request description.
        :return: the record, a lazy iterator for lists, or ``None`` when there is no document.
        """
        if request.record is None:
            self.transport.no_content(request)
            return None
        if request.many:
            return self.transport.iterate(request)
        return self.transport.record(request)

    def get_page(self, request: ApiRequest) -> Page[Any]:
        """Fetch exactly one page of a list operation, with its paging attributes.

        :param request: a list request, e.g. ``ops.list_calls(hook.account_sid, page_size=10)``.
        """
        return self.transport.page(request)

    def _from(self, from_: str | None, field: str, param: str) -> str:
        chosen = from_ or self.config.default_from
        if not chosen:
            raise Twilio2008ValidationError(
                field,
                "missing",
                "a number of the account, or a default_from extra on the connection",
                param=param,
            )
        return chosen

    # Accounts ----------------------------------------------------------------------------

    def get_account(self) -> Account:
        """Fetch the connection's account (``GET /Accounts/{AccountSid}``)."""
        return self.transport.record(ops.get_account(self.account_sid))

    def list_accounts(self) -> Iterator[Account]:
        """Iterate over the accounts these credentials see (``GET /Accounts``)."""
        return self.transport.iterate(ops.list_accounts())

    def update_account(self, friendly_name: str) -> Account:
        """Rename the account (``POST /Accounts/{AccountSid}`` ``FriendlyName``).

        :param friendly_name: the new name, at most 64 characters.
        """
        return self.transport.record(ops.update_account(self.account_sid, friendly_name))

    # Calls -------------------------------------------------------------------------------

    def make_call(
        self,
        to: str,
        from_: str | None,
        url: str,
        *,
        method: str = "POST",
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
        :param method: ``GET`` or ``POST`` for ``url``.
        :param send_digits: DTMF keys to play once connected.
        :param if_machine: ``Continue`` or ``Hangup`` to detect answering machines.
        :param timeout: seconds to ring, 1-999 (Twilio's default 60).
        """
        request = ops.make_call(
            self.account_sid,
            to=to,
            from_=self._from(from_, "from_", "Caller"),
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
        page_size: int = 50,
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

    def list_call_segments(self, call_sid: str) -> Iterator[Call]:
        """Iterate over the segments (``<Dial>`` legs) of a call (``GET /Calls/{CallSid}/Segments``).

        :param call_sid: the call's SID.
        """
        return self.transport.iterate(ops.list_call_segments(self.account_sid, call_sid))

    def get_call_segment(self, call_sid: str, segment_sid: str) -> Call:
        """Fetch one segment of a call (``GET /Calls/{CallSid}/Segments/{CallSegmentSid}``).

        :param call_sid: the call's SID.
        :param segment_sid: the segment's SID.
        """
        return self.transport.record(ops.get_call_segment(self.account_sid, call_sid, segment_sid))

    def redirect_call(self, call_sid: str, url: str, method: str = "POST") -> Call:
        """Make a live call run new TwiML now (``POST /Calls/{CallSid}`` ``CurrentUrl``).

        To hang up a call, redirect it to TwiML holding ``<Hangup/>``.

        :param call_sid: the call's SID.
        :param url: absolute URL of the new TwiML.
        :param method: ``GET`` or ``POST`` for ``url``.
        """
        return self.transport.record(ops.redirect_call(self.account_sid, call_sid, url, method))

    # SMS ---------------------------------------------------------------------------------

    def send_sms(
        self, to: str, body: str, from_: str | None = None, status_callback: str | None = None
    ) -> SmsMessage:
        """Send an SMS (``POST /SMS/Messages``); it starts ``queued``.

        :param to: recipient (E.164, 10 US digits or a short code).
        :param body: the text, 1-160 characters.
        :param from_: an SMS-capable number of the account; ``None`` uses ``default_from``.
        :param status_callback: URL Twilio POSTs ``SmsSid``/``SmsStatus`` to when done.
        """
        request = ops.send_sms(
            self.account_sid,
            to=to,
            body=body,
            from_=self._from(from_, "from_", "From"),
            status_callback=status_callback,
        )
        return self.transport.record(request)

    def get_sms(self, sms_sid: str) -> SmsMessage:
        """Fetch one SMS (``GET /SMS/Messages/{SMSMessageSid}``).

        :param sms_sid: the message SID (``SM...``).
        """
        return self.transport.record(ops.get_sms(self.account_sid, sms_sid))

    def list_sms(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        sent_on: DateLike | None = None,
        sent_after: DateLike | None = None,
        sent_before: DateLike | None = None,
        page_size: int = 50,
    ) -> Iterator[SmsMessage]:
        """Iterate over SMS messages, newest first (``GET /SMS/Messages``).

        :param to: only messages to this number.
        :param from_: only messages from this number.
        :param sent_on: only messages sent on this date (``DateSent``).
        :param sent_after: sent on or after (``DateSent>=``).
        :param sent_before: sent on or before (``DateSent<=``).
        :param page_size: records per request, 1-1000.
        """
        request = ops.list_sms(
            self.account_sid,
            to=to,
            from_=from_,
            sent_on=sent_on,
            sent_after=sent_after,
            sent_before=sent_before,
            page_size=page_size,
        )
        return self.transport.iterate(request)

    # Recordings and transcriptions -------------------------------------------------------

    def list_recordings(
        self,
        call_sid: str | None = None,
        *,
        created_on: DateLike | None = None,
        created_after: DateLike | None = None,
        created_before: DateLike | None = None,
        page_size: int = 50,
    ) -> Iterator[Recording]:
        """Iterate over recordings, optionally of one call (``GET /Recordings?CallSid=``).

        :param call_sid: only recordings made during this call.
        :param created_on: only recordings created on this date (``DateCreated``, inferred filter).
        :param created_after: created on or after this date.
        :param created_before: created on or before this date.
        :param page_size: records per request, 1-1000.
        """
        request = ops.list_recordings(
            self.account_sid,
            call_sid=call_sid,
            created_on=created_on,
            created_after=created_after,
            created_before=created_before,
            page_size=page_size,
        )
        return self.transport.iterate(request)

    def get_recording(self, recording_sid: str) -> Recording:
        """Fetch a recording's metadata (``GET /Recordings/{RecordingSid}.xml``).

        :param recording_sid: the recording SID (``RE...``).
        """
        return self.transport.record(ops.get_recording(self.account_sid, recording_sid))

    def download_recording(
        self, recording_sid: str, destination: str | os.PathLike[str] | IO[bytes], fmt: str = "wav"
    ) -> int:
        """Stream a recording's audio to a path (written atomically) or a binary file object.

        :param recording_sid: the recording SID.
        :param destination: a file path, or a binary file object open for writing.
        :param fmt: ``wav`` (audio/x-wav) or ``mp3`` (audio/mpeg).
        :return: the number of bytes written.
        """
        return self.transport.download(ops.recording_media(self.account_sid, recording_sid, fmt), destination)

    def delete_recording(self, recording_sid: str) -> None:
        """Delete a recording (``DELETE /Recordings/{RecordingSid}``).

        :param recording_sid: the recording SID.
        """
        self.transport.no_content(ops.delete_recording(self.account_sid, recording_sid))

    def list_transcriptions(self, recording_sid: str | None = None) -> Iterator[Transcription]:
        """Iterate over transcriptions of the account, or of one recording.

        :param recording_sid: only transcriptions of this recording.
        """
        return self.transport.iterate(ops.list_transcriptions(self.account_sid, recording_sid=recording_sid))

    def get_transcription(self, transcription_sid: str, recording_sid: str | None = None) -> Transcription:
        """Fetch a transcription.

        :param transcription_sid: the transcription SID (``TR...``).
        :param recording_sid: its recording, to use the documented nested URI.
        """
        return self.transport.record(
            ops.get_transcription(self.account_sid, transcription_sid, recording_sid)
        )

    def get_transcription_text(self, transcription_sid: str, recording_sid: str | None = None) -> str:
        """Fetch only a transcription's text (the ``.txt`` representation).

        :param transcription_sid: the transcription SID.
        :param recording_sid: its recording, to use the documented nested URI.
        """
        return self.transport.text(ops.transcription_text(self.account_sid, transcription_sid, recording_sid))

    # Notifications -----------------------------------------------------------------------

    def list_notifications(
        self,
        call_sid: str | None = None,
        *,
        log: NotificationLog | int | None = None,
        created_on: DateLike | None = None,
        created_after: DateLike | None = None,
        created_before: DateLike | None = None,
        page_size: int = 50,
    ) -> Iterator[Notification]:
        """Iterate over notifications of the account, or of one call.

        :param call_sid: only notifications of this call (``/Calls/{CallSid}/Notifications``).
        :param log: only errors (0) or warnings (1).
        :param created_on: only those generated on this date (``MessageDate``).
        :param created_after: generated on or after this date.
        :param created_before: generated on or before this date.
        :param page_size: records per request, 1-1000.
        """
        request = ops.list_notifications(
            self.account_sid,
            call_sid=call_sid,
            log=log,
            created_on=created_on,
            created_after=created_after,
            created_before=created_before,
            page_size=page_size,
        )
        return self.transport.iterate(request)

    def get_notification(self, notification_sid: str) -> Notification:
        """Fetch one notification, with the request and response that caused it.

        :param notification_sid: the notification SID (``NO...``).
        """
        return self.transport.record(ops.get_notification(self.account_sid, notification_sid))

    def delete_notification(self, notification_sid: str) -> None:
        """Delete one notification.

        :param notification_sid: the notification SID.
        """
        self.transport.no_content(ops.delete_notification(self.account_sid, notification_sid))

    # Outgoing caller IDs -----------------------------------------------------------------

    def list_outgoing_caller_ids(
        self, *, phone_number: str | None = None, friendly_name: str | None = None
    ) -> Iterator[OutgoingCallerId]:
        """Iterate over validated caller IDs.

        :param phone_number: only this number (exact match).
        :param friendly_name: only this label (exact match).
        """
        request = ops.list_outgoing_caller_ids(
            self.account_sid, phone_number=phone_number, friendly_name=friendly_name
        )
        return self.transport.iterate(request)

    def get_outgoing_caller_id(self, caller_id_sid: str) -> OutgoingCallerId:
        """Fetch one validated caller ID.

        :param caller_id_sid: its SID (``PN...``).
        """
        return self.transport.record(ops.get_outgoing_caller_id(self.account_sid, caller_id_sid))

    def start_caller_id_validation(
        self, phone_number: str, *, friendly_name: str | None = None, call_delay: int | None = None
    ) -> ValidationRequest:
        """Start validating a caller ID: Twilio phones it and expects the returned 6-digit code.

        :param phone_number: the number to validate.
        :param friendly_name: a label for it, at most 64 characters.
        :param call_delay: seconds (0-60) before Twilio calls.
        """
        request = ops.start_caller_id_validation(
            self.account_sid, phone_number, friendly_name=friendly_name, call_delay=call_delay
        )
        return self.transport.record(request)

    def update_outgoing_caller_id(self, caller_id_sid: str, friendly_name: str) -> OutgoingCallerId:
        """Rename a validated caller ID.

        :param caller_id_sid: its SID.
        :param friendly_name: the new label.
        """
        return self.transport.record(
            ops.update_outgoing_caller_id(self.account_sid, caller_id_sid, friendly_name)
        )

    def delete_outgoing_caller_id(self, caller_id_sid: str) -> None:
        """Remove a validated caller ID.

        :param caller_id_sid: its SID.
        """
        self.transport.no_content(ops.delete_outgoing_caller_id(self.account_sid, caller_id_sid))

    # Incoming phone numbers --------------------------------------------------------------

    def list_incoming_phone_numbers(
        self, *, kind: str | None = None, phone_number: str | None = None, friendly_name: str | None = None
    ) -> Iterator[IncomingPhoneNumber]:
        """Iterate over the account's numbers.

        :param kind: ``None`` for all, ``"local"`` or ``"toll-free"``.
        :param phone_number: only this number (exact match).
        :param friendly_name: only this label (exact match).
        """
        request = ops.list_incoming_phone_numbers(
            self.account_sid, kind=kind, phone_number=phone_number, friendly_name=friendly_name
        )
        return self.transport.iterate(request)

    def get_incoming_phone_number(self, number_sid: str) -> IncomingPhoneNumber:
        """Fetch one of the account's numbers.

        :param number_sid: its SID (``PN...``).
        """
        return self.transport.record(ops.get_incoming_phone_number(self.account_sid, number_sid))

    def buy_local_number(
        self, area_code: str | None = None, settings: NumberSettings | None = None
    ) -> IncomingPhoneNumber:
        """Buy any available local number, optionally in an area code (``POST /IncomingPhoneNumbers/Local``).

        :param area_code: three digits, e.g. ``"415"``.
        :param settings: URLs and options for the number.
        """
        return self.transport.record(
            ops.buy_phone_number(self.account_sid, "local", area_code=area_code, settings=settings)
        )

    def buy_toll_free_number(
        self, area_code: str | None = None, settings: NumberSettings | None = None
    ) -> IncomingPhoneNumber:
        """Buy any available toll-free number (``POST /IncomingPhoneNumbers/TollFree``); voice settings only.

        :param area_code: a toll-free prefix such as ``"866"``.
        :param settings: voice URLs and options for the number.
        """
        request = ops.buy_phone_number(self.account_sid, "toll-free", area_code=area_code, settings=settings)
        return self.transport.record(request)

    def update_incoming_phone_number(self, number_sid: str, settings: NumberSettings) -> IncomingPhoneNumber:
        """Change a number's URLs and options; ``settings.url`` is required by the 2008 API.

        :param number_sid: its SID.
        :param settings: the fields to change.
        """
        return self.transport.record(ops.update_incoming_phone_number(self.account_sid, number_sid, settings))

    def release_incoming_phone_number(self, number_sid: str) -> None:
        """Release a number (``DELETE /IncomingPhoneNumbers/{Sid}``).

        :param number_sid: its SID.
        """
        self.transport.no_content(ops.release_incoming_phone_number(self.account_sid, number_sid))

    # Conferences and participants --------------------------------------------------------

    def list_conferences(
        self,
        *,
        status: ConferenceStatus | int | None = None,
        friendly_name: str | None = None,
        created_on: DateLike | None = None,
        created_after: DateLike | None = None,
        created_before: DateLike | None = None,
        updated_on: DateLike | None = None,
        updated_after: DateLike | None = None,
        updated_before: DateLike | None = None,
    ) -> Iterator[Conference]:
        """Iterate over conferences, newest first.

        :param status: only in this status (0 init, 1 in progress, 2 completed).
        :param friendly_name: only this room name.
        :param created_on: created on this date; ``created_after``/``created_before`` bound it.
        :param created_after: created on or after this date.
        :param created_before: created on or before this date.
        :param updated_on: updated on this date.
        :param updated_after: updated on or after this date.
        :param updated_before: updated on or before this date.
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
        )
        return self.transport.iterate(request)

    def get_conference(self, conference_sid: str) -> Conference:
        """Fetch one conference.

        :param conference_sid: its SID (``CF...``).
        """
        return self.transport.record(ops.get_conference(self.account_sid, conference_sid))

    def list_participants(self, conference_sid: str, *, muted: bool | None = None) -> Iterator[Participant]:
        """Iterate over a conference's participants.

        :param conference_sid: the conference SID.
        :param muted: only muted (``True``) or unmuted (``False``) participants.
        """
        return self.transport.iterate(ops.list_participants(self.account_sid, conference_sid, muted=muted))

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


def _mask(secret: str) -> None:
    """Register ``secret`` with Airflow's log masker (no-op where unavailable)."""
    try:
        from airflow.sdk.log import mask_secret
    except ImportError:  # pragma: no cover - very old task SDKs
        return
    mask_secret(secret)
