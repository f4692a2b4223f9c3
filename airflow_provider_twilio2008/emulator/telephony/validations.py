"""Caller-ID validation: the simulated callee keys in the code and the OutgoingCallerId appears.

Choices where the reference says *inferred*: ``POST OutgoingCallerIds`` answers **200** (no
resource exists yet, so not 201, and no ``Location``). The simulated callee keys in the code
``CallDelay`` + 10 simulated seconds later and the OutgoingCallerId appears; numbers scripted
busy, no-answer or failed never complete. ``POST /_emulator/validations/{PhoneNumber}``
completes one at once. Pending validations resume after a restart.
"""

from __future__ import annotations

import secrets

from ...api.records import OutgoingCallerId, ValidationRequest
from ..model.state import Emulator, format_number
from ..model.store import new_sid, now

__all__ = ["complete_validation", "start_validation", "validate_later"]

VALIDATION_SECONDS = 10.0


def start_validation(
    emu: Emulator, account_sid: str, phone_number: str, friendly_name: str | None, call_delay: int
) -> ValidationRequest:
    """Store a pending caller-ID validation and let the simulated callee complete it.

    :param emu: the emulator.
    :param account_sid: the account.
    :param phone_number: the normalised number to validate.
    :param friendly_name: the label for the caller ID.
    :param call_delay: seconds before the validation call (0-60).
    """
    request = ValidationRequest(
        account_sid=account_sid,
        phone_number=phone_number,
        friendly_name=friendly_name or format_number(phone_number),
        validation_code=f"{secrets.randbelow(10**6):06d}",
    )
    return emu.begin(request, extra={"call_delay": call_delay})


async def validate_later(emu: Emulator, phone_number: str) -> None:
    """Let the simulated callee key in the code after the delay unless it never answers (lifecycle ``run``).

    :param emu: the emulator.
    :param phone_number: the number being validated (the request's store key).
    """
    row = emu.store.get(ValidationRequest, phone_number)
    if row is None:
        return
    await emu.sleep(float(row.extra.get("call_delay", 0)) + VALIDATION_SECONDS)
    if emu.callee(row.record.account_sid or "", phone_number).answer in ("busy", "no-answer", "failed"):
        emu.store.delete(row)
        return
    complete_validation(emu, phone_number)


def complete_validation(emu: Emulator, phone_number: str) -> OutgoingCallerId | None:
    """Turn a pending validation into an OutgoingCallerId; return it (``None`` if none pending).

    :param emu: the emulator.
    :param phone_number: the normalised number.
    """
    row = emu.store.get(ValidationRequest, phone_number)
    if row is None:
        return None
    request: ValidationRequest = row.record
    emu.store.delete(row)
    stamp = now()
    caller_id = OutgoingCallerId(
        sid=new_sid("PN"),
        date_created=stamp,
        date_updated=stamp,
        friendly_name=request.friendly_name,
        account_sid=request.account_sid,
        phone_number=request.phone_number,
    )
    emu.store.put(caller_id)
    return caller_id
