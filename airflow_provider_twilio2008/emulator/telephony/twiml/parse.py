"""Parse TwiML 2008-08-01 documents into verbs, refusing anything invalid or unsafe.

:func:`parse_twiml` reads voice documents (reference 6.1), :func:`parse_sms_twiml` the answers to
an incoming SMS (reference 6.2: only ``<Sms>`` and ``<Redirect>`` under ``<Response>``).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import urlsplit

from ....api.xml import XmlRefused, safe_fromstring
from .verbs import (
    DEFAULT_WAIT_URL,
    DTMF_KEYS,
    Conference,
    Dial,
    Gather,
    Hangup,
    Number,
    Pause,
    Play,
    Record,
    Redirect,
    Say,
    Sms,
    TwimlError,
    Verb,
)

__all__ = ["MAX_TWIML_BYTES", "SAY_MAX_BYTES", "TWIML_VERSION", "parse_sms_twiml", "parse_twiml"]

#: Largest TwiML document we parse.
MAX_TWIML_BYTES = 64 * 1024
#: Longest ``<Say>`` text, in UTF-8 bytes.
SAY_MAX_BYTES = 4096
TWIML_VERSION = "2008-08-01"

#: A whole number as TwiML writes it: ASCII digits only, at most 9 of them.
_INTEGER = re.compile(r"[0-9]{1,9}")


def _where(node: Any) -> str:
    return f"line {node.sourceline}: <{node.tag}>" if node.sourceline else f"<{node.tag}>"


class _Attributes:
    """Read and validate the attributes of one element; unknown names are refused."""

    def __init__(self, node: Any, allowed: Sequence[str]) -> None:
        self.node = node
        for name in node.attrib:
            if name not in allowed:
                expected = ", ".join(allowed) if allowed else "none"
                raise TwimlError(f"{_where(node)} has unknown attribute {name!r} (allowed: {expected})")

    def _raw(self, name: str) -> str | None:
        value = self.node.get(name)
        return None if value is None else value.strip()

    def _bad(self, name: str, value: str, accepted: str) -> TwimlError:
        return TwimlError(f"{_where(self.node)} {name}={value!r} is invalid; expected {accepted}")

    def integer(self, name: str, default: int, *, minimum: int) -> int:
        raw = self._raw(name)
        if raw is None:
            return default
        if not _INTEGER.fullmatch(raw) or int(raw) < minimum:
            raise self._bad(name, raw, f"a whole number >= {minimum} (at most 9 digits)")
        return int(raw)

    def optional_integer(self, name: str, *, minimum: int) -> int | None:
        return None if self._raw(name) is None else self.integer(name, 0, minimum=minimum)

    def boolean(self, name: str, default: bool) -> bool:
        raw = self._raw(name)
        if raw is None:
            return default
        if raw.lower() not in ("true", "false"):
            raise self._bad(name, raw, "true or false")
        return raw.lower() == "true"

    def choice(self, name: str, default: str, options: Sequence[str]) -> str:
        raw = self._raw(name)
        if raw is None:
            return default
        if raw not in options:
            raise self._bad(name, raw, " or ".join(options))
        return raw

    def method(self, name: str = "method") -> str:
        raw = self._raw(name)
        if raw is None:
            return "POST"
        if raw.upper() not in ("GET", "POST"):
            raise self._bad(name, raw, "GET or POST")
        return raw.upper()

    def url(self, name: str) -> str | None:
        raw = self._raw(name)
        if raw is None:
            return None
        return _check_url(raw, f"{_where(self.node)} {name}")

    def keys(self, name: str, default: str, *, single: bool) -> str:
        raw = self._raw(name)
        if raw is None:
            return default
        if any(key not in DTMF_KEYS for key in raw) or (single and len(raw) > 1):
            accepted = "one of 0-9, # or *, or empty" if single else "keys among 0-9, # and *"
            raise self._bad(name, raw, accepted)
        return raw

    def text(self, name: str) -> str | None:
        raw = self._raw(name)
        return raw if raw else None


def _check_url(value: str, where: str) -> str:
    if not value:
        raise TwimlError(f"{where} is empty; expected an absolute or relative URL")
    try:
        parts = urlsplit(value)
    except ValueError:
        raise TwimlError(f"{where} {value!r} is not a URL") from None
    if parts.scheme not in ("", "http", "https") or any(ch.isspace() for ch in value):
        raise TwimlError(f"{where} {value!r} is not an http(s) URL")
    return value


def _text_only(node: Any, *, required: bool) -> str:
    """Return the element's text, refusing child elements (and emptiness when required)."""
    if len(node):
        raise TwimlError(f"{_where(node)} may not contain <{node[0].tag}>")
    text = " ".join((node.text or "").split())
    if required and not text:
        raise TwimlError(f"{_where(node)} needs text content")
    return text


