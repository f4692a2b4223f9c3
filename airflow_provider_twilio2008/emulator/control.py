"""The control endpoint ``/_emulator``: state for the inbox, faults, callee scripts, reset.

Everything except ``/_emulator/health`` needs the Basic credentials of an account of the
emulator (the same as the REST API). Bodies are JSON.

=========================================== ===================================================
``GET /_emulator/health``                   ``{"ok": true}`` (no credentials; readiness probe)
``GET /_emulator/state``                    the account's calls (with segments and
                                            notifications), SMS, recordings (with media URLs),
                                            transcriptions, conferences, numbers, caller IDs
``GET /_emulator/faults``                   ``{"rules": [...], "injected": n}``
``POST /_emulator/faults``                  add rules: one rule object, a list, or
                                            ``{"rules": [...], "replace": true}``
``DELETE /_emulator/faults``                remove every rule
``GET /_emulator/callees``                  the scripted callees
``PUT|POST /_emulator/callees/{number}``    script a callee (fields of ``CalleeScript``, e.g.
                                            ``{"sms_reply": "yes", "sms_reply_after": 5}``)
``DELETE /_emulator/callees/{number}``      back to the built-in behaviour
``POST /_emulator/validations/{number}``    complete a pending caller-ID validation now
``POST /_emulator/accounts``                create another account: ``{"friendly_name": ...}``
                                            -> ``{"sid": ..., "auth_token": ...}``
``POST /_emulator/inbound/sms``             text one of the account's numbers:
                                            ``{"From": ..., "To": ..., "Body": ...}`` -> 201
                                            and the message (module :mod:`.inbound`)
``POST /_emulator/inbound/calls``           call one of the account's numbers as a phone:
                                            ``{"From": ..., "To": ...}`` -> 201 and the call
``POST /_emulator/reset``                   stop running calls, delete every resource except
                                            accounts (seed numbers are re-created, with the
                                            URLs given by ``--voice-url``/``--sms-url``),
                                            clear faults, callee scripts and SMS cookies
=========================================== ===================================================
"""

from __future__ import annotations

import json
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..api import paths
from ..api.errors import Twilio2008ValidationError
from ..api.records import (
    ALL_RECORDS,
    Account,
    Call,
    Conference,
    IncomingPhoneNumber,
    Notification,
    OutgoingCallerId,
    Recording,
    SmsMessage,
    Transcription,
    ValidationRequest,
)
from ..api.validate import phone_number, sms_body
from . import transcriptions, validations
from .auth import authenticate
from .faults import FaultRule
from .rest import RestError
from .state import ANSWERS, CalleeScript, Emulator, new_auth_token
from .store import new_sid

__all__ = ["ROUTES"]


def _emu(request: Request) -> Emulator:
    return request.app.state.emu


def _error(status: int, message: str, headers: dict[str, str] | None = None) -> JSONResponse:
    return JSONResponse({"error": message}, status_code=status, headers=headers)


def _guarded(handler: Any) -> Any:
    """Wrap a handler: check Basic credentials, turn bad input into a 400 JSON error."""

    async def endpoint(request: Request) -> Response:
        emu = _emu(request)
        try:
            request.state.account_sid = authenticate(emu, request)
        except RestError as error:
            return _error(401, error.message, error.headers)
        try:
            return await handler(emu, request)
        except (ValueError, TypeError, KeyError) as exc:
            return _error(400, f"{type(exc).__name__}: {exc}")

    endpoint.__doc__ = handler.__doc__
    return endpoint


async def health(request: Request) -> Response:
    """Answer that the emulator is up."""
    return JSONResponse({"ok": True})


async def _json(request: Request) -> Any:
    body = await request.body()
    return json.loads(body) if body.strip() else {}


def state_of(emu: Emulator, account_sid: str) -> dict[str, Any]:
    """Return the JSON state of one account, for the inbox page.

    :param emu: the emulator.
    :param account_sid: the account.
    """
    store = emu.store

    def dicts(record_type: Any, **kw: Any) -> list[dict[str, Any]]:
        return [row.record.as_dict() for row in store.find(record_type, account_sid, **kw)]

    calls = []
    for row in reversed(store.find(Call, account_sid, sub="")):
        data = row.record.as_dict()
        data["segments"] = [
            s.record.as_dict() for s in store.find(Call, account_sid, parent=row.record.sid) if s.sub
        ]
        data["notifications"] = dicts(Notification, parent=row.record.sid)
        data["recordings"] = [r.record.sid for r in store.find(Recording, account_sid, parent=row.record.sid)]
        calls.append(data)
    recordings = []
    for row in reversed(store.find(Recording, account_sid)):
        data = row.record.as_dict()
        url = emu.resource_url(transcriptions.recording_path(account_sid, row.record.sid))
        data.update({"url": url, "wav_url": url + ".wav", "mp3_url": url + ".mp3"})
        recordings.append(data)
    return {
        "account_sid": account_sid,
        "base_url": emu.base_url,
        "api_root": emu.resource_url(paths.fill(paths.ACCOUNT, account_sid=account_sid)),
        "calls": calls,
        "sms": list(reversed(dicts(SmsMessage))),
        "recordings": recordings,
        "transcriptions": list(reversed(dicts(Transcription))),
        "notifications": list(reversed(dicts(Notification))),
        "conferences": list(reversed(dicts(Conference))),
        "incoming_phone_numbers": dicts(IncomingPhoneNumber),
        "outgoing_caller_ids": dicts(OutgoingCallerId),
        "pending_validations": [row.record.as_dict() for row in store.find(ValidationRequest, account_sid)],
    }


