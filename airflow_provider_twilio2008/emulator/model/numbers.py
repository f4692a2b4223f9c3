"""Which of an account's numbers may do what: place calls as ``Caller``, send SMS, receive SMS.

Choices where the reference says *inferred*: toll-free numbers send and receive no SMS
(toll-free numbers were voice-only in 2008); validated OutgoingCallerIds may be a call's
``Caller`` or a ``<Dial callerId>`` but never an SMS sender.
"""

from __future__ import annotations

from ...api.records import IncomingPhoneNumber, OutgoingCallerId
from .state import Emulator
from .store import Row

__all__ = ["NotReceivable", "caller_id_sid", "owned_number", "sms_number"]


class NotReceivable(LookupError):
    """The number called or texted cannot receive this account's call or SMS.

    :param status: the HTTP status the control endpoint answers (404 not owned, 400 toll-free).
    :param message: what is wrong, naming ``To``.
    """

    def __init__(self, status: int, message: str) -> None:
        self.status = status
        self.message = message
        super().__init__(message)


def caller_id_sid(emu: Emulator, account_sid: str, number: str, *, sms: bool = False) -> str | None:
    """Return the SID of the account's number (or, for voice, validated caller ID) ``number``.

    :param emu: the emulator.
    :param account_sid: the account.
    :param number: a normalised number.
    :param sms: only SMS-capable numbers (local IncomingPhoneNumbers) count.
    """
    for row in emu.store.find(IncomingPhoneNumber, account_sid):
        if row.record.phone_number == number and not (sms and row.extra.get("type") == "tollfree"):
            return row.record.sid
    if sms:
        return None
    for row in emu.store.find(OutgoingCallerId, account_sid):
        if row.record.phone_number == number:
            return row.record.sid
    return None


def _owned_row(emu: Emulator, account_sid: str, number: str) -> Row:
    for row in emu.store.find(IncomingPhoneNumber, account_sid):
        if row.record.phone_number == number:
            return row
    raise NotReceivable(404, f"To: {number} is not one of this account's IncomingPhoneNumbers")


def owned_number(emu: Emulator, account_sid: str, number: str) -> IncomingPhoneNumber:
    """Return the account's IncomingPhoneNumber ``number`` (a phone calls or texts it).

    :param emu: the emulator.
    :param account_sid: the account.
    :param number: a normalised phone number.
    :raises NotReceivable: (404) not one of the account's numbers.
    """
    return _owned_row(emu, account_sid, number).record


def sms_number(emu: Emulator, account_sid: str, number: str) -> IncomingPhoneNumber:
    """Return the account's IncomingPhoneNumber ``number`` if it can receive SMS.

    :param emu: the emulator.
    :param account_sid: the account.
    :param number: a normalised phone number.
    :raises NotReceivable: not one of the account's numbers (404), or a toll-free one (400).
    """
    row = _owned_row(emu, account_sid, number)
    if row.extra.get("type") == "tollfree":
        raise NotReceivable(400, f"To: {number} is a toll-free number; they receive no SMS")
    return row.record
