"""The simulated world of one call: :class:`LiveCall`, the context the TwiML interpreter runs in.

It fetches TwiML over HTTP like a browser that keeps the application's cookies for this call
only (reference section 5; cookies set on a redirect hop are not kept), spends simulated time,
records, transcribes, texts, dials and joins conferences against the emulator's store;
:mod:`.calls` (outgoing calls) and :mod:`.inbound` (incoming calls) drive its
lifecycle, both through :func:`run_answered`. The timing and billing choices are listed in
:mod:`.calls`, those of incoming calls in :mod:`.inbound`.

The simulated party on the other end is scripted by the callee script
(:class:`..model.state.CalleeScript`) of the called number on an outgoing call and of the caller's
number (``From``) on an incoming one.
"""

from __future__ import annotations

import asyncio
import math
from decimal import Decimal
from urllib.parse import urlencode

import httpx

from ...api import paths
from ...api.errors import Twilio2008ValidationError
from ...api.records import (
    Call,
    CallFlags,
    CallStatus,
    Notification,
    NotificationLog,
    Recording,
)
from ...api.validate import phone_number
from .. import webhooks
from ..messaging import outgoing as sms
from ..model import numbers
from ..model.state import Emulator
from ..model.store import Row, new_sid, now
from . import conference, transcriptions
from .twiml import FetchError, FetchResult, Outcome, run_url

__all__ = ["LiveCall", "finish_completed", "price_for", "run_answered"]

DIAL_DELAY = 1.0
RING_SECONDS = 5.0
MACHINE_DETECT_SECONDS = 4.0
BUSY_SECONDS = 3.0
FAILED_SECONDS = 1.0
FAILURES = {
    "busy": (CallStatus.BUSY, "busy", BUSY_SECONDS),
    "failed": (CallStatus.FAILED, "fail", FAILED_SECONDS),
    "no-answer": (CallStatus.NO_ANSWER, "no-answer", None),
}
PRICE_PER_MINUTE = Decimal("-0.03000")


def price_for(duration: int) -> Decimal:
    """Return the price of a completed call: -0.03 per started minute.

    :param duration: seconds.
    """
    return PRICE_PER_MINUTE * max(1, math.ceil(duration / 60))


