"""Write records, pages and errors as JSON, CSV and HTML (section 1.4 of the reference).

Each writer walks :meth:`Record.wire_fields` exactly like :mod:`.xml` does, so the element
names live once, in :mod:`.records`. The mappings are mechanical translations of the XML:

- JSON: ``{"TwilioResponse": {"Call": {...}}}``; every scalar is a string and an empty
  element is ``""``; a list is ``{"TwilioResponse": {"Calls": [{"Call": {...}}, ...]}}``.
  The reference does not show how paging appears in JSON (inferred): we put the paging
  attributes as string keys next to the list inside ``TwilioResponse``.
- CSV: a header row of element names, then one row per record; the csv module quotes RFC 2822
  dates because they contain commas; empty values are blank. Paging is not represented
  (inferred: CSV is meant for call logs, the client pages with ``num``/``Page``).
- HTML: ``<html><head><title>{status}</title></head><body class="twilio-response">``, each
  element a ``<div>`` whose class is its name in lower-case dash form (``AccountSid`` ->
  ``account-sid``). Paging attributes are copied onto the list ``<div>`` as they are in XML
  (inferred).

Every string goes through :func:`.xml.xml_safe` first, as in the XML writer: a character XML 1.0
cannot carry (NUL, other C0 controls, lone surrogates, U+FFFE/U+FFFF) is written as U+FFFD in
all four representations, so a stored value can never make a document unwritable and the
representations never disagree.
"""

from __future__ import annotations

import csv
import html
import io
import json
import re
from typing import Any

from .records import PAGE_ATTRIBUTES, PAGE_URI_ATTRIBUTES, Page, Record
from .xml import ROOT_TAG, RestException, render_page, render_record, render_rest_exception, xml_safe

__all__ = [
    "MEDIA_TYPES",
    "css_class",
    "render",
    "render_csv",
    "render_html",
    "render_json",
]

#: MIME type of each document representation (XML's is not stated in the reference; inferred).
MEDIA_TYPES = {
    "xml": "application/xml",
    "json": "application/json",
    "csv": "text/csv; charset=utf-8",
    "html": "text/html; charset=utf-8",
}

Payload = Record | Page[Any] | RestException


def _record_fields(record: Record) -> list[tuple[str, str]]:
    """Return ``(element, text)`` pairs of ``record`` in wire order; missing values are ``""``."""
    pairs = []
    for name, element_name, codec in record.wire_fields():
        value = getattr(record, name)
        pairs.append((element_name, "" if value is None else xml_safe(codec.encode(value))))
    return pairs


def _exception_fields(exc: RestException) -> list[tuple[str, str]]:
    pairs = [("Status", str(exc.status)), ("Message", xml_safe(exc.message))]
    if exc.code is not None:
        pairs.append(("Code", str(exc.code)))
    if exc.more_info:
        pairs.append(("MoreInfo", xml_safe(exc.more_info)))
    return pairs


def _page_attributes(page: Page[Any]) -> list[tuple[str, str]]:
    pairs = [(attribute, str(getattr(page, name))) for name, attribute in PAGE_ATTRIBUTES]
    for name, attribute in PAGE_URI_ATTRIBUTES:
        value = getattr(page, name)
        if value is not None:
            pairs.append((attribute, xml_safe(value)))
    return pairs


def render_json(payload: Payload, record_type: type[Record] | None = None) -> bytes:
    """Serialise a record, a page or a RestException as Twilio's JSON mapping of the XML.

    :param payload: what to write.
    :param record_type: the item class of a page (gives the list name); unused otherwise.
    """
    body: dict[str, Any]
    if isinstance(payload, RestException):
        body = {"RestException": dict(_exception_fields(payload))}
    elif isinstance(payload, Page):
        list_tag = _list_tag(payload, record_type)
        item_tag = record_type.TAG if record_type else ""
        body = {list_tag: [{item.TAG or item_tag: dict(_record_fields(item))} for item in payload.items]}
        body.update(_page_attributes(payload))
    else:
        body = {payload.TAG: dict(_record_fields(payload))}
    return json.dumps({ROOT_TAG: body}, ensure_ascii=False).encode("utf-8")


