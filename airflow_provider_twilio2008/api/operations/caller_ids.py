"""Outgoing caller ID operations, validation included."""

from __future__ import annotations

from .. import paths, validate
from ..filters import OUTGOING_CALLER_IDS
from ..parameters import UPDATE_CALLER_ID, VALIDATE_CALLER_ID, encode
from ..records import (
    OutgoingCallerId,
    ValidationRequest,
)
from ._common import (
    ApiRequest,
    account_path,
    list_request,
)


def list_outgoing_caller_ids(
    account_sid: str,
    *,
    phone_number: str | None = None,
    friendly_name: str | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List validated caller IDs (exact ``PhoneNumber`` / ``FriendlyName`` filters)."""
    filters = OUTGOING_CALLER_IDS.query(phone_number=phone_number, friendly_name=friendly_name)
    return list_request(
        account_path(paths.OUTGOING_CALLER_IDS, account_sid), OutgoingCallerId, filters, page_size
    )


def get_outgoing_caller_id(account_sid: str, caller_id_sid: str) -> ApiRequest:
    """Fetch one validated caller ID."""
    sid = validate.sid(caller_id_sid, validate.PHONE_NUMBER, "caller_id_sid")
    return ApiRequest(
        "GET",
        account_path(paths.OUTGOING_CALLER_ID, account_sid, caller_id_sid=sid),
        record=OutgoingCallerId,
    )


def start_caller_id_validation(
    account_sid: str, phone_number: str, *, friendly_name: str | None = None, call_delay: int | None = None
) -> ApiRequest:
    """Ask Twilio to phone ``phone_number`` so its owner can key in the returned ``ValidationCode``."""
    form = encode(
        VALIDATE_CALLER_ID, phone_number=phone_number, friendly_name=friendly_name, call_delay=call_delay
    )
    return ApiRequest(
        "POST", account_path(paths.OUTGOING_CALLER_IDS, account_sid), form=form, record=ValidationRequest
    )


def update_outgoing_caller_id(account_sid: str, caller_id_sid: str, friendly_name: str) -> ApiRequest:
    """Rename a validated caller ID."""
    sid = validate.sid(caller_id_sid, validate.PHONE_NUMBER, "caller_id_sid")
    form = encode(UPDATE_CALLER_ID, friendly_name=friendly_name)
    path = account_path(paths.OUTGOING_CALLER_ID, account_sid, caller_id_sid=sid)
    return ApiRequest("POST", path, form=form, record=OutgoingCallerId)


def delete_outgoing_caller_id(account_sid: str, caller_id_sid: str) -> ApiRequest:
    """Remove a validated caller ID (204, empty body)."""
    sid = validate.sid(caller_id_sid, validate.PHONE_NUMBER, "caller_id_sid")
    return ApiRequest("DELETE", account_path(paths.OUTGOING_CALLER_ID, account_sid, caller_id_sid=sid))
