"""Read and write ``<TwilioResponse>`` documents, refusing anything unsafe.

Reading is hardened: bodies over :data:`MAX_BODY_BYTES` are refused before parsing, a
document with a DTD (``<!DOCTYPE``/``<!ENTITY``) is refused outright, and the lxml parser
itself never resolves entities, loads a DTD or touches the network. Elements are found by
name, never by position; unknown elements are ignored.
"""

from __future__ import annotations

import re
import threading
from typing import Any, TypedDict, TypeVar

from lxml import etree

from .errors import Twilio2008ApiError, Twilio2008ResponseError, api_error_for_status
from .records import PAGE_ATTRIBUTES, PAGE_URI_ATTRIBUTES, Page, Record
from .validate import XML_ILLEGAL

__all__ = [
    "MAX_BODY_BYTES",
    "XML_ILLEGAL",
    "XML_REPLACEMENT",
    "RestException",
    "XmlRefused",
    "api_error_from_body",
    "parse_page",
    "parse_record",
    "parse_rest_exception",
    "record_element",
    "render_document",
    "render_page",
    "render_record",
    "render_rest_exception",
    "safe_fromstring",
    "xml_safe",
]

R = TypeVar("R", bound=Record)

#: Largest body we agree to parse (a full 1000-item page of calls is well under 1 MiB).
MAX_BODY_BYTES = 16 * 1024 * 1024
ROOT_TAG = "TwilioResponse"
_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_local = threading.local()


class XmlRefused(ValueError):
    """Untrusted XML was refused: too large, declaring a DTD or entities, or not well-formed.

    :param reason: why, in words.
    :param malformed: the body was not well-formed (for example cut short), rather than unsafe.
    """

    def __init__(self, reason: str, *, malformed: bool = False) -> None:
        self.reason = reason
        self.malformed = malformed
        super().__init__(reason)


def _parser() -> etree.XMLParser:
    """Return this thread's hardened parser (lxml parsers must not be shared across threads)."""
    parser = getattr(_local, "parser", None)
    if parser is None:
        parser = etree.XMLParser(
            resolve_entities=False,
            no_network=True,
            load_dtd=False,
            dtd_validation=False,
            huge_tree=False,
            remove_comments=True,
            remove_pis=True,
        )
        _local.parser = parser
    return parser


def safe_fromstring(body: bytes, *, max_bytes: int = MAX_BODY_BYTES) -> Any:
    """Parse untrusted XML with every protection on and return its root element.

    Refused before parsing: a body over ``max_bytes``, and any DTD or entity declaration
    (XXE, billion laughs, external DTDs). The parser itself never resolves entities, loads a
    DTD or touches the network. Used for API responses and for TwiML documents alike.

    :param body: the raw bytes.
    :param max_bytes: the largest body accepted.
    :raises XmlRefused: when the body is refused or not well-formed.
    """
    if len(body) > max_bytes:
        raise XmlRefused(f"body of {len(body)} bytes exceeds the {max_bytes}-byte limit")
    if _DTD_MARKERS.search(body):
        raise XmlRefused("body declares a DTD or entities; refused")
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise XmlRefused(f"body is not well-formed XML: {exc}", malformed=True) from None
    info: Any = root.getroottree().docinfo
    if info.doctype or info.internalDTD is not None or info.externalDTD is not None:
        # The byte scan above cannot see a DTD in UTF-16/32; the parsed tree always can.
        raise XmlRefused("body declares a DTD or entities; refused")
    return root


class _Where(TypedDict):
    """Which request an answer belongs to, for error messages."""

    method: str
    path: str


def _parse_root(body: bytes, where: _Where) -> Any:
    try:
        root = safe_fromstring(body)
    except XmlRefused as exc:
        raise Twilio2008ResponseError(f"response {exc.reason}", malformed=exc.malformed, **where) from None
    if root.tag != ROOT_TAG:
        raise Twilio2008ResponseError(f"expected <{ROOT_TAG}>, got <{root.tag}>", **where)
    return root


def _text(node: Any) -> str | None:
    text = node.text
    if text is None or text.strip() == "":
        return None
    return text


