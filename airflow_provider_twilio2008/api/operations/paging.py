"""Paging: the request for the page after a page."""

from __future__ import annotations

from dataclasses import replace
from typing import Any
from urllib.parse import parse_qsl, urlsplit

from .. import paths
from ..errors import Twilio2008ResponseError
from ..records import (
    Page,
)
from ._common import (
    ApiRequest,
)


def next_page_request(
    page: Page[Any], previous: ApiRequest, *, base_url: str | None = None
) -> ApiRequest | None:
    """Return the request for the page after ``page``, or ``None`` when it was the last.

    ``nextpageuri`` is followed when the server gives one; it must name the same resource on
    the same server (only its query is taken, and the request still goes to the configured
    base URL, so a hostile link cannot send the credentials elsewhere). Otherwise ``Page`` is
    incremented, keeping the filters.

    :param page: the page just read.
    :param previous: the request that produced it.
    :param base_url: the configured base URL; an absolute link must match its scheme and host.
    """
    if page.is_last or not page.items:
        return None
    if page.next_page_uri:
        link = urlsplit(page.next_page_uri)
        if link.scheme or link.netloc:
            base = urlsplit(base_url or "")
            if (link.scheme, link.netloc) != (base.scheme, base.netloc):
                raise Twilio2008ResponseError(
                    f"nextpageuri {page.next_page_uri!r} points at another server",
                    method=previous.method,
                    path=previous.path,
                )
        link_path = link.path
        for suffix in (".xml",):
            if link_path.endswith(suffix):
                link_path = link_path[: -len(suffix)]
        if link_path != previous.path:
            raise Twilio2008ResponseError(
                f"nextpageuri {page.next_page_uri!r} does not name the listed resource",
                method=previous.method,
                path=previous.path,
            )
        query = tuple(parse_qsl(link.query, keep_blank_values=True))
    else:
        kept = tuple((key, value) for key, value in previous.query if key != paths.PAGE_PARAM)
        query = kept + ((paths.PAGE_PARAM, str(page.page + 1)),)
    if query == previous.query:
        raise Twilio2008ResponseError(
            "the next page link points at the same page", method=previous.method, path=previous.path
        )
    return replace(previous, query=query)


class Pager:
    """Walk a list page by page: which request comes next, refusing links that loop.

    Both transports use it: fetch :attr:`current`, hand the page to :meth:`advance`, and stop
    when :attr:`current` is ``None``.

    :param first: the request for the first page.
    :param base_url: the configured base URL (see :func:`next_page_request`).
    """

    def __init__(self, first: ApiRequest, *, base_url: str | None = None) -> None:
        self.base_url = base_url
        self.current: ApiRequest | None = first
        self._seen = {first.target}

    def advance(self, page: Page[Any]) -> None:
        """Move to the request for the page after ``page`` (``None`` when it was the last).

        :param page: the page fetched with :attr:`current`.
        :raises Twilio2008ResponseError: the next link points at a page already fetched.
        """
        assert self.current is not None, "advance() after the last page"
        following = next_page_request(page, self.current, base_url=self.base_url)
        if following is not None:
            if following.target in self._seen:
                raise Twilio2008ResponseError(
                    f"the page links loop back to {following.target!r}",
                    method=following.method,
                    path=following.path,
                )
            self._seen.add(following.target)
        self.current = following