def _no_content(node: Any) -> None:
    if len(node):
        raise TwimlError(f"{_where(node)} may not contain <{node[0].tag}>")
    if (node.text or "").strip():
        raise TwimlError(f"{_where(node)} may not contain text")


def _children(node: Any, allowed: Sequence[str]) -> list[Any]:
    """Return the child elements, refusing stray text and elements not in ``allowed``."""
    if (node.text or "").strip():
        raise TwimlError(f"{_where(node)} may not contain text outside a verb")
    children = []
    for child in node:
        if child.tag not in allowed:
            raise TwimlError(f"{_where(node)} may not contain <{child.tag}> (line {child.sourceline})")
        if (child.tail or "").strip():
            raise TwimlError(f"{_where(node)} may not contain text outside a verb")
        children.append(child)
    return children


def _say(node: Any) -> Say:
    attrs = _Attributes(node, ("voice", "language", "loop"))
    text = _text_only(node, required=False)
    if len(text.encode("utf-8")) > SAY_MAX_BYTES:
        raise TwimlError(f"{_where(node)} text exceeds {SAY_MAX_BYTES} bytes")
    return Say(
        text=text,
        voice=attrs.choice("voice", "man", ("man", "woman")),
        language=attrs.choice("language", "en", ("en", "es", "fr", "de")),
        loop=attrs.integer("loop", 1, minimum=0),
    )


def _play(node: Any) -> Play:
    attrs = _Attributes(node, ("loop",))
    url = _check_url(_text_only(node, required=True), f"{_where(node)} URL")
    return Play(url=url, loop=attrs.integer("loop", 1, minimum=0))


def _pause(node: Any) -> Pause:
    attrs = _Attributes(node, ("length",))
    _no_content(node)
    return Pause(length=attrs.integer("length", 1, minimum=1))


_PROMPTS: dict[str, Callable[[Any], Say | Play | Pause]] = {"Say": _say, "Play": _play, "Pause": _pause}


def _gather(node: Any) -> Gather:
    attrs = _Attributes(node, ("action", "method", "timeout", "finishOnKey", "numDigits"))
    prompts = tuple(_PROMPTS[child.tag](child) for child in _children(node, tuple(_PROMPTS)))
    return Gather(
        action=attrs.url("action"),
        method=attrs.method(),
        timeout=attrs.integer("timeout", 5, minimum=1),
        finish_on_key=attrs.keys("finishOnKey", "#", single=True),
        num_digits=attrs.optional_integer("numDigits", minimum=1),
        prompts=prompts,
    )


def _record(node: Any) -> Record:
    names = ("action", "method", "timeout", "finishOnKey", "maxLength", "transcribe")
    attrs = _Attributes(node, (*names, "transcribeCallback", "playBeep"))
    _no_content(node)
    return Record(
        action=attrs.url("action"),
        method=attrs.method(),
        timeout=attrs.integer("timeout", 5, minimum=1),
        finish_on_key=attrs.keys("finishOnKey", "1234567890*#", single=False),
        max_length=attrs.integer("maxLength", 3600, minimum=1),
        transcribe=attrs.boolean("transcribe", False),
        transcribe_callback=attrs.url("transcribeCallback"),
        play_beep=attrs.boolean("playBeep", True),
    )


_SEND_DIGITS = re.compile(r"[0-9#*w]+")


def _number(node: Any) -> Number:
    attrs = _Attributes(node, ("sendDigits", "url"))
    send_digits = attrs.text("sendDigits")
    if send_digits is not None and not _SEND_DIGITS.fullmatch(send_digits):
        raise TwimlError(f"{_where(node)} sendDigits={send_digits!r} may hold only 0-9, #, * and w")
    return Number(number=_text_only(node, required=True), send_digits=send_digits, url=attrs.url("url"))


def _conference(node: Any) -> Conference:
    names = ("muted", "beep", "startConferenceOnEnter", "endConferenceOnExit", "waitUrl", "waitMethod")
    attrs = _Attributes(node, names)
    wait_url = node.get("waitUrl")
    wait_url = DEFAULT_WAIT_URL if wait_url is None else wait_url.strip()
    if wait_url:
        _check_url(wait_url, f"{_where(node)} waitUrl")
    return Conference(
        name=_text_only(node, required=True),
        muted=attrs.boolean("muted", False),
        beep=attrs.boolean("beep", True),
        start_conference_on_enter=attrs.boolean("startConferenceOnEnter", True),
        end_conference_on_exit=attrs.boolean("endConferenceOnExit", False),
        wait_url=wait_url,
        wait_method=attrs.method("waitMethod"),
    )


