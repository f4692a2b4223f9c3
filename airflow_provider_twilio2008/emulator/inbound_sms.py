"""Incoming SMS: a text from the outside world to one of an account's numbers.

Choices where the reference says *inferred* or is silent:

- An incoming message is stored with ``Flags`` 1 (inbound), ``Status`` ``sent`` and ``DateSent``
  equal to ``DateCreated``. The reference does not say which status 2008 gave received messages;
  ``sent`` keeps the ``DateSent`` list filter and every 2008 client's status enum working.
- ``From`` may be a phone number or a 5-6 digit short code; ``To`` must be one of the account's
  IncomingPhoneNumbers (anything else is refused before anything is stored).
"""

from __future__ import annotations

from ..api.records import IncomingPhoneNumber, SmsFlags, SmsMessage, SmsStatus
from .state import Emulator
from .store import new_sid, now

__all__ = ["NotOurNumber", "owned_number", "receive_sms"]


class NotOurNumber(LookupError):
    """The texted number is not one of the account's IncomingPhoneNumbers.

    :param number: the normalised number.
    """

    def __init__(self, number: str) -> None:
        self.number = number
        super().__init__(f"To: {number} is not one of this account's IncomingPhoneNumbers")


def owned_number(emu: Emulator, account_sid: str, number: str) -> IncomingPhoneNumber | None:
    """Return the account's IncomingPhoneNumber with this phone number, or ``None``.

    :param emu: the emulator.
    :param account_sid: the account.
    :param number: a normalised phone number.
    """
    for row in emu.store.find(IncomingPhoneNumber, account_sid):
        if row.record.phone_number == number:
            return row.record
    return None


def receive_sms(emu: Emulator, account_sid: str, from_: str, to: str, body: str) -> SmsMessage:
    """Store a message texted from ``from_`` to the account's number ``to``; return it.

    :param emu: the emulator.
    :param account_sid: the account owning ``to``.
    :param from_: the normalised sender.
    :param to: the normalised number texted (one of the account's IncomingPhoneNumbers).
    :param body: the text (already checked).
    :raises NotOurNumber: when ``to`` is not one of the account's numbers.
    """
    if owned_number(emu, account_sid, to) is None:
        raise NotOurNumber(to)
    stamp = now()
    message = SmsMessage(
        sid=new_sid("SM"),
        date_created=stamp,
        date_updated=stamp,
        date_sent=stamp,
        account_sid=account_sid,
        to=to,
        from_=from_,
        body=body,
        status=SmsStatus.SENT,
        flags=SmsFlags.INBOUND,
    )
    emu.store.put(message)
    return message
