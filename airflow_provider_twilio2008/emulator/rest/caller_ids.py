"""REST handlers for OutgoingCallerIds: list, validate (start), rename and delete.

The parameters are decoded as the hook encodes them (:mod:`...api.parameters`). Choices where
the reference says *inferred*: validating a number the account already has as
caller ID gives 21450; deletion answers 204 with an empty body; see :mod:`..telephony.validations` for the
rest of the validation flow (200, completes by itself).
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ...api import filters, paths, validate
from ...api.parameters import UPDATE_CALLER_ID, VALIDATE_CALLER_ID
from ...api.records import OutgoingCallerId, ValidationRequest
from ..model.state import Emulator
from ..telephony import validations
from .endpoint import Req, RestError, decoded, listed, lookup, no_content, paginate, respond

__all__ = ["ROUTES"]

CODES = validate.CODES


async def list_caller_ids(emu: Emulator, req: Req) -> Response:
    """List validated caller IDs, filtered by PhoneNumber and FriendlyName."""
    records = [row.record for row in emu.store.find(OutgoingCallerId, req.account_sid)]
    return paginate(req, list(filter(listed(req, filters.OUTGOING_CALLER_IDS), records)), OutgoingCallerId)


async def validate_caller_id(emu: Emulator, req: Req) -> Response:
    """Start validating a caller ID; answer the ValidationRequest with its code (200)."""
    values = decoded(VALIDATE_CALLER_ID, req.params)
    number, name, delay = values["phone_number"], values["friendly_name"], values["call_delay"]
    if any(row.record.phone_number == number for row in emu.store.find(OutgoingCallerId, req.account_sid)):
        raise RestError(
            400,
            f"Phone number {number} is already a validated caller ID",
            CODES["caller_id_already_validated"],
        )
    pending = emu.store.get(ValidationRequest, number)
    if pending is not None and pending.record.account_sid != req.account_sid:
        raise RestError(
            400, f"Phone number {number} is being validated by another account", CODES["phone_invalid"]
        )
    request = validations.start_validation(emu, req.account_sid or "", number, name, delay)
    return respond(req, request)


def _caller_id_row(emu: Emulator, req: Req) -> Any:
    return lookup(emu, req, OutgoingCallerId, req.path_params["caller_id_sid"])


async def get_caller_id(emu: Emulator, req: Req) -> Response:
    """Fetch a caller ID."""
    return respond(req, _caller_id_row(emu, req).record)


async def update_caller_id(emu: Emulator, req: Req) -> Response:
    """Change a caller ID's FriendlyName."""
    row = _caller_id_row(emu, req)
    name = decoded(UPDATE_CALLER_ID, req.params)["friendly_name"]
    return respond(req, emu.store.update(row, friendly_name=name).record)


async def delete_caller_id(emu: Emulator, req: Req) -> Response:
    """Delete a caller ID; 204."""
    emu.store.delete(_caller_id_row(emu, req))
    return no_content()


ROUTES = [
    (paths.OUTGOING_CALLER_IDS, {"GET": list_caller_ids, "POST": validate_caller_id}),
    (
        paths.OUTGOING_CALLER_ID,
        {"GET": get_caller_id, "POST": update_caller_id, "PUT": update_caller_id, "DELETE": delete_caller_id},
    ),
]
