"""Outgoing SMS delivery: store a queued message, move it to ``sent`` or ``failed``, call back.

Choices where the reference says *inferred*:

- SMS timing (simulated): ``queued`` -> ``sending`` after 1 s, -> ``sent`` (``DateSent`` set) or
  ``failed`` 2 s later. An SMS to ``5005550009`` ends ``failed``. The ``StatusCallback`` POST
  carries ``SmsSid`` and ``SmsStatus`` plus ``AccountSid``, ``From``, ``To`` and ``Body``; it is
  tried once, failures are ignored (Twilio documents no retries).
- On restart, queued/sending messages resume where they were (each step is stored before it is
  taken, so nothing is lost or repeated except, at worst, one status callback).
- A message that reaches ``sent`` to a number scripted with ``sms_reply`` gets its reply
  planned (stored with the message, :mod:`.callee_replies`) and received later by the next
  step of the SMS lifecycle (:func:`.inbound.send_callee_reply`, wired in :mod:`..lifecycles`);
  pending replies resume after a restart with the deliveries.
"""

from __future__ import annotations

from ...api.errors import Twilio2008ValidationError
from ...api.records import SmsFlags, SmsMessage, SmsStatus
from ...api.validate import phone_number, sms_body
from ..model.numbers import caller_id_sid
from ..model.state import SMS_FAIL_NUMBER, Emulator
from ..model.store import Row, new_sid, now
from ..webhooks import post_callback
from . import callee_replies

__all__ = ["create_sms", "deliver_sms", "has_work_left", "post_status_callback", "send_from_twiml"]

SMS_QUEUE_SECONDS = 1.0

SMS_SEND_SECONDS = 2.0


def create_sms(
    emu: Emulator,
    account_sid: str,
    *,
    to: str,
    from_: str,
    body: str,
    status_callback: str | None,
    flags: SmsFlags,
) -> SmsMessage:
    """Store a queued SMS and start delivering it.

    :param emu: the emulator.
    :param account_sid: the sender's account.
    :param to: the normalised recipient.
    :param from_: the normalised sender (already checked to be the account's number).
    :param body: the text (already checked).
    :param status_callback: URL POSTed with the final status.
    :param flags: ``API`` for REST sends, ``REPLY`` for TwiML ``<Sms>`` (our choice).
    """
    stamp = now()
    message = SmsMessage(
        sid=new_sid("SM"),
        date_created=stamp,
        date_updated=stamp,
        account_sid=account_sid,
        to=to,
        from_=from_,
        body=body,
        status=SmsStatus.QUEUED,
        flags=flags,
    )
    return emu.begin(message, extra={"status_callback": status_callback or ""})


async def deliver_sms(emu: Emulator, sms_sid: str) -> None:
    """Move an SMS through ``queued`` -> ``sending`` -> ``sent``/``failed``, the SMS lifecycle's ``run``.

    :param emu: the emulator.
    :param sms_sid: the message.
    """
    row = emu.store.get(SmsMessage, sms_sid)
    if row is None:
        return
    if row.record.status is SmsStatus.QUEUED:
        await emu.sleep(SMS_QUEUE_SECONDS)
        row = emu.store.update(row, status=SmsStatus.SENDING)
    if row.record.status is SmsStatus.SENDING:
        await emu.sleep(SMS_SEND_SECONDS)
        if row.record.to == SMS_FAIL_NUMBER:
            row = emu.store.update(row, status=SmsStatus.FAILED)
        else:
            plan = callee_replies.plan(emu, row.record)
            emu.store.update(row, status=SmsStatus.SENT, date_sent=now(), extra=plan)


async def post_status_callback(emu: Emulator, sms_sid: str) -> None:
    """POST a delivered message's ``StatusCallback`` once (a step after :func:`deliver_sms`).

    :param emu: the emulator.
    :param sms_sid: the message.
    """
    row = emu.store.get(SmsMessage, sms_sid)
    if row is None or not row.record.status.is_terminal or not _callback_pending(row):
        return
    emu.store.update(row, extra={"callback_done": True})
    message = row.record
    params = {
        "SmsSid": message.sid,
        "SmsStatus": message.status.value,
        "AccountSid": message.account_sid or "",
        "From": message.from_ or "",
        "To": message.to or "",
        "Body": message.body or "",
    }
    await post_callback(emu, message.account_sid or "", row.extra["status_callback"], params)


def _callback_pending(row: Row) -> bool:
    return bool(row.extra.get("status_callback")) and not row.extra.get("callback_done")


def has_work_left(row: Row) -> bool:
    """Tell whether a message found at a restart still has a step to take (the lifecycle's ``pending``).

    :param row: a stored message.
    """
    return not row.record.status.is_terminal or _callback_pending(row) or callee_replies.pending(row)


def send_from_twiml(
    emu: Emulator, account_sid: str, *, to: str, from_: str, body: str, status_callback: str | None
) -> tuple[str, str]:
    """Send the message of a TwiML ``<Sms>`` (voice or SMS TwiML); return ``(SmsSid, SmsStatus)``.

    ``SmsStatus`` is ``sending`` when the message was queued, ``invalid`` (and ``SmsSid`` empty)
    when ``to`` is not a phone number (short codes are refused: TwiML could not text them),
    ``from_`` is not an SMS-capable number of the account, or the body is empty or too long.
    The message is stored with ``Flags`` 2 (reply).

    :param emu: the emulator.
    :param account_sid: the account sending.
    :param to: the recipient, after the verb's default was applied.
    :param from_: the sender, after the verb's default was applied.
    :param body: the verb's text.
    :param status_callback: the absolute ``statusCallback`` URL, if any.
    """
    try:
        target = phone_number(to, "to", allow_short_code=False)
        sender = phone_number(from_, "from")
        text = sms_body(body)
    except Twilio2008ValidationError:
        return "", "invalid"
    if caller_id_sid(emu, account_sid, sender, sms=True) is None:
        return "", "invalid"
    message = create_sms(
        emu,
        account_sid,
        to=target,
        from_=sender,
        body=text,
        status_callback=status_callback,
        flags=SmsFlags.REPLY,
    )
    return message.sid, "sending"