class LiveCall:
    """One call in progress: the :class:`.twiml.CallContext` the interpreter runs against.

    :param emu: the emulator.
    :param call: the call's initial segment.
    """

    def __init__(self, emu: Emulator, call: Call) -> None:
        self.emu = emu
        self.sid = call.sid
        self.account_sid = call.account_sid or ""
        self.caller = call.caller or ""
        self.called = call.called or ""
        self.flags = call.flags or CallFlags.API
        self.inbound = bool(self.flags & CallFlags.INBOUND)
        self.script = emu.callee(self.account_sid, self.caller if self.inbound else self.called)
        self.call_status = "in-progress"
        self.seconds = 0.0
        self.pending_redirect: tuple[str, str] | None = None
        self.wake = asyncio.Event()
        self.kicked = asyncio.Event()
        self.cookies = httpx.Cookies()

    def standard_params(self) -> dict[str, str]:
        """Return the voice-request parameters of reference 5.1 (both SID spellings)."""
        return {
            "CallSid": self.sid,
            "CallGuid": self.sid,
            "AccountSid": self.account_sid,
            "AccountGuid": self.account_sid,
            "Caller": self.caller,
            "Called": self.called,
            "CallStatus": self.call_status,
        }

    async def fetch(self, url: str, method: str, params: dict[str, str]) -> FetchResult:
        """Request ``url`` with the standard parameters plus ``params``.

        :param url: the application URL.
        :param method: ``GET`` or ``POST``.
        :param params: the extra parameters.
        """
        assert self.emu.http is not None
        full = {**self.standard_params(), **params}
        try:
            request = webhooks.build_request(self.emu, self.account_sid, url, method, full)
            self.cookies.set_cookie_header(request)
            answer, response = await webhooks.send(self.emu, request)
        except (httpx.HTTPError, ValueError) as exc:
            raise FetchError(f"{type(exc).__name__}: {exc}") from None
        self.cookies.extract_cookies(response)
        return FetchResult(answer.status_code, answer.content_type, answer.content)

    async def elapse(self, seconds: float) -> None:
        """Spend ``seconds`` of simulated time; a REST redirect cuts the wait short.

        :param seconds: simulated seconds.
        """
        loop = asyncio.get_running_loop()
        started = loop.time()
        try:
            await asyncio.wait_for(self.wake.wait(), seconds / self.emu.time_scale)
        except asyncio.TimeoutError:
            self.seconds += seconds
            return
        self.seconds += (loop.time() - started) * self.emu.time_scale

    def digits_for_gather(self, num_digits: int | None, finish_on_key: str) -> str:
        """Return the keys the scripted callee presses."""
        return self.script.digits

    def record_length(self, max_length: int) -> int:
        """Return how long the scripted callee speaks into a recording."""
        return min(self.script.record_seconds, max_length)

    async def create_recording(self, duration: int) -> tuple[str, str]:
        """Store a recording of this call; return its SID and RecordingUrl.

        :param duration: seconds recorded.
        """
        stamp = now()
        recording = Recording(
            sid=new_sid("RE"),
            account_sid=self.account_sid,
            call_sid=self.sid,
            duration=duration,
            date_created=stamp,
            date_updated=stamp,
        )
        self.emu.store.put(recording, parent=self.sid)
        return recording.sid, self.emu.resource_url(
            transcriptions.recording_path(self.account_sid, recording.sid)
        )

    async def create_transcription(self, recording_sid: str, duration: int, callback: str | None) -> None:
        """Start transcribing a recording of this call.

        :param recording_sid: the recording.
        :param duration: its length.
        :param callback: the absolute ``transcribeCallback`` URL, if any.
        """
        row = self.emu.store.get(Recording, recording_sid)
        if row is not None:
            transcriptions.create_transcription(
                self.emu,
                row.record,
                text=self.script.transcript,
                callback=callback,
                callback_params=self.standard_params(),
            )

    async def send_sms(
        self, to: str | None, from_: str | None, body: str, status_callback: str | None
    ) -> tuple[str, str]:
        """Send an SMS from TwiML; return ``(SmsSid, "sending")`` or ``("", "invalid")``.

        :param to: recipient (default, reference 6.1: the called party of an outbound call, the
            caller of an inbound one).
        :param from_: sender (default: the caller of an outbound call, the called number of an
            inbound one), which must be an SMS number of the account.
        :param body: the text.
        :param status_callback: URL POSTed with the final status.
        """
        other_party, own_number = (self.caller, self.called) if self.inbound else (self.called, self.caller)
        return sms.send_from_twiml(
            self.emu,
            self.account_sid,
            to=to or other_party,
            from_=from_ or own_number,
            body=body,
            status_callback=status_callback,
        )

    async def _spend(self, seconds: float) -> None:
        self.seconds += seconds
        await self.emu.sleep(seconds)

    def caller_id_allowed(self, caller_id: str) -> bool:
        """Return whether this call may show ``caller_id`` on a ``<Dial>`` (reference 6.1).

        :param caller_id: the ``callerId`` attribute as written.
        """
        try:
            number = phone_number(caller_id, "callerId")
        except Twilio2008ValidationError:
            return False
        return number == self.caller or numbers.caller_id_sid(self.emu, self.account_sid, number) is not None

    async def dial(self, number: str, *, timeout: int, caller_id: str | None, time_limit: int) -> str:
        """Dial ``number`` as a new segment of this call; return the DialStatus.

        A REST redirect of the call while the leg is bridged hangs the leg up at once.

        :param number: the number as written in TwiML.
        :param timeout: seconds to ring.
        :param caller_id: caller ID shown (default: this call's caller), already allowed by
            :meth:`caller_id_allowed`.
        :param time_limit: longest bridged time.
        """
        try:
            called = phone_number(number, "number")
            shown = phone_number(caller_id, "callerId") if caller_id else self.caller
        except Twilio2008ValidationError:
            return "failed"
        stamp = now()
        segment = Call(
            sid=self.sid,
            call_segment_sid=new_sid("CA"),
            date_created=stamp,
            date_updated=stamp,
            account_sid=self.account_sid,
            called=called,
            caller=shown,
            status=CallStatus.QUEUED,
            flags=self.flags | CallFlags.DIAL,
        )
        row = self.emu.store.put(segment, parent=self.sid)
        answer = self.emu.callee(self.account_sid, called).answer
        if answer in FAILURES:
            status, dial_status, wait = FAILURES[answer]
            await self._spend(min(float(timeout), RING_SECONDS * 2) if wait is None else wait)
            self.emu.store.update(row, status=status)
            return "failed" if dial_status == "fail" else dial_status
        await self._spend(RING_SECONDS)
        row = self.emu.store.update(row, status=CallStatus.IN_PROGRESS, start_time=now())
        talk = min(self.emu.callee(self.account_sid, called).talk_seconds, time_limit)
        bridged = self.seconds
        await self.elapse(talk)  # a REST redirect of the call disconnects the leg (reference 3.4)
        finish_completed(self.emu, row, self.seconds - bridged)
        return "answered"

    async def join_conference(
        self, name: str, *, muted: bool, beep: bool, start_on_enter: bool, end_on_exit: bool
    ) -> None:
        """Enter the conference room ``name`` and stay until leaving (see :mod:`.conference`)."""
        started = self.seconds
        await conference.join(
            self.emu, self, name, muted=muted, start_on_enter=start_on_enter, end_on_exit=end_on_exit
        )
        self.seconds = max(self.seconds, started)

    async def notify_error(
        self,
        code: int,
        message: str,
        *,
        url: str,
        method: str,
        request_vars: str,
        response_headers: str,
        response_body: str,
    ) -> None:
        """Write an error Notification (Log 0) for this call."""
        stamp = now()
        variables = urlencode(self.standard_params()) + ("&" + request_vars if request_vars else "")
        notification = Notification(
            sid=new_sid("NO"),
            date_created=stamp,
            date_updated=stamp,
            account_sid=self.account_sid,
            call_sid=self.sid,
            log=NotificationLog.ERROR,
            error_code=code,
            more_info=paths.more_info_url(code),
            message_text=message,
            message_date=stamp,
            request_url=url,
            request_method=method,
            request_variables=variables,
            response_headers=response_headers,
            response_body=response_body,
        )
        self.emu.store.put(notification, parent=self.sid)

    def redirect_requested(self) -> tuple[str, str] | None:
        """Return and clear the pending REST redirect."""
        pending, self.pending_redirect = self.pending_redirect, None
        self.wake.clear()
        return pending


