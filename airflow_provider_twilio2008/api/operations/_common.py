"""Request descriptions and the helpers every operation module uses."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any
from urllib.parse import urlencode

from .. import paths, validate
from ..records import (
    Record,
)

Pairs = tuple[tuple[str, str], ...]
DateLike = date | str


@dataclass(frozen=True)
class ApiRequest:
    """A request description, independent of any HTTP library.

    :param method: ``GET``, ``POST`` or ``DELETE``.
    :param path: the path from the base URL, starting with ``/2008-08-01``.
    :param query: query parameters, in order.
    :param form: form fields (``application/x-www-form-urlencoded``), in order.
    :param record: the record class the answer holds, or ``None`` for no document.
    :param many: whether the answer is a list (a page of ``record``).
    """

    method: str
    path: str
    query: Pairs = ()
    form: Pairs = ()
    record: type[Record] | None = None
    many: bool = False

    @property
    def target(self) -> str:
        """Return the path with its encoded query string."""
        return f"{self.path}?{urlencode(self.query)}" if self.query else self.path


def pairs(*items: tuple[str, Any]) -> Pairs:
    return tuple((key, str(value)) for key, value in items if value is not None)


def date_filters(
    param: str, field: str, on: DateLike | None, after: DateLike | None, before: DateLike | None
) -> Pairs:
    """Return the ``=``, ``>=`` and ``<=`` filters of one date field.

    :param param: the request parameter (``StartTime``).
    :param field: the argument name prefix, for errors.
    """
    return pairs(
        (param, None if on is None else validate.filter_date(on, f"{field}_on")),
        (f"{param}>", None if after is None else validate.filter_date(after, f"{field}_after")),
        (f"{param}<", None if before is None else validate.filter_date(before, f"{field}_before")),
    )


def page_size_query(page_size: int) -> Pairs:
    size = validate.integer_in_range(
        page_size, "page_size", 1, paths.MAX_PAGE_SIZE, param=paths.PAGE_SIZE_PARAM
    )
    return ((paths.PAGE_SIZE_PARAM, str(size)),)


def list_request(path: str, record: type[Record], filters: Pairs, page_size: int) -> ApiRequest:
    return ApiRequest("GET", path, filters + page_size_query(page_size), record=record, many=True)


def account_path(template: str, account_sid: str, **sids: str) -> str:
    return paths.fill(
        template, account_sid=validate.sid(account_sid, validate.ACCOUNT, "account_sid"), **sids
    )


def phone_filter(value: str | None, field: str, param: str) -> str | None:
    return None if value is None else validate.phone_number(value, field, param=param)


def bool_text(value: bool | None, field: str, param: str) -> str | None:
    """Return ``true``/``false`` for a flag, ``None`` for no value; anything but a bool is refused."""
    return None if value is None else ("true" if validate.flag(value, field, param=param) else "false")


def optional_label(value: str | None, field: str, param: str, max_length: int) -> str | None:
    """Return a one-line text filter or ``None``; control characters and the like are refused."""
    return (
        None
        if value is None
        else validate.text(value, field, param=param, max_length=max_length, one_line=True)
    )
