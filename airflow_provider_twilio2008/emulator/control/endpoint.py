"""The control endpoint ``/_emulator``: state for the inbox, faults, callee scripts, reset.

Everything except ``/_emulator/health`` needs the Basic credentials of an account of the
emulator (the same as the REST API), and everything is scoped to that account: its state, its
fault rules (applied only to its own REST requests), its callee scripts (met only by its own
calls and texts), its reset (only its own resources). No account can see or change another's.
Bodies are JSON objects of at most 1 MiB (413 above; 408 when not received within the body
timeout), nested at most 32 levels.

=========================================== ===================================================
``GET /_emulator/health``                   ``{"ok": true}`` (no credentials; readiness probe)
``GET /_emulator/state``                    the account's calls (with segments and
                                            notifications), SMS, recordings (with media URLs),
                                            transcriptions, conferences, numbers, caller IDs
``GET /_emulator/faults``                   the account's ``{"rules": [...], "injected": n}``
``POST /_emulator/faults``                  add rules for the account's requests: one rule
                                            object, a list, or ``{"rules": [...], "replace":
                                            true}`` (replaces the account's rules only)
``DELETE /_emulator/faults``                remove every rule of the account
``GET /_emulator/callees``                  the account's scripted callees
``PUT|POST /_emulator/callees/{number}``    script a callee for the account's calls and texts
                                            (fields of ``CalleeScript``, e.g.
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
``POST /_emulator/reset``                   for the calling account only: stop its running
                                            calls, delete its resources (its seed number is
                                            re-created, with the URLs given by
                                            ``--voice-url``/``--sms-url``), clear its faults,
                                            callee scripts and SMS cookies; accounts stay
=========================================== ===================================================

Errors are JSON ``{"error": "..."}`` (with ``"field"`` and ``"code": 21200`` when one field of
the body is at fault): 401 without valid credentials, 400 for a body that is not the JSON
expected (not JSON, an array where an object is expected, a wrong type, an unknown field, a
character XML cannot carry in any string, a fault ``path`` outside the supported pattern
subset), 413/408 as above.
"""

from __future__ import annotations

