"""Shared pieces of the REST handlers: the parsed request, errors, paging, filters and rendering.

Choices where the reference says *inferred*:

- ``num`` above 1000 is clamped to 1000; ``num`` or ``Page`` that are not whole numbers of at
  most 9 ASCII digits (or ``num`` < 1) give 400 with code 21200.
- A ``Page`` past the end gives an empty page (``start`` = ``end`` = ``page * num``), not an error.
- An empty list has ``numpages="0"``, ``start="0"``, ``end="0"``.
- ``previouspageuri`` is ``""`` on the first page and ``nextpageuri`` is ``""`` on the last.
- Date filters are read in UTC: ``Key=D`` matches the day D, ``Key>=D`` values at or after
  D 00:00, ``Key<=D`` values at or before D 00:00 (the docs' literal wording).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any
from urllib.parse import urlencode

from starlette.responses import Response

from ...api import paths
from ...api.errors import Twilio2008ValidationError
from ...api.filters import ListFilters, date_keys
from ...api.parameters import Param, decode
from ...api.records import Page, Record
from ...api.representations import render
from ...api.validate import INVALID_PARAMETER
from ...api.xml import RestException

__all__ = [
    "Req",
    "RestError",
    "checked",
    "error_response",
    "listed",
    "newest_first",
    "paginate",
    "respond",
]


class RestError(Exception):
    """An error answer, rendered as a RestException in the requested representation.

    :param status: the HTTP status.
    :param message: the ``Message`` text.
    :param code: the Twilio error code (400s); ``MoreInfo`` is derived from it.
    :param headers: extra response headers (``WWW-Authenticate``, ``Allow``, ``Retry-After``).
    """

    def __init__(
        self, status: int, message: str, code: int | None = None, headers: dict[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.code = code
        self.headers = headers or {}

    @classmethod
    def from_validation(cls, exc: Twilio2008ValidationError, message: str | None = None) -> RestError:
        """Return the 400 answer for a failed local check, with the same code the client uses.

        :param exc: the validation error raised by :mod:`...api.validate`.
        :param message: a Twilio wording to use instead of the check's message.
        """
        return cls(400, message or str(exc), exc.code or INVALID_PARAMETER)

    def as_exception(self) -> RestException:
        """Return the RestException fields of this error."""
        more = paths.more_info_url(self.code) if self.code is not None else None
        return RestException(self.status, self.message, self.code, more)


@dataclass
class Req:
    """One REST request after routing: method (override applied), representation and parameters.

    :param method: the effective method (``_method`` override applied).
    :param path: the request path without the representation suffix.
    :param fmt: ``xml``, ``json``, ``csv``, ``html``, ``wav``, ``mp3`` or ``txt``.
    :param suffix: the suffix as written (``""`` when none), kept in paging URIs.
    :param query: the query pairs, in order, without ``_method``.
    :param form: the form fields of the body.
    :param path_params: values of the URI template placeholders.
    :param account_sid: the authenticated account, or ``None`` on public media requests.
    """

    method: str
    path: str
    fmt: str
    suffix: str
    query: list[tuple[str, str]]
    form: dict[str, str]
    path_params: dict[str, str]
    account_sid: str | None = None
    params: dict[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        merged = dict(self.query)
        merged.update(self.form)
        self.params = merged


#: ``num`` and ``Page``: ASCII digits only (``"²"`` and ``"٤"`` are digits to ``str.isdigit``).
_WHOLE_NUMBER = re.compile(r"[0-9]{1,9}")

#: The 404 message shown in the 2008 docs.
NOT_FOUND = "The requested resource was not found"


def lookup(emu: Any, req: Req, record_type: type[Any], key: str, sub: str = "") -> Any:
    """Return the requesting account's stored row, or answer 404 when there is none.

    :param emu: the emulator.
    :param req: the request (its account scopes the lookup).
    :param record_type: the record class.
    :param key: the resource SID (the conference SID for participants).
    :param sub: the segment SID or participant CallSid.
    """
    row = emu.store.get(record_type, key, sub, account_sid=req.account_sid)
    if row is None:
        raise RestError(404, NOT_FOUND)
    return row


def respond(
    req: Req,
    payload: Record | Page[Any] | RestException,
    record_type: type[Record] | None = None,
    *,
    status: int = 200,
    headers: dict[str, str] | None = None,
) -> Response:
    """Render ``payload`` in the request's representation.

    :param req: the request (its ``fmt`` picks the representation; media formats fall back to XML).
    :param payload: a record, a page or a RestException.
    :param record_type: the item class of a page.
    :param status: the HTTP status.
    :param headers: extra headers.
    """
    fmt = req.fmt if req.fmt in ("xml", "json", "csv", "html") else "xml"
    body, media_type = render(fmt, payload, record_type, status=status)
    return Response(body, status_code=status, media_type=media_type, headers=headers)


def error_response(fmt: str, error: RestError) -> Response:
    """Render ``error`` as a RestException in representation ``fmt`` (XML for anything else).

    :param fmt: the requested representation.
    :param error: the error.
    """
    fmt = fmt if fmt in ("xml", "json", "csv", "html") else "xml"
    body, media_type = render(fmt, error.as_exception(), status=error.status)
    return Response(body, status_code=error.status, media_type=media_type, headers=error.headers)


def no_content() -> Response:
    """Return the empty 204 answer of a DELETE."""
    return Response(b"", status_code=204)


def _whole_number(req: Req, name: str) -> int | None:
    raw = req.params.get(name)
    if raw is None or raw == "":
        return None
    if not _WHOLE_NUMBER.fullmatch(raw.strip()):
        raise RestError(
            400, f"{name} must be a whole number of at most 9 ASCII digits, got {raw!r}", INVALID_PARAMETER
        )
    return int(raw)


def paginate(req: Req, items: Sequence[Record], record_type: type[Record]) -> Response:
    """Cut ``items`` into the page the request asks for and render it with paging attributes.

    :param req: the request (``num``, ``Page``, the other query keys for the page URIs).
    :param items: the filtered, sorted records.
    :param record_type: the item class.
    """
    size = _whole_number(req, paths.PAGE_SIZE_PARAM)
    if size is None:
        size = paths.DEFAULT_PAGE_SIZE
    if size < 1:
        raise RestError(400, "num must be at least 1", INVALID_PARAMETER)
    size = min(size, paths.MAX_PAGE_SIZE)
    page = _whole_number(req, paths.PAGE_PARAM) or 0
    total = len(items)
    num_pages = math.ceil(total / size)
    start = page * size
    chunk = tuple(items[start : start + size])
    end = start + len(chunk) - 1 if chunk else start
    if total == 0:
        start = end = 0
    kept = [(k, v) for k, v in req.query if k not in (paths.PAGE_SIZE_PARAM, paths.PAGE_PARAM)]

    def uri(number: int) -> str:
        pairs = [*kept, (paths.PAGE_SIZE_PARAM, str(size)), (paths.PAGE_PARAM, str(number))]
        return f"{req.path}{req.suffix}?{urlencode(pairs)}"

    last = max(num_pages - 1, 0)
    result = Page(
        chunk,
        page=page,
        num_pages=num_pages,
        page_size=size,
        total=total,
        start=start,
        end=end,
        uri=uri(page),
        first_page_uri=uri(0),
        previous_page_uri=uri(page - 1) if page > 0 else "",
        next_page_uri=uri(page + 1) if page + 1 < num_pages else "",
        last_page_uri=uri(last),
    )
    return respond(req, result, record_type)


def _parse_day(raw: str, key: str) -> date:
    try:
        return date.fromisoformat(raw.strip())
    except ValueError:
        raise RestError(
            400, f"{key} must be a date in YYYY-MM-DD form, got {raw!r}", INVALID_PARAMETER
        ) from None


def _day_test(relation: str, day: date) -> Callable[[Any], bool]:
    """Return a test: is a datetime on ``day`` (``""``), on or after it (``">"``), on or before it (``"<"``).

    :param relation: the filter key's suffix.
    :param day: the day given (UTC).
    """

    def test(value: Any) -> bool:
        if value is None:
            return False
        on = value.in_timezone("UTC").date()
        if relation == ">":
            return bool(on >= day)
        if relation == "<":
            return bool(on < day or (on == day and _midnight(value)))
        return bool(on == day)

    return test


def listed(req: Req, filters: ListFilters) -> Callable[[Any], bool]:
    """Return a predicate: does an item match every filter of its list present in the query?

    The filters are the list's declaration in :mod:`...api.filters`: exact ones compare the
    item's element, as the wire writes it, with the query's text; date ones keep items on a day,
    on or after it, or on or before it (``name=D``, ``name>=D``, ``name<=D``).

    :param req: the request.
    :param filters: the list's filters.
    :raises RestError: 400 for a date filter that is not a ``YYYY-MM-DD`` date.
    """
    query = dict(req.query)
    tests: list[Callable[[Any], bool]] = []
    for exact in filters.exact:
        if exact.wire in query:
            tests.append(_exact_test(filters.attribute(exact.wire), query[exact.wire]))
    for dated in filters.dated:
        keys = date_keys(dated.wire)
        attribute = filters.attribute(dated.wire)
        for key, raw in req.query:
            if key in keys:
                tests.append(_dated_test(attribute, key[len(dated.wire) :], _parse_day(raw, key)))
    return lambda item: all(test(item) for test in tests)


def _exact_test(attribute: str, wanted: str) -> Callable[[Any], bool]:
    return lambda item: _as_text(getattr(item, attribute)) == wanted


def _dated_test(attribute: str, relation: str, day: date) -> Callable[[Any], bool]:
    on_day = _day_test(relation, day)
    return lambda item: on_day(getattr(item, attribute))


def _midnight(value: Any) -> bool:
    utc = value.in_timezone("UTC")
    return utc.hour == 0 and utc.minute == 0 and utc.second == 0


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if hasattr(value, "value") and not isinstance(value, int):
        return str(value.value)
    if isinstance(value, int):
        return str(int(value))
    return str(value)


def checked(check: Callable[..., Any], *args: Any, message: str | None = None, **kwargs: Any) -> Any:
    """Run a check from :mod:`...api.validate`, turning its refusal into a 400 RestException.

    :param check: the check.
    :param args: its positional arguments.
    :param message: Twilio's wording to use for the error message.
    :param kwargs: its keyword arguments.
    """
    try:
        return check(*args, **kwargs)
    except Twilio2008ValidationError as exc:
        raise RestError.from_validation(exc, message) from None


def decoded(params: tuple[Param, ...], form: Mapping[str, str]) -> dict[str, Any]:
    """Return a request's values, decoded by the operation's declared parameters (:mod:`...api.parameters`).

    :param params: the operation's parameters.
    :param form: the request's parameters.
    :raises RestError: 400 with the parameter's code (and Twilio's wording for it missing).
    """
    try:
        return decode(params, form)
    except Twilio2008ValidationError as exc:
        wording = next(
            (p.missing_text for p in params if p.wire == exc.param and exc.code == p.missing), None
        )
        raise RestError.from_validation(exc, wording) from None


def newest_first(records: list[Any], attribute: str = "date_updated") -> list[Any]:
    """Sort records by a date attribute, newest first (stable on insertion order).

    :param records: records in insertion order.
    :param attribute: the date attribute.
    """
    indexed = list(enumerate(records))
    indexed.sort(key=lambda pair: (getattr(pair[1], attribute) or 0, pair[0]), reverse=True)
    return [record for _, record in indexed]