def finish_completed(emu: Emulator, row: Row, seconds: float) -> Row:
    """Complete a call or segment: Status 2, Duration, EndTime, Price.

    :param emu: the emulator.
    :param row: the stored call or segment.
    :param seconds: simulated seconds since it was answered.
    """
    duration = max(1, math.ceil(seconds - 1e-9))
    start = row.record.start_time or now()
    return emu.store.update(
        row,
        status=CallStatus.COMPLETED,
        start_time=start,
        end_time=start.add(seconds=duration),
        duration=duration,
        price=price_for(duration),
    )


async def run_answered(
    emu: Emulator,
    live: LiveCall,
    url: str,
    method: str,
    params: dict[str, str],
    *,
    fallback: tuple[str, str] | None = None,
) -> Outcome:
    """Run an answered call's TwiML from ``url`` to its end, then store how the call ended.

    The call is reachable by REST redirects while it runs. It ends completed (Status 2, billed)
    unless its TwiML failed (Status 4).

    :param emu: the emulator.
    :param live: the call, already stored In Progress.
    :param url: the first document's URL.
    :param method: its method.
    :param params: extra parameters of the first request (``DialStatus`` of outgoing calls).
    :param fallback: ``(url, method)`` tried when the first document fails (incoming calls).
    """
    emu.live_calls[live.sid] = live
    try:
        outcome = await run_url(live, url, method, params, fallback=fallback)
    finally:
        emu.live_calls.pop(live.sid, None)
    row = emu.store.get(Call, live.sid)
    if row is not None:
        if outcome.hung_up_by == "error":
            emu.store.update(row, status=CallStatus.FAILED)
        else:
            finish_completed(emu, row, live.seconds)
    return outcome