def record_from_element(node: Any, record_type: type[R], where: _Where) -> R:
    """Build a record from its element.

    :param node: the ``<Call>`` (etc.) element.
    :param record_type: the record class to build.
    :param where: ``method``/``path`` for error messages.
    """
    children: dict[str, Any] = {}
    for child in node:
        if isinstance(child.tag, str):
            children.setdefault(child.tag, child)
    values: dict[str, Any] = {}
    for name, element_name, codec in record_type.wire_fields():
        child = children.get(element_name)
        text = None if child is None else _text(child)
        if text is None:
            continue
        try:
            values[name] = codec.decode(text)
        except ValueError as exc:
            raise Twilio2008ResponseError(
                f"<{record_type.TAG}><{element_name}> is not {codec.name}: {exc}", **where
            ) from None
    try:
        return record_type(**values)
    except TypeError:
        missing = [
            element_name
            for name, element_name, _ in record_type.wire_fields()
            if name not in values and record_type.__dataclass_fields__[name].default is not None
        ]
        raise Twilio2008ResponseError(
            f"<{record_type.TAG}> lacks required element(s) {', '.join(missing)}", **where
        ) from None


def parse_record(body: bytes, record_type: type[R], *, method: str = "", path: str = "") -> R:
    """Parse a single-resource response into a typed record.

    :param body: the response body.
    :param record_type: the expected record class (its ``TAG`` must be a child of the root).
    :param method: request method, for error messages.
    :param path: request path, for error messages.
    """
    where: _Where = {"method": method, "path": path}
    root = _parse_root(body, where)
    node = root.find(record_type.TAG)
    if node is None:
        raise Twilio2008ResponseError(f"<{ROOT_TAG}> has no <{record_type.TAG}>", **where)
    return record_from_element(node, record_type, where)


def _int_attribute(node: Any, name: str, where: _Where) -> int:
    raw = node.get(name)
    if raw is None or raw.strip() == "":
        return 0
    if not re.fullmatch(r"[0-9]{1,18}", raw.strip()):
        shown = raw if len(raw) <= 40 else raw[:40] + "..."
        raise Twilio2008ResponseError(
            f"paging attribute {name}={shown!r} is not a whole number in ASCII digits", **where
        )
    return int(raw.strip())


def parse_page(body: bytes, record_type: type[R], *, method: str = "", path: str = "") -> Page[R]:
    """Parse a list response into a :class:`Page` of typed records.

    :param body: the response body.
    :param record_type: the record class of the items (its ``LIST_TAG`` is the list element).
    :param method: request method, for error messages.
    :param path: request path, for error messages.
    """
    where: _Where = {"method": method, "path": path}
    root = _parse_root(body, where)
    node = root.find(record_type.LIST_TAG)
    if node is None:
        raise Twilio2008ResponseError(f"<{ROOT_TAG}> has no <{record_type.LIST_TAG}>", **where)
    items = tuple(
        record_from_element(child, record_type, where) for child in node.iterchildren(record_type.TAG)
    )
    numbers = {name: _int_attribute(node, attr, where) for name, attr in PAGE_ATTRIBUTES}
    uris = {name: node.get(attr) for name, attr in PAGE_URI_ATTRIBUTES}
    fields: dict[str, Any] = {**numbers, **uris}
    return Page(items, **fields)


class RestException:
    """The four fields of a ``<RestException>`` body.

    :param status: ``Status`` (the HTTP status).
    :param message: ``Message``.
    :param code: ``Code``, if present.
    :param more_info: ``MoreInfo``, if present.
    """

    __slots__ = ("code", "message", "more_info", "status")

    def __init__(self, status: int, message: str, code: int | None = None, more_info: str | None = None):
        self.status = status
        self.message = message
        self.code = code
        self.more_info = more_info


def parse_rest_exception(body: bytes) -> RestException | None:
    """Return the RestException in ``body``, or ``None`` when the body holds none.

    :param body: an error response body.
    """
    try:
        root = _parse_root(body, {"method": "", "path": ""})
    except Twilio2008ResponseError:
        return None
    node = root.find("RestException")
    if node is None:
        return None

    def child(name: str) -> str | None:
        found = node.find(name)
        return None if found is None else _text(found)

    def integer(name: str) -> int | None:
        raw = child(name)
        # Status and Code are small numbers; anything else (a megabyte of digits) is no number.
        return int(raw) if raw is not None and re.fullmatch(r"[0-9]{1,9}", raw.strip()) else None

    return RestException(integer("Status") or 0, child("Message") or "", integer("Code"), child("MoreInfo"))