async def get_state(emu: Emulator, request: Request) -> Response:
    """Return the authenticated account's state."""
    return JSONResponse(state_of(emu, request.state.account_sid))


def _faults_json(emu: Emulator) -> dict[str, Any]:
    return {"rules": [rule.as_json() for rule in emu.faults.rules], "injected": emu.faults.injected}


async def get_faults(emu: Emulator, request: Request) -> Response:
    """Return the active fault rules."""
    return JSONResponse(_faults_json(emu))


async def post_faults(emu: Emulator, request: Request) -> Response:
    """Add fault rules (or replace them all with ``{"rules": [...], "replace": true}``)."""
    data = await _json(request)
    replace = False
    if isinstance(data, dict) and "rules" in data:
        replace = bool(data.get("replace"))
        data = data["rules"]
    items = data if isinstance(data, list) else [data]
    rules = [FaultRule.from_json(item) for item in items]
    if replace:
        emu.faults.replace(rules)
    else:
        emu.faults.add(rules)
    return JSONResponse(_faults_json(emu))


async def delete_faults(emu: Emulator, request: Request) -> Response:
    """Remove every fault rule."""
    emu.faults.replace([])
    return JSONResponse(_faults_json(emu))


async def get_callees(emu: Emulator, request: Request) -> Response:
    """Return the scripted callees."""
    return JSONResponse({number: script.as_json() for number, script in emu.callees.items()})


def _number(request: Request) -> str:
    try:
        return phone_number(request.path_params["number"], "number")
    except Twilio2008ValidationError as exc:
        raise ValueError(str(exc)) from None


async def put_callee(emu: Emulator, request: Request) -> Response:
    """Script the party at a number."""
    number = _number(request)
    data = await _json(request)
    script = CalleeScript(**{**CalleeScript.for_number(number).as_json(), **data})
    if script.answer not in ANSWERS:
        raise ValueError(f"answer must be one of {', '.join(ANSWERS)}")
    if script.sms_reply is not None:
        sms_body(script.sms_reply, "sms_reply")
    after = script.sms_reply_after
    if isinstance(after, bool) or not isinstance(after, int | float) or not 0 <= after < float("inf"):
        raise ValueError("sms_reply_after must be a number of simulated seconds >= 0")
    emu.callees[number] = script
    return JSONResponse({number: script.as_json()})


async def delete_callee(emu: Emulator, request: Request) -> Response:
    """Forget a callee script."""
    emu.callees.pop(_number(request), None)
    return JSONResponse({})


async def complete_validation(emu: Emulator, request: Request) -> Response:
    """Complete a pending caller-ID validation at once."""
    number = _number(request)
    pending = emu.store.get(ValidationRequest, number, account_sid=request.state.account_sid)
    caller_id = validations.complete_validation(emu, number) if pending else None
    if caller_id is None:
        return _error(404, f"no validation pending for {number}")
    return JSONResponse(caller_id.as_dict())


async def create_account(emu: Emulator, request: Request) -> Response:
    """Create another account (for multi-account tests)."""
    data = await _json(request)
    sid, token = new_sid("AC"), new_auth_token()
    emu.ensure_account(sid, token, data.get("friendly_name"))
    return JSONResponse({"sid": sid, "auth_token": token}, status_code=201)


async def get_requests(emu: Emulator, request: Request) -> Response:
    """Return the REST requests this account made, oldest first (the last 100,000 of the server)."""
    account_sid = request.state.account_sid
    seen = [
        {"method": method, "path": path, "query": query}
        for owner, method, path, query in emu.request_log
        if owner == account_sid
    ]
    return JSONResponse({"requests": seen, "count": len(seen)})


async def clear_requests(emu: Emulator, request: Request) -> Response:
    """Forget the REST requests this account made."""
    account_sid = request.state.account_sid
    kept = [entry for entry in emu.request_log if entry[0] != account_sid]
    emu.request_log.clear()
    emu.request_log.extend(kept)
    return JSONResponse({"ok": True})


async def reset(emu: Emulator, request: Request) -> Response:
    """Stop running calls and delete every resource except accounts."""
    await emu.shutdown()
    emu.live_calls.clear()
    emu.conferences.clear()
    emu.store.delete_kinds(kind.TAG for kind in ALL_RECORDS if kind is not Account)
    for row in emu.store.find(Account):
        emu.store.delete(row)
        emu.ensure_account(row.record.sid, row.record.auth_token or "", row.record.friendly_name)
    emu.faults.replace([])
    emu.callees.clear()
    emu.sms_cookies.clear()
    await emu.startup()
    return JSONResponse({"ok": True})


ROUTES = [
    Route("/_emulator/health", health, methods=["GET"]),
    Route("/_emulator/state", _guarded(get_state), methods=["GET"]),
    Route("/_emulator/faults", _guarded(get_faults), methods=["GET"]),
    Route("/_emulator/faults", _guarded(post_faults), methods=["POST"]),
    Route("/_emulator/faults", _guarded(delete_faults), methods=["DELETE"]),
    Route("/_emulator/callees", _guarded(get_callees), methods=["GET"]),
    Route("/_emulator/callees/{number}", _guarded(put_callee), methods=["PUT", "POST"]),
    Route("/_emulator/callees/{number}", _guarded(delete_callee), methods=["DELETE"]),
    Route("/_emulator/validations/{number}", _guarded(complete_validation), methods=["POST"]),
    Route("/_emulator/accounts", _guarded(create_account), methods=["POST"]),
    Route("/_emulator/reset", _guarded(reset), methods=["POST"]),
    Route("/_emulator/requests", _guarded(get_requests), methods=["GET"]),
    Route("/_emulator/requests", _guarded(clear_requests), methods=["DELETE"]),
]