def _dial(node: Any) -> Dial:
    names = ("action", "method", "timeout", "hangupOnStar", "timeLimit", "callerId")
    attrs = _Attributes(node, names)
    text = " ".join((node.text or "").split())
    children = list(node)
    numbers: tuple[Number, ...] = ()
    conference = None
    if children:
        if text or any((child.tail or "").strip() for child in children):
            raise TwimlError(f"{_where(node)} may hold number text or nouns, not both")
        tags = [child.tag for child in children]
        if any(tag not in ("Number", "Conference") for tag in tags):
            bad = next(tag for tag in tags if tag not in ("Number", "Conference"))
            raise TwimlError(f"{_where(node)} may not contain <{bad}>")
        if "Conference" in tags:
            if len(tags) > 1:
                raise TwimlError(f"{_where(node)} may hold one <Conference> and nothing else")
            conference = _conference(children[0])
        else:
            numbers = tuple(_number(child) for child in children)
    elif text:
        numbers = (Number(number=text),)
    else:
        raise TwimlError(f"{_where(node)} needs a number, <Number> nouns or a <Conference>")
    return Dial(
        numbers=numbers,
        conference=conference,
        action=attrs.url("action"),
        method=attrs.method(),
        timeout=attrs.integer("timeout", 30, minimum=1),
        hangup_on_star=attrs.boolean("hangupOnStar", False),
        time_limit=attrs.integer("timeLimit", 14400, minimum=1),
        caller_id=attrs.text("callerId"),
    )


def _sms(node: Any) -> Sms:
    attrs = _Attributes(node, ("to", "from", "action", "method", "statusCallback"))
    return Sms(
        text=_text_only(node, required=False),
        to=attrs.text("to"),
        from_=attrs.text("from"),
        action=attrs.url("action"),
        method=attrs.method(),
        status_callback=attrs.url("statusCallback"),
    )


def _redirect(node: Any) -> Redirect:
    attrs = _Attributes(node, ("method",))
    url = _check_url(_text_only(node, required=True), f"{_where(node)} URL")
    return Redirect(url=url, method=attrs.method())


def _hangup(node: Any) -> Hangup:
    _Attributes(node, ())
    _no_content(node)
    return Hangup()


_VERBS: dict[str, Callable[[Any], Verb]] = {
    "Say": _say,
    "Play": _play,
    "Gather": _gather,
    "Record": _record,
    "Dial": _dial,
    "Sms": _sms,
    "Redirect": _redirect,
    "Pause": _pause,
    "Hangup": _hangup,
}


def _response(body: bytes) -> Any:
    """Return the checked ``<Response>`` root of a document (size, safety, root, version).

    A body over the cap may have been cut one byte past it (:mod:`...webhooks` reads no more),
    so the error says "over the limit" rather than a size that would only be the cut's.
    """
    if len(body) > MAX_TWIML_BYTES:
        raise TwimlError(f"document is over the {MAX_TWIML_BYTES}-byte limit")
    try:
        root = safe_fromstring(body, max_bytes=MAX_TWIML_BYTES)
    except XmlRefused as exc:
        raise TwimlError(f"document {exc.reason.removeprefix('body ')}") from None
    if root.tag != "Response":
        raise TwimlError(f"root element must be <Response>, got <{root.tag}>")
    _Attributes(root, ("version",))
    version = root.get("version")
    if version is not None and version.strip() != TWIML_VERSION:
        raise TwimlError(f"<Response> version={version!r} is not {TWIML_VERSION!r}")
    return root


def parse_twiml(body: bytes) -> list[Verb]:
    """Parse a voice TwiML document into its verbs, refusing anything invalid or unsafe.

    The body is refused before parsing when it exceeds :data:`MAX_TWIML_BYTES` or declares a
    DTD or entities; the parser never resolves entities, loads a DTD or touches the network.

    :param body: the document as received.
    :raises TwimlError: the document is not safe, well-formed TwiML 2008-08-01.
    """
    root = _response(body)
    return [_VERBS[child.tag](child) for child in _children(root, tuple(_VERBS))]


_SMS_VERBS: dict[str, Callable[[Any], Sms | Redirect]] = {"Sms": _sms, "Redirect": _redirect}


def parse_sms_twiml(body: bytes) -> list[Sms | Redirect]:
    """Parse the TwiML answer to an incoming SMS: ``<Sms>`` and ``<Redirect>`` only (reference 6.2).

    The same safety limits, attribute checks and defaults as :func:`parse_twiml` apply; any
    other verb (``<Say>``, ``<Dial>``...) is refused.

    :param body: the document as received.
    :raises TwimlError: the document is not safe, well-formed SMS TwiML 2008-08-01.
    """
    root = _response(body)
    return [_SMS_VERBS[child.tag](child) for child in _children(root, tuple(_SMS_VERBS))]