def api_error_from_body(
    status: int,
    body: bytes,
    *,
    method: str,
    path: str,
    reason: str = "",
    retry_after: float | None = None,
) -> Twilio2008ApiError:
    """Turn an error response into the matching typed error.

    :param status: the HTTP status (400 or more).
    :param body: the response body; a RestException is read from it when there is one.
    :param method: the request method.
    :param path: the request path, without query or credentials.
    :param reason: the HTTP reason phrase, used when the body says nothing.
    :param retry_after: seconds from a ``Retry-After`` header.
    """
    found = parse_rest_exception(body)
    message = (found.message if found else "") or reason or "no error message"
    return api_error_for_status(status)(
        status,
        message,
        code=found.code if found else None,
        more_info=found.more_info if found else None,
        method=method,
        path=path,
        retry_after=retry_after,
        rest_exception=found is not None,
    )


#: What the writers put in place of each character XML cannot carry (U+FFFD REPLACEMENT CHARACTER).
XML_REPLACEMENT = "\ufffd"


def xml_safe(text: str) -> str:
    """Return ``text`` with every character XML 1.0 cannot carry replaced by U+FFFD.

    The writers (XML here, JSON/CSV/HTML in :mod:`.representations`) pass every string through
    it, so no stored value can make a document unwritable, and all four representations show
    the same text. Replacing (rather than dropping) keeps the length and shows where it was.

    :param text: any string (lone surrogates included).
    """
    return XML_ILLEGAL.sub(XML_REPLACEMENT, text)


def record_element(record: Record) -> Any:
    """Return the element for ``record``, empty elements for missing values.

    Text XML cannot carry is replaced (:func:`xml_safe`).

    :param record: any typed record.
    """
    node = etree.Element(record.TAG)
    for name, element_name, codec in record.wire_fields():
        value = getattr(record, name)
        child = etree.SubElement(node, element_name)
        if value is not None:
            child.text = xml_safe(codec.encode(value))
    return node


def render_document(child: Any) -> bytes:
    """Wrap ``child`` in ``<TwilioResponse>`` and serialise it with an XML declaration.

    :param child: the element to wrap.
    """
    root = etree.Element(ROOT_TAG)
    root.append(child)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def render_record(record: Record) -> bytes:
    """Serialise a single record as a TwilioResponse document.

    :param record: any typed record.
    """
    return render_document(record_element(record))


def page_element(page: Page[Any], list_tag: str) -> Any:
    """Return the list element for ``page`` with its paging attributes.

    :param page: the page to render.
    :param list_tag: the plural element name (``Calls``).
    """
    node = etree.Element(list_tag)
    for name, attribute in PAGE_ATTRIBUTES:
        node.set(attribute, str(getattr(page, name)))
    for name, attribute in PAGE_URI_ATTRIBUTES:
        value = getattr(page, name)
        if value is not None:
            node.set(attribute, xml_safe(value))
    for item in page.items:
        node.append(record_element(item))
    return node


def render_page(page: Page[Any], record_type: type[Record]) -> bytes:
    """Serialise a page as a TwilioResponse document.

    :param page: the page to render.
    :param record_type: the record class of the items (gives the list element name).
    """
    return render_document(page_element(page, record_type.LIST_TAG))


def render_rest_exception(exc: RestException) -> bytes:
    """Serialise a RestException as a TwilioResponse document.

    :param exc: the error fields; ``Code`` and ``MoreInfo`` are written only when set.
    """
    node = etree.Element("RestException")
    etree.SubElement(node, "Status").text = str(exc.status)
    etree.SubElement(node, "Message").text = xml_safe(exc.message)
    if exc.code is not None:
        etree.SubElement(node, "Code").text = str(exc.code)
    if exc.more_info:
        etree.SubElement(node, "MoreInfo").text = xml_safe(exc.more_info)
    return render_document(node)
