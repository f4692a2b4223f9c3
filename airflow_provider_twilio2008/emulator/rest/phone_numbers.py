"""REST handlers for IncomingPhoneNumbers: list, buy (local or toll-free), update and release.

Choices where the reference says *inferred*:

- The parameters are decoded as the hook encodes them (:mod:`...api.parameters`): a URL setting
  sent empty clears it, and a toll-free number's SMS settings are refused (21200).
- Number purchase answers 201 with ``Location``. Local numbers default to area code 415,
  toll-free ones to 866. An ``AreaCode`` that is not three digits gives 21451; a local area code
  starting with 0 or 1 (``000``, ``123``...) or a toll-free one outside 800/833/844/855/866/877/888
  has no number available: 21452. New numbers are ``{area}555{nnnn}``, the first free one.
- Number update insists on ``Url``, as the 2008 table does (400 / 21205 without it); other
  omitted fields keep their value. Toll-free numbers cannot be SMS senders.
- A fallback URL set without its method gets ``POST`` (the tables' default); a fallback URL
  left unset keeps an empty method, as in the reference example.
- Release answers 204 with an empty body.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ...api import filters, paths, validate
from ...api.parameters import BUY_LOCAL_NUMBER, BUY_TOLL_FREE_NUMBER, NUMBER_SETTINGS, UPDATE_NUMBER
from ...api.records import IncomingPhoneNumber
from ..model.state import Emulator, format_number
from ..model.store import new_sid, now
from .endpoint import Req, RestError, decoded, listed, lookup, no_content, paginate, respond

__all__ = ["ROUTES"]

CODES = validate.CODES

TOLL_FREE_AREAS = ("800", "833", "844", "855", "866", "877", "888")

FALLBACK_METHODS = {"voice_fallback_url": "voice_fallback_method", "sms_fallback_url": "sms_fallback_method"}


def _number_settings(values: dict[str, Any], current: IncomingPhoneNumber | None = None) -> dict[str, Any]:
    """Return the record fields a purchase or update sets, from its decoded parameters.

    :param values: the request's values, decoded by the operation's parameters.
    :param current: the number being updated (``None`` on purchase).
    """
    names = [param.arg for param in NUMBER_SETTINGS]
    changes = {name: values[name] for name in names if values.get(name) is not None}
    if "voice_caller_id_lookup" in changes:
        changes["voice_caller_id_lookup"] = changes["voice_caller_id_lookup"] == "true"
    for url_name, method_name in FALLBACK_METHODS.items():
        if changes.get(url_name) and method_name not in changes and not getattr(current, method_name, None):
            changes[method_name] = "POST"
    return changes


def _numbers(emu: Emulator, req: Req, kind: str | None) -> list[Any]:
    rows = emu.store.find(IncomingPhoneNumber, req.account_sid)
    return [row.record for row in rows if kind is None or row.extra.get("type") == kind]


def _list_numbers(emu: Emulator, req: Req, kind: str | None) -> Response:
    chosen = filter(listed(req, filters.INCOMING_PHONE_NUMBERS), _numbers(emu, req, kind))
    return paginate(req, list(chosen), IncomingPhoneNumber)


async def list_numbers(emu: Emulator, req: Req) -> Response:
    """List the account's numbers, local and toll-free."""
    return _list_numbers(emu, req, None)


async def list_local(emu: Emulator, req: Req) -> Response:
    """List the account's local numbers."""
    return _list_numbers(emu, req, "local")


async def list_toll_free(emu: Emulator, req: Req) -> Response:
    """List the account's toll-free numbers."""
    return _list_numbers(emu, req, "tollfree")


def _free_number(emu: Emulator, area: str) -> str:
    taken = {row.record.phone_number for row in emu.store.find(IncomingPhoneNumber)}
    for suffix in range(10000):
        candidate = f"{area}555{suffix:04d}"
        if candidate not in taken and not candidate.startswith("500555000"):
            return candidate
    raise RestError(400, f"No phone numbers are available in area code {area}", CODES["no_number_available"])


def _buy(emu: Emulator, req: Req, kind: str) -> Response:
    values = decoded(BUY_TOLL_FREE_NUMBER if kind == "tollfree" else BUY_LOCAL_NUMBER, req.params)
    area = values["area_code"] or ("866" if kind == "tollfree" else "415")
    unavailable = area not in TOLL_FREE_AREAS if kind == "tollfree" else area[0] in "01"
    if unavailable:
        raise RestError(
            400, f"No phone numbers are available in area code {area}", CODES["no_number_available"]
        )
    settings = _number_settings(values)
    number = _free_number(emu, area)
    stamp = now()
    record = IncomingPhoneNumber(
        sid=new_sid("PN"),
        account_sid=req.account_sid,
        friendly_name=settings.pop("friendly_name", format_number(number)),
        phone_number=number,
        url=settings.pop("url", ""),
        method=settings.pop("method", "POST"),
        sms_url=settings.pop("sms_url", "" if kind == "local" else None),
        sms_method=settings.pop("sms_method", "POST" if kind == "local" else None),
        voice_caller_id_lookup=settings.pop("voice_caller_id_lookup", False),
        date_created=stamp,
        date_updated=stamp,
        **settings,
    )
    emu.store.put(record, extra={"type": kind})
    path = paths.fill(paths.INCOMING_PHONE_NUMBER, account_sid=req.account_sid or "", number_sid=record.sid)
    return respond(req, record, status=201, headers={"Location": emu.resource_url(path)})


async def buy_local(emu: Emulator, req: Req) -> Response:
    """Buy a local number (optionally in ``AreaCode``); 201."""
    return _buy(emu, req, "local")


async def buy_toll_free(emu: Emulator, req: Req) -> Response:
    """Buy a toll-free number; 201."""
    return _buy(emu, req, "tollfree")


def _number_row(emu: Emulator, req: Req) -> Any:
    return lookup(emu, req, IncomingPhoneNumber, req.path_params["number_sid"])


async def get_number(emu: Emulator, req: Req) -> Response:
    """Fetch a number."""
    return respond(req, _number_row(emu, req).record)


async def update_number(emu: Emulator, req: Req) -> Response:
    """Change a number's URLs, methods, FriendlyName or VoiceCallerIdLookup (``Url`` is required)."""
    row = _number_row(emu, req)
    values = decoded(UPDATE_NUMBER, req.params)
    return respond(req, emu.store.update(row, **_number_settings(values, row.record)).record)


async def release_number(emu: Emulator, req: Req) -> Response:
    """Release a number; 204."""
    emu.store.delete(_number_row(emu, req))
    return no_content()


ROUTES = [
    (paths.INCOMING_PHONE_NUMBERS_LOCAL, {"GET": list_local, "POST": buy_local}),
    (paths.INCOMING_PHONE_NUMBERS_TOLL_FREE, {"GET": list_toll_free, "POST": buy_toll_free}),
    (paths.INCOMING_PHONE_NUMBERS, {"GET": list_numbers}),
    (
        paths.INCOMING_PHONE_NUMBER,
        {"GET": get_number, "POST": update_number, "PUT": update_number, "DELETE": release_number},
    ),
]
