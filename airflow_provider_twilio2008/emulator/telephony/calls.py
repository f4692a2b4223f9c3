"""Place emulated calls: ring, connect, run the application's TwiML, hang up and bill.

A call is an asyncio task on the server's event loop. Its TwiML is fetched with
``httpx.AsyncClient`` (the ``Url`` may point at the emulator itself) and run by
:mod:`.twiml`, with :class:`LiveCall` as the simulated world (:class:`.twiml.CallContext`).

Choices where the reference says *inferred*:

- Timing (simulated seconds): 1 s before dialling; a person answers after 5 s, a machine after
  5 s plus 4 s of detection; busy after 3 s, failed after 1 s, no-answer after ``Timeout``.
- Busy / no-answer / failed calls still request ``Url`` with ``DialStatus`` ``busy`` /
  ``no-answer`` / ``fail`` and ``CallStatus`` ``busy`` / ``no-answer`` / ``failed``; the response
  is ignored. They end as Status 3 / 5 / 4 with empty ``StartTime``, ``EndTime``, ``Duration``
  and ``Price`` (only completed calls are billed).
- ``IfMachine=Hangup`` on a machine: ``DialStatus=hangup-machine``, the response is ignored and
  the call completes (Status 2) after the detection time.
- An application error (11200, 12100, 12300...) ends the call with Status 4 and a Notification;
  like other failed calls it gets no ``EndTime``/``Duration``/``Price``.
- A completed call: ``Duration`` = simulated seconds from answer to hang-up, rounded up (at
  least 1); ``EndTime`` = ``StartTime`` + ``Duration`` (so with a time scale it may lie slightly
  in the future); ``Price`` = -0.03000 per started minute. ``<Dial>`` legs: the same, as segments.
- The first TwiML request carries ``DialStatus``; every request carries ``CallSid``/``CallGuid``,
  ``AccountSid``/``AccountGuid``, ``Caller``, ``Called``, ``CallStatus`` and is signed with
  ``X-Twilio-Signature``.
- Restart with the same ``--db``: a call still queued (Status 0) is dialled again from the
  start (an incoming one is answered again, see :mod:`.inbound`); a call that was in
  progress cannot resume its TwiML (that state is not stored), so it is completed at once with
  the duration it had reached at its last stored update. Open dial segments end the same way
  (queued ones as no-answer); open conferences are completed.
"""

from __future__ import annotations

from ...api.records import (
    Call,
    CallFlags,
    CallStatus,
    Conference,
    ConferenceStatus,
    Participant,
)
from ..model.state import Emulator
from ..model.store import Row, now
from .inbound import run_inbound_call
from .live_call import (
    DIAL_DELAY,
    FAILURES,
    MACHINE_DETECT_SECONDS,
    RING_SECONDS,
    LiveCall,
    finish_completed,
    run_answered,
)
from .twiml import FetchError

__all__ = ["LiveCall", "is_queued", "redirect_call", "run_call", "settle_interrupted"]


async def run_call(emu: Emulator, call_sid: str) -> None:
    """Run a stored, queued call to its end: the calls' lifecycle ``run``, outgoing or incoming.

    :param emu: the emulator.
    :param call_sid: the call.
    """
    row = emu.store.get(Call, call_sid)
    if row is None:
        return
    if (row.record.flags or 0) & CallFlags.INBOUND:
        await run_inbound_call(emu, call_sid)
        return
    live = LiveCall(emu, row.record)
    url, method = row.extra.get("url", ""), row.extra.get("method", "POST")
    if_machine = row.extra.get("if_machine") or ""
    await emu.sleep(DIAL_DELAY)
    answer = live.script.answer
    if answer in FAILURES:
        status, dial_status, wait = FAILURES[answer]
        await emu.sleep(float(row.extra.get("timeout", 60)) if wait is None else wait)
        row = emu.store.update(row, status=status)
        live.call_status = status.callback_value or "failed"
        await _notify_outcome(live, url, method, dial_status)
        return
    await emu.sleep(RING_SECONDS)
    row = emu.store.update(row, status=CallStatus.IN_PROGRESS, start_time=now())
    dial_status = "answered-human" if if_machine else "answered"
    if answer == "machine":
        emu.live_calls[call_sid] = live  # a REST redirect may come during the detection
        try:
            await live.elapse(MACHINE_DETECT_SECONDS)
            if if_machine == "Hangup":
                live.call_status = "completed"
                await _notify_outcome(live, url, method, "hangup-machine")
                finish_completed(emu, emu.store.get(Call, call_sid) or row, live.seconds)
                return
        finally:
            emu.live_calls.pop(call_sid, None)
        dial_status = "answered-machine" if if_machine == "Continue" else "answered"
    await run_answered(emu, live, url, method, {"DialStatus": dial_status})


async def _notify_outcome(live: LiveCall, url: str, method: str, dial_status: str) -> None:
    """Request ``Url`` with an outcome DialStatus, ignoring the answer and any failure."""
    try:
        await live.fetch(url, method, {"DialStatus": dial_status})
    except FetchError:
        pass


def redirect_call(emu: Emulator, call_sid: str, url: str, method: str) -> bool:
    """Ask a call in progress to fetch and run new TwiML; return ``False`` when it is not live.

    :param emu: the emulator.
    :param call_sid: the call.
    :param url: ``CurrentUrl``.
    :param method: ``CurrentMethod``.
    """
    live: LiveCall | None = emu.live_calls.get(call_sid)
    if live is None:
        return False
    live.pending_redirect = (url, method)
    live.wake.set()
    return True


def is_queued(row: Row) -> bool:
    """Tell whether a call found at a restart is to be placed again (queued, not a ``<Dial>`` leg).

    :param row: a stored call or segment.
    """
    return row.record.status is CallStatus.QUEUED and not row.record.call_segment_sid


def settle_interrupted(emu: Emulator) -> None:
    """End what a previous run left open that cannot resume (module docstring): the calls' ``settle``.

    :param emu: the emulator.
    """
    for row in emu.store.find(Call):
        call: Call = row.record
        if call.status is CallStatus.QUEUED and call.call_segment_sid:
            emu.store.update(row, status=CallStatus.NO_ANSWER)
        elif call.status is CallStatus.IN_PROGRESS:
            reached = (row.record.date_updated or now()) - (call.start_time or now())
            finish_completed(emu, row, max(1.0, reached.total_seconds()))
    for row in emu.store.find(Conference):
        if row.record.status is not ConferenceStatus.COMPLETED:
            emu.store.update(row, status=ConferenceStatus.COMPLETED)
    for row in emu.store.find(Participant):
        emu.store.delete(row)
