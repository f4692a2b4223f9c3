"""Incoming calls: a simulated phone at ``From`` calls one of an account's numbers (``To``).

:func:`receive_call` stores the call and starts its lifecycle, which runs the number's voice
TwiML with the engine of outgoing calls (:class:`.live_call.LiveCall`, :mod:`.twiml`,
:func:`.live_call.run_answered`): the same parameters, signature, cookies, Notifications, REST
redirects, recordings, ``<Dial>`` segments and billing. The party at ``From`` is the simulated
caller: its callee script (:class:`..model.state.CalleeScript`, ``/_emulator/callees/{From}``) decides the
keys pressed at a ``<Gather>``, the seconds spoken into a ``<Record>`` and the text of its
transcriptions. Its ``answer`` is not used: the caller placed the call.

Choices where the reference says *inferred* or is silent:

- The call is stored at once with Status 0, ``Flags`` 1 (inbound), ``PhoneNumberSid`` = the
  called number's SID, ``Caller`` = From and ``Called`` = To, and answered (Status 1,
  ``StartTime``) :data:`ANSWER_SECONDS` (1 simulated second) later: Twilio answers at once, the
  short delay lets a client see the call queued before it runs.
- The first request goes to the number's ``Url`` with its ``Method`` and only the standard
  parameters of reference 5.1 (``CallStatus=in-progress``): no ``DialStatus``, which 5.1 lists
  for the first request of REST-initiated calls only.
- ``VoiceFallbackUrl`` (with ``VoiceFallbackMethod``, POST when empty) is requested with the
  same parameters when the first document fails: unreachable, a non-2xx answer, a Content-Type
  that is neither TwiML, text nor audio, or TwiML that does not parse (11200 / 12300 / 12100).
  Each failed URL writes its own Notification on the call. Documents after the first (a
  ``<Gather>`` action that answers 500...) have no fallback: their failure ends the call as on
  an outgoing call. Later 2008 docs do not say which failures the fallback covers.
- A number without ``Url`` counts as a failed first request: a Notification 11200 with an empty
  ``RequestURL``, then the fallback when there is one.
- A call whose TwiML failed ends with Status 4 and keeps its ``StartTime`` but gets no
  ``EndTime``, ``Duration`` or ``Price``, as an outgoing call with an application error.
- The number's URLs and methods are read when the call arrives and kept with the call: updating
  the number later does not change a call under way, and a restart re-runs a queued call with
  them.
- ``<Sms>`` without ``to``/``from`` texts the caller from the called number (reference 6.1).
  ``<Dial>`` without ``callerId`` shows the caller's number; its legs are segments with
  ``Flags`` 5 (inbound, dialled).
- Restart with the same database: as outgoing calls (:mod:`.calls`), a queued incoming call
  is answered again from the start and one in progress is completed.
"""

from __future__ import annotations

from ...api.records import Call, CallFlags, CallStatus
from ..model.numbers import owned_number
from ..model.state import Emulator
from ..model.store import new_sid, now
from .live_call import LiveCall, run_answered

__all__ = ["ANSWER_SECONDS", "receive_call", "run_inbound_call"]

#: Simulated seconds between an incoming call arriving and being answered.
ANSWER_SECONDS = 1.0


def receive_call(emu: Emulator, account_sid: str, from_: str, to: str) -> Call:
    """Store a call from ``from_`` to the account's number ``to``, start it, and return it (queued).

    :param emu: the emulator.
    :param account_sid: the account owning ``to``.
    :param from_: the normalised caller.
    :param to: the normalised number called (one of the account's IncomingPhoneNumbers).
    :raises NotReceivable: when ``to`` is not one of the account's numbers (404).
    """
    number = owned_number(emu, account_sid, to)
    stamp = now()
    call = Call(
        sid=new_sid("CA"),
        date_created=stamp,
        date_updated=stamp,
        account_sid=account_sid,
        called=to,
        caller=from_,
        phone_number_sid=number.sid,
        status=CallStatus.QUEUED,
        flags=CallFlags.INBOUND,
    )
    extra = {
        "url": number.url or "",
        "method": number.method or "POST",
        "fallback_url": number.voice_fallback_url or "",
        "fallback_method": number.voice_fallback_method or "POST",
    }
    return emu.begin(call, extra=extra)


async def run_inbound_call(emu: Emulator, call_sid: str) -> None:
    """Answer a stored, queued incoming call and run the number's voice TwiML.

    :param emu: the emulator.
    :param call_sid: the call.
    """
    row = emu.store.get(Call, call_sid)
    if row is None:
        return
    await emu.sleep(ANSWER_SECONDS)
    row = emu.store.update(row, status=CallStatus.IN_PROGRESS, start_time=now())
    live = LiveCall(emu, row.record)
    fallback_url = row.extra.get("fallback_url") or ""
    fallback = (fallback_url, row.extra.get("fallback_method") or "POST") if fallback_url else None
    url, method = row.extra.get("url") or "", row.extra.get("method") or "POST"
    await run_answered(emu, live, url, method, {}, fallback=fallback)