import json
import math
from typing import Any

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from ...api import paths
from ...api.errors import Twilio2008ValidationError
from ...api.records import (
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
from ...api.validate import INVALID_PARAMETER, phone_number, sms_body
from ...api.validate import friendly_name as checked_friendly_name
from ..auth import authenticate
from ..bodies import JSON_LIMIT, BodyRefused, read_body
from ..model.state import ANSWERS, CalleeScript, Emulator, new_auth_token
from ..model.store import new_sid
from ..rest.endpoint import RestError
from ..telephony import transcriptions, validations
from ..xml_text import JsonFieldError, SafeJSONResponse, refuse_in_json
from .faults import FaultRule

__all__ = ["ROUTES"]


def _emu(request: Request) -> Emulator:
    return request.app.state.emu


def _error(
    status: int, message: str, headers: dict[str, str] | None = None, field: str | None = None
) -> Response:
    body: dict[str, Any] = {"error": message}
    if field is not None:
        body.update({"field": field, "code": INVALID_PARAMETER})
    return SafeJSONResponse(body, status_code=status, headers=headers)


def _guarded(handler: Any) -> Any:
    """Wrap a handler: check Basic credentials, turn bad input into a 400 (413/408) JSON error."""

    async def endpoint(request: Request) -> Response:
        emu = _emu(request)
        try:
            request.state.account_sid = authenticate(emu, request)
        except RestError as error:
            return _error(401, error.message, error.headers)
        try:
            return await handler(emu, request)
        except BodyRefused as refused:
            return _error(refused.status, refused.message, refused.headers)
        except JsonFieldError as exc:
            return _error(400, exc.message, field=exc.field)
        except (ValueError, TypeError, KeyError) as exc:
            return _error(400, f"{type(exc).__name__}: {exc}")

    endpoint.__doc__ = handler.__doc__
    return endpoint


async def health(request: Request) -> Response:
    """Answer that the emulator is up."""
    return SafeJSONResponse({"ok": True})


async def read_json(request: Request, emu: Emulator, *, lists: bool = False) -> Any:
    """Return the JSON body of a control request: an object (or, when ``lists``, an array); ``{}`` if empty.

    :param request: the request.
    :param emu: the emulator (its body timeout).
    :param lists: whether a JSON array is accepted too.
    :raises JsonFieldError: for a body that is not such JSON, too deep, or holding a string XML
        cannot carry.
    :raises BodyRefused: over 1 MiB, or too slow.
    """
    raw = await read_body(request, JSON_LIMIT, emu.body_timeout)
    if not raw.strip():
        return {}
    expected = "a JSON object" + (" or array" if lists else "")
    try:
        data = json.loads(raw.decode("utf-8"))
    except (ValueError, RecursionError) as exc:
        problem = "nested too deep" if isinstance(exc, RecursionError) else f"not valid UTF-8 JSON ({exc})"
        raise JsonFieldError("body", f"body is {problem}; expected {expected}") from None
    if not isinstance(data, dict) and not (lists and isinstance(data, list)):
        raise JsonFieldError("body", f"body is a JSON {type(data).__name__}; expected {expected}")
    refuse_in_json(data)
    return data


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
    return SafeJSONResponse(state_of(emu, request.state.account_sid))


def _faults_json(emu: Emulator, account_sid: str) -> dict[str, Any]:
    rules = [rule.as_json() for rule in emu.faults.rules_of(account_sid)]
    return {"rules": rules, "injected": emu.faults.injected_by.get(account_sid, 0)}


async def get_faults(emu: Emulator, request: Request) -> Response:
    """Return the account's fault rules."""
    return SafeJSONResponse(_faults_json(emu, request.state.account_sid))


async def post_faults(emu: Emulator, request: Request) -> Response:
    """Add fault rules for the account (or replace its rules with ``{"rules": [...], "replace": true}``)."""
    account_sid = request.state.account_sid
    data = await read_json(request, emu, lists=True)
    replace = False
    if isinstance(data, dict) and "rules" in data:
        if set(data) - {"rules", "replace"}:
            raise JsonFieldError("body", 'with "rules", only "replace" may be given too')
        replace = data.get("replace", False)
        if not isinstance(replace, bool):
            raise JsonFieldError("replace", f"replace must be true or false, got {replace!r}")
        data = data["rules"]
        if not isinstance(data, list):
            raise JsonFieldError("rules", "rules must be a JSON array of rule objects")
    items = data if isinstance(data, list) else [data]
    rules = []
    for index, item in enumerate(items):
        try:
            rule = FaultRule.from_json(item)
        except (ValueError, TypeError) as exc:
            raise JsonFieldError(f"rules[{index}]", f"fault rule {index}: {exc}") from None
        rule.account_sid = account_sid
        rules.append(rule)
    if replace:
        emu.faults.replace(rules, account_sid)
    else:
        emu.faults.add(rules)
    return SafeJSONResponse(_faults_json(emu, account_sid))


async def delete_faults(emu: Emulator, request: Request) -> Response:
    """Remove every fault rule of the account."""
    emu.faults.replace([], request.state.account_sid)
    return SafeJSONResponse(_faults_json(emu, request.state.account_sid))


async def get_callees(emu: Emulator, request: Request) -> Response:
    """Return the account's scripted callees."""
    account_sid = request.state.account_sid
    return SafeJSONResponse(
        {number: script.as_json() for (owner, number), script in emu.callees.items() if owner == account_sid}
    )


def _number(request: Request) -> str:
    try:
        return phone_number(request.path_params["number"], "number")
    except Twilio2008ValidationError as exc:
        raise ValueError(str(exc)) from None


#: Whole-number fields of a callee script and their largest values (simulated seconds).
_SCRIPT_SECONDS = {"record_seconds": 3600, "talk_seconds": 14_400, "conference_seconds": 14_400}
#: Longest scripted transcript, in characters.
MAX_TRANSCRIPT = 10_000
#: Keys a scripted callee may press.
_DIGITS = frozenset("0123456789*#")


def _checked_script(number: str, data: dict[str, Any]) -> CalleeScript:
    """Return the script ``data`` makes of the built-in one, each field checked (JsonFieldError naming it)."""
    fields = CalleeScript.for_number(number).as_json()
    unknown = sorted(set(data) - set(fields))
    if unknown:
        raise JsonFieldError(
            unknown[0], f"unknown callee field(s) {', '.join(unknown)}; expected {', '.join(fields)}"
        )
    fields.update(data)
    if fields["answer"] not in ANSWERS:
        raise JsonFieldError(
            "answer", f"answer must be one of {', '.join(ANSWERS)}, got {fields['answer']!r}"
        )
    digits = fields["digits"]
    if not isinstance(digits, str) or len(digits) > 100 or not set(digits) <= _DIGITS:
        raise JsonFieldError(
            "digits", f"digits must be a string of 0-9, * and # (at most 100), got {digits!r}"
        )
    for name, maximum in _SCRIPT_SECONDS.items():
        value = fields[name]
        if isinstance(value, bool) or not isinstance(value, int) or not 0 <= value <= maximum:
            raise JsonFieldError(
                name, f"{name} must be a whole number of seconds from 0 to {maximum}, got {value!r}"
            )
    transcript = fields["transcript"]
    if not isinstance(transcript, str) or len(transcript) > MAX_TRANSCRIPT:
        raise JsonFieldError(
            "transcript", f"transcript must be a string of at most {MAX_TRANSCRIPT} characters"
        )
    if fields["sms_reply"] is not None:
        try:
            sms_body(fields["sms_reply"], "sms_reply")
        except Twilio2008ValidationError as exc:
            raise JsonFieldError("sms_reply", str(exc)) from None
    after = fields["sms_reply_after"]
    if isinstance(after, bool) or not isinstance(after, int | float) or not 0 <= after <= 86_400 * 365:
        raise JsonFieldError("sms_reply_after", "sms_reply_after must be a number of simulated seconds >= 0")
    if not math.isfinite(after):
        raise JsonFieldError("sms_reply_after", "sms_reply_after must be a finite number")
    return CalleeScript(**fields)


async def put_callee(emu: Emulator, request: Request) -> Response:
    """Script the party at a number, as the account's calls and texts meet it."""
    number = _number(request)
    script = _checked_script(number, await read_json(request, emu))
    emu.callees[(request.state.account_sid, number)] = script
    return SafeJSONResponse({number: script.as_json()})


async def delete_callee(emu: Emulator, request: Request) -> Response:
    """Forget one of the account's callee scripts."""
    emu.callees.pop((request.state.account_sid, _number(request)), None)
    return SafeJSONResponse({})


async def complete_validation(emu: Emulator, request: Request) -> Response:
    """Complete a pending caller-ID validation at once."""
    number = _number(request)
    pending = emu.store.get(ValidationRequest, number, account_sid=request.state.account_sid)
    caller_id = validations.complete_validation(emu, number) if pending else None
    if caller_id is None:
        return _error(404, f"no validation pending for {number}")
    return SafeJSONResponse(caller_id.as_dict())


async def create_account(emu: Emulator, request: Request) -> Response:
    """Create another account (for multi-account tests)."""
    data = await read_json(request, emu)
    unknown = sorted(set(data) - {"friendly_name"})
    if unknown:
        raise JsonFieldError(unknown[0], f"unknown field(s) {', '.join(unknown)}; expected friendly_name")
    name = data.get("friendly_name")
    if name is not None:
        try:
            name = checked_friendly_name(name, "friendly_name")
        except Twilio2008ValidationError as exc:
            raise JsonFieldError("friendly_name", str(exc)) from None
    sid, token = new_sid("AC"), new_auth_token()
    emu.ensure_account(sid, token, name)
    return SafeJSONResponse({"sid": sid, "auth_token": token}, status_code=201)


async def get_requests(emu: Emulator, request: Request) -> Response:
    """Return the REST requests this account made, oldest first (the last 100,000 of the server)."""
    account_sid = request.state.account_sid
    seen = [
        {"method": method, "path": path, "query": query}
        for owner, method, path, query in emu.request_log
        if owner == account_sid
    ]
    return SafeJSONResponse({"requests": seen, "count": len(seen)})


async def clear_requests(emu: Emulator, request: Request) -> Response:
    """Forget the REST requests this account made."""
    account_sid = request.state.account_sid
    kept = [entry for entry in emu.request_log if entry[0] != account_sid]
    emu.request_log.clear()
    emu.request_log.extend(kept)
    return SafeJSONResponse({"ok": True})


async def reset(emu: Emulator, request: Request) -> Response:
    """Stop the account's running calls and delete its resources; other accounts are untouched."""
    account_sid = request.state.account_sid
    await emu.cancel_account_tasks(account_sid)
    for sid in [sid for sid, live in emu.live_calls.items() if live.account_sid == account_sid]:
        emu.live_calls.pop(sid, None)
    for sid in [sid for sid, room in emu.conferences.items() if room.account_sid == account_sid]:
        emu.conferences.pop(sid, None)
    emu.store.delete_account_resources(account_sid, keep=Account.TAG)
    emu.create_seed_number(account_sid)
    emu.faults.replace([], account_sid)
    for key in [key for key in emu.callees if key[0] == account_sid]:
        del emu.callees[key]
    for pair in [pair for pair in emu.sms_cookies if pair[0] == account_sid]:
        del emu.sms_cookies[pair]
    return SafeJSONResponse({"ok": True})


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
