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