def _list_tag(page: Page[Any], record_type: type[Record] | None) -> str:
    if record_type is not None:
        return record_type.LIST_TAG
    if page.items:
        return page.items[0].LIST_TAG
    raise ValueError("an empty page needs its record_type")


def _columns(record_type: type[Record]) -> list[str]:
    return [element_name for _name, element_name, _codec in record_type.wire_fields()]


def render_csv(payload: Payload, record_type: type[Record] | None = None) -> bytes:
    """Serialise a record, a page or a RestException as CSV: a header row, then one row per item.

    :param payload: what to write.
    :param record_type: the item class of a page (gives the header of an empty page).
    """
    out = io.StringIO()
    writer = csv.writer(out)
    if isinstance(payload, RestException):
        pairs = _exception_fields(payload)
        writer.writerow([name for name, _ in pairs])
        writer.writerow([value for _, value in pairs])
    elif isinstance(payload, Page):
        item_type = record_type or (type(payload.items[0]) if payload.items else None)
        if item_type is None:
            raise ValueError("an empty page needs its record_type")
        writer.writerow(_columns(item_type))
        for item in payload.items:
            writer.writerow([value for _, value in _record_fields(item)])
    else:
        writer.writerow(_columns(type(payload)))
        writer.writerow([value for _, value in _record_fields(payload)])
    return out.getvalue().encode("utf-8")


_DASH_BOUNDARY = re.compile(r"(?<=[a-z0-9])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")


def css_class(element_name: str) -> str:
    """Return the HTML class of an element: ``AccountSid`` -> ``account-sid``.

    :param element_name: the XML element name.
    """
    return _DASH_BOUNDARY.sub("-", element_name).lower()


def _div(element_name: str, inner: str, attributes: list[tuple[str, str]] | None = None) -> str:
    attrs = "".join(f' {name}="{html.escape(value)}"' for name, value in attributes or [])
    return f'<div class="{css_class(element_name)}"{attrs}>{inner}</div>'


def _record_div(record: Record) -> str:
    children = "".join(_div(name, html.escape(value)) for name, value in _record_fields(record))
    return _div(record.TAG, children)


def render_html(payload: Payload, record_type: type[Record] | None = None, *, status: int = 200) -> bytes:
    """Serialise a record, a page or a RestException as Twilio's HTML mapping of the XML.

    :param payload: what to write.
    :param record_type: the item class of a page (gives the list name of an empty page).
    :param status: the HTTP status, written as the page title.
    """
    if isinstance(payload, RestException):
        children = "".join(_div(name, html.escape(value)) for name, value in _exception_fields(payload))
        inner = _div("RestException", children)
    elif isinstance(payload, Page):
        items = "".join(_record_div(item) for item in payload.items)
        inner = _div(_list_tag(payload, record_type), items, _page_attributes(payload))
    else:
        inner = _record_div(payload)
    document = (
        f'<html><head><title>{status}</title></head><body class="twilio-response">{inner}</body></html>'
    )
    return document.encode("utf-8")


def render(
    fmt: str, payload: Payload, record_type: type[Record] | None = None, *, status: int = 200
) -> tuple[bytes, str]:
    """Serialise ``payload`` in the representation ``fmt``; return the body and its MIME type.

    :param fmt: ``xml``, ``json``, ``csv`` or ``html``.
    :param payload: a record, a page or a RestException.
    :param record_type: the item class of a page.
    :param status: the HTTP status (used by the HTML title).
    """
    if fmt == "json":
        body = render_json(payload, record_type)
    elif fmt == "csv":
        body = render_csv(payload, record_type)
    elif fmt == "html":
        body = render_html(payload, record_type, status=status)
    elif fmt == "xml":
        if isinstance(payload, RestException):
            body = render_rest_exception(payload)
        elif isinstance(payload, Page):
            if record_type is None:
                record_type = type(payload.items[0])
            body = render_page(payload, record_type)
        else:
            body = render_record(payload)
    else:
        raise ValueError(f"unknown representation {fmt!r}")
    return body, MEDIA_TYPES[fmt]
