"""Control endpoints that make the outside world contact an account: ``/_emulator/inbound/...``.

``POST /_emulator/inbound/sms`` with the account's Basic credentials and the JSON body
``{"From": "4155550100", "To": "5005550006", "Body": "hello"}`` texts the account's number
``To`` (see :mod:`..messaging.inbound`). It answers 201 with the stored message as JSON, in the form
``GET /_emulator/state`` lists SMS (``sid``, ``from_``, ``to``, ``body``, ``status``, ``flags``,
``date_created``...).

``POST /_emulator/inbound/calls`` with the JSON body ``{"From": "4155550100", "To": "5005550006"}``
calls the account's number ``To`` from ``From`` (see :mod:`..telephony.inbound`). It answers 201 with
the new, queued call as JSON, in the form ``GET /_emulator/state`` lists calls (``sid``,
``caller``, ``called``, ``phone_number_sid``, ``status``, ``flags``...).

Errors are JSON ``{"error": "...", "field": "To"}``:

- 401: missing or wrong credentials.
- 400: a body that is not a JSON object, or a missing or invalid ``From``, ``To`` or ``Body``
  (``Body`` for SMS only; the message names the field), or any string holding a character XML
  cannot carry (then also ``"code": 21200``; nothing is stored, see :mod:`..xml_text`).
- 413: a body over 1 MiB; 408: a body not received within the body timeout (:mod:`..bodies`).

Choices where the reference says *inferred* or is silent:

- A ``To`` that is a valid number but not one of the account's IncomingPhoneNumbers answers
  404 (the number does not exist for this account, as a REST path naming another account's
  resource does), with ``"field": "To"``; one of its toll-free numbers answers 400 (toll-free
  numbers were voice-only in 2008). The same 404 for a call to a number not owned.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...api.errors import Twilio2008ValidationError
from ...api.validate import INVALID_PARAMETER, phone_number, sms_body
from ..auth import authenticate
from ..bodies import JSON_LIMIT, BodyRefused, read_body
from ..messaging.inbound import receive_sms
from ..model.numbers import NotReceivable
from ..model.state import Emulator
from ..rest.endpoint import RestError
from ..telephony.inbound import receive_call
from ..xml_text import JsonFieldError, SafeJSONResponse, refuse_in_json

__all__ = ["ROUTES"]

#: The JSON fields of ``POST /_emulator/inbound/sms``, all required.
SMS_FIELDS = ("From", "To", "Body")
#: The JSON fields of ``POST /_emulator/inbound/calls``, all required.
CALL_FIELDS = ("From", "To")


def _error(
    status: int,
    message: str,
    field: str | None = None,
    headers: dict[str, str] | None = None,
    code: int | None = None,
) -> Response:
    body: dict[str, Any] = {"error": message}
    if field is not None:
        body["field"] = field
    if code is not None:
        body["code"] = code
    return SafeJSONResponse(body, status_code=status, headers=headers)


def _fields(raw: bytes, names: tuple[str, ...] = SMS_FIELDS) -> dict[str, Any]:
    """Return the JSON object of a body; raise ``Twilio2008ValidationError`` naming what is wrong.

    :param raw: the request body.
    :param names: the required fields.
    """
    try:
        data = json.loads(raw) if raw.strip() else None
    except (ValueError, UnicodeDecodeError, RecursionError):
        data = None
    if not isinstance(data, dict):
        shape = "{" + ", ".join(f'"{name}": ...' for name in names) + "}"
        raise Twilio2008ValidationError("body", "not a JSON object", shape)
    refuse_in_json(data)
    for name in names:
        if data.get(name) in (None, ""):
            raise Twilio2008ValidationError(name, "missing", "a value", param=name)
    return data


async def _inbound(
    request: Request,
    names: tuple[str, ...],
    read: Callable[[dict[str, Any]], tuple[str, ...]],
    act: Callable[..., Any],
) -> Response:
    """Authenticate, read and check the JSON fields, then act; answer 201 with what was made.

    :param request: the control request.
    :param names: the required JSON fields.
    :param read: turns the fields into the checked arguments of ``act`` (raises validation errors).
    :param act: ``act(emu, account_sid, *arguments)`` makes the message or call.
    """
    emu: Emulator = request.app.state.emu
    try:
        account_sid = authenticate(emu, request)
    except RestError as error:
        return _error(401, error.message, headers=error.headers)
    try:
        arguments = read(_fields(await read_body(request, JSON_LIMIT, emu.body_timeout), names))
    except BodyRefused as refused:
        return _error(refused.status, refused.message, headers=refused.headers)
    except JsonFieldError as exc:
        return _error(400, exc.message, exc.field, code=INVALID_PARAMETER)
    except Twilio2008ValidationError as exc:
        return _error(400, str(exc), exc.field)
    try:
        made = act(emu, account_sid, *arguments)
    except NotReceivable as exc:
        return _error(exc.status, exc.message, "To")
    return SafeJSONResponse(made.as_dict(), status_code=201)


def _sms_fields(data: dict[str, Any]) -> tuple[str, ...]:
    from_ = phone_number(data["From"], "From", param="From", allow_short_code=True)
    return from_, phone_number(data["To"], "To", param="To"), sms_body(data["Body"], "Body")


def _call_fields(data: dict[str, Any]) -> tuple[str, ...]:
    return phone_number(data["From"], "From", param="From"), phone_number(data["To"], "To", param="To")


async def inbound_sms(request: Request) -> Response:
    """Text one of the account's numbers from the outside world (see the module docstring)."""
    return await _inbound(request, SMS_FIELDS, _sms_fields, receive_sms)


async def inbound_call(request: Request) -> Response:
    """Call one of the account's numbers from the outside world (see the module docstring)."""
    return await _inbound(request, CALL_FIELDS, _call_fields, receive_call)


ROUTES = [
    Route("/_emulator/inbound/sms", inbound_sms, methods=["POST"]),
    Route("/_emulator/inbound/calls", inbound_call, methods=["POST"]),
]
