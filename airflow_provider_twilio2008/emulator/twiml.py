"""Parse TwiML 2008-08-01 voice documents and run them against a simulated call.

This module is a pure interpreter: it never opens a socket or a database. Everything the
outside world does (fetching the application's URLs, the caller pressing keys, recordings,
dialling, SMS, the clock) goes through a :class:`CallContext`, which the emulator's telephony
layer implements and tests replace with a recording fake.

``CallContext`` (the contract with the telephony layer):

* ``fetch(url, method, params)`` -> :class:`FetchResult`; raises :class:`FetchError` when the
  URL cannot be reached. ``params`` are only the extra parameters (``Digits``,
  ``RecordingUrl``, ``Duration``, ``DialStatus``, ``SmsSid``, ``SmsStatus``); the context adds
  the standard call parameters of reference section 5.1 itself.
* ``elapse(seconds)`` advances the call's simulated clock.
* ``digits_for_gather(num_digits, finish_on_key)`` -> the keys the caller presses (``""`` =
  none). The interpreter applies ``numDigits`` and ``finishOnKey`` to what it gets, so the
  context may return the raw key presses.
* ``record_length(max_length)`` -> seconds the caller speaks (0 = nothing recorded).
* ``create_recording(duration)`` -> ``(recording_sid, recording_url)``: the SID is needed for
  the transcription, the URL for the ``action`` request.
* ``create_transcription(recording_sid, duration, callback)``: the context completes it and
  POSTs ``callback`` (already resolved to an absolute URL) when it wants to.
* ``send_sms(to, from_, body, status_callback)`` -> ``(SmsSid, SmsStatus)`` with status
  ``sending`` or ``invalid``; ``None`` for ``to``/``from_`` means the defaults of reference 6.1,
  which the context knows; the context also judges the body (blank or over 160 characters is
  ``invalid``).
* ``dial(number, timeout=, caller_id=, time_limit=)`` -> ``DialStatus`` (``answered``,
  ``busy``, ``no-answer``, ``failed``); the context spends the leg's simulated time itself.
* ``join_conference(name, muted=, beep=, start_on_enter=, end_on_exit=)``: returns when the
  caller leaves the conference.
* ``notify_error(code, message, url=, method=, request_vars=, response_headers=,
  response_body=)`` writes a Notification; ``request_vars`` holds only the extra parameters,
  form-encoded, for the context to complete.
* ``redirect_requested()`` -> ``(url, method)`` of a pending REST redirect (reference 3.4), or
  ``None``; it must clear the request it returns.

Choices made where reference section 6 is silent or says "inferred":

* Unknown elements and unknown attributes are refused (code 12100), as are non-whitespace text
  outside verbs and a ``version`` other than ``2008-08-01``: an emulator should surface typos
  such as ``Action=`` that Twilio would silently ignore. Boolean attribute values and methods
  are compared case-insensitively; every other value is case-sensitive.
* ``loop="0"`` ("until hang-up" / "forever") is played once: a simulated caller never hangs up
  on its own.
* Simulated time: ``<Say>`` 0.08 s per character per loop, ``<Play>`` 5 s per loop, the beep
  of ``<Record>`` 0.5 s, each gathered key 0.5 s, a ``<Gather>`` without input waits its
  ``timeout``, a recording shorter than ``maxLength`` is followed by ``timeout`` seconds of
  silence.
* ``<Gather>`` prompts are played in full before the keys are read; ``<Record>`` sends
  ``Digits=""`` (the simulated caller stops by falling silent). With ``transcribe`` the
  effective ``maxLength`` is ``min(maxLength, 120)``.
* Several ``<Number>`` nouns are dialled in order; the first ``answered`` wins. Otherwise the
  ``DialStatus`` is ``busy`` or ``failed`` when every leg said so, else ``no-answer``. A
  ``<Conference>`` reports ``answered``. ``<Number url>`` and ``waitUrl`` are parsed, not run.
* Responses: ``text/xml``, ``application/xml``, ``text/html`` and any ``+xml`` type are TwiML;
  ``text/plain`` is spoken, any ``audio/*`` played, then the call ends; any other type fails
  with 12300; a non-2xx status or an unreachable URL fails with 11200.
* At most :data:`MAX_DOCUMENTS` documents per call (the first one included); the next fetch
  fails with 11215 ("too many redirects" in Twilio's later error dictionary).
* A REST redirect is honoured before each verb and at the end of a document, not inside a verb.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Literal, Protocol
from urllib.parse import urlencode, urljoin, urlsplit

from lxml import etree

__all__ = [
    "CONTENT_TYPE_INVALID",
    "DOCUMENT_PARSE_FAILURE",
    "HTTP_RETRIEVAL_FAILURE",
    "MAX_DOCUMENTS",
    "MAX_TWIML_BYTES",
    "TOO_MANY_DOCUMENTS",
    "CallContext",
    "Conference",
    "Dial",
    "FetchError",
    "FetchResult",
    "Gather",
    "Hangup",
    "Number",
    "Outcome",
    "Pause",
    "Play",
    "Record",
    "Redirect",
    "Say",
    "Sms",
    "TwimlError",
    "Verb",
    "parse_twiml",
    "run_twiml",
    "run_url",
]

#: Notification codes (reference 2.2, marked "memory, not verified" there).
HTTP_RETRIEVAL_FAILURE = 11200
DOCUMENT_PARSE_FAILURE = 12100
CONTENT_TYPE_INVALID = 12300
#: Our choice for the document-loop guard (Twilio's later "HTTP too many redirects").
TOO_MANY_DOCUMENTS = 11215

#: Largest TwiML document we parse.
MAX_TWIML_BYTES = 64 * 1024
#: Most documents one call may run, the first included.
MAX_DOCUMENTS = 100
SAY_MAX_BYTES = 4096
SAY_SECONDS_PER_CHARACTER = 0.08
PLAY_SECONDS = 5.0
BEEP_SECONDS = 0.5
KEY_SECONDS = 0.5
TRANSCRIBE_MAX_LENGTH = 120
DEFAULT_WAIT_URL = "http://twimlets.com/holdmusic?Bucket=com.twilio.music.classical"
TWIML_VERSION = "2008-08-01"

_DTD_MARKERS = re.compile(rb"<!\s*(DOCTYPE|ENTITY)", re.IGNORECASE)
_KEYS = frozenset("0123456789#*")
_XML_TYPES = frozenset({"text/xml", "application/xml", "text/html"})


class TwimlError(ValueError):
    """A document that is not valid TwiML 2008-08-01 (Notification code 12100).

    :param message: what is wrong, with the line number when known.
    """

    code = DOCUMENT_PARSE_FAILURE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class FetchError(Exception):
    """The application's URL could not be reached (refused, timed out, bad host).

    :param message: what went wrong, for the Notification.
    """

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass(frozen=True)
class FetchResult:
    """What the application answered to a TwiML request.

    :param status: the HTTP status code.
    :param content_type: the ``Content-Type`` header (``""`` when missing).
    :param body: the response body.
    """

    status: int
    content_type: str
    body: bytes


# ---------------------------------------------------------------------------------------------
# Verbs and nouns
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Say:
    """Speak ``text``.

    :param text: the words, whitespace collapsed.
    :param voice: ``man`` or ``woman``.
    :param language: ``en``, ``es``, ``fr`` or ``de``.
    :param loop: times to repeat (0 = until hang-up).
    """

    text: str
    voice: str = "man"
    language: str = "en"
    loop: int = 1


@dataclass(frozen=True)
class Play:
    """Play the audio at ``url`` (relative URLs kept as written).

    :param url: the audio URL.
    :param loop: times to repeat (0 = forever).
    """

    url: str
    loop: int = 1


@dataclass(frozen=True)
class Pause:
    """Wait silently.

    :param length: seconds.
    """

    length: int = 1


@dataclass(frozen=True)
class Gather:
    """Collect keys, playing the nested prompts meanwhile.

    :param action: URL receiving ``Digits`` (``None`` = the current document).
    :param method: ``GET`` or ``POST``.
    :param timeout: seconds to wait for input.
    :param finish_on_key: the key ending input (``""`` = none).
    :param num_digits: keys to collect (``None`` = unlimited).
    :param prompts: nested ``<Say>``, ``<Play>`` and ``<Pause>``.
    """

    action: str | None = None
    method: str = "POST"
    timeout: int = 5
    finish_on_key: str = "#"
    num_digits: int | None = None
    prompts: tuple[Say | Play | Pause, ...] = ()


@dataclass(frozen=True)
class Record:
    """Record the caller.

    :param action: URL receiving ``RecordingUrl``, ``Duration``, ``Digits`` (``None`` = current).
    :param method: ``GET`` or ``POST``.
    :param timeout: seconds of silence ending the recording.
    :param finish_on_key: keys ending the recording.
    :param max_length: longest recording in seconds, as written (see :attr:`limit`).
    :param transcribe: whether to transcribe.
    :param transcribe_callback: URL POSTed with the transcription.
    :param play_beep: whether a beep starts the recording.
    """

    action: str | None = None
    method: str = "POST"
    timeout: int = 5
    finish_on_key: str = "1234567890*#"
    max_length: int = 3600
    transcribe: bool = False
    transcribe_callback: str | None = None
    play_beep: bool = True

    @property
    def transcribing(self) -> bool:
        """Return whether a transcription is made (``transcribe`` or a callback given)."""
        return self.transcribe or self.transcribe_callback is not None

    @property
    def limit(self) -> int:
        """Return the effective maximum length: at most 120 s when transcribing."""
        return min(self.max_length, TRANSCRIBE_MAX_LENGTH) if self.transcribing else self.max_length


@dataclass(frozen=True)
class Number:
    """A number noun of ``<Dial>`` (plain number text becomes one as well).

    :param number: the phone number as written.
    :param send_digits: DTMF to play after answer (``w`` = wait 0.5 s).
    :param url: TwiML run on the callee's side before bridging (parsed, not run).
    """

    number: str
    send_digits: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class Conference:
    """A conference room noun of ``<Dial>``.

    :param name: the room name.
    :param muted: whether the caller may only listen.
    :param beep: whether entering and leaving beeps.
    :param start_conference_on_enter: whether this caller starts the conference.
    :param end_conference_on_exit: whether leaving ends it for everyone.
    :param wait_url: hold music TwiML URL (``""`` = silence).
    :param wait_method: ``GET`` or ``POST``.
    """

    name: str
    muted: bool = False
    beep: bool = True
    start_conference_on_enter: bool = True
    end_conference_on_exit: bool = False
    wait_url: str = DEFAULT_WAIT_URL
    wait_method: str = "POST"


@dataclass(frozen=True)
class Dial:
    """Connect the caller to other numbers or to a conference.

    :param numbers: numbers ringing together (empty when dialling a conference).
    :param conference: the room, or ``None``.
    :param action: URL receiving ``DialStatus``; ``None`` = go on with the next verb.
    :param method: ``GET`` or ``POST``.
    :param timeout: seconds to ring.
    :param hangup_on_star: whether ``*`` ends the bridged leg.
    :param time_limit: longest bridged call in seconds.
    :param caller_id: the caller ID shown to the callee (``None`` = the caller's).
    """

    numbers: tuple[Number, ...] = ()
    conference: Conference | None = None
    action: str | None = None
    method: str = "POST"
    timeout: int = 30
    hangup_on_star: bool = False
    time_limit: int = 14400
    caller_id: str | None = None


@dataclass(frozen=True)
class Sms:
    """Send an SMS during the call.

    :param text: the message.
    :param to: recipient (``None`` = the default of reference 6.1).
    :param from_: sender (``None`` = the default of reference 6.1).
    :param action: URL receiving ``SmsSid``/``SmsStatus``; ``None`` = go on.
    :param method: ``GET`` or ``POST``.
    :param status_callback: URL POSTed with the final status.
    """

    text: str
    to: str | None = None
    from_: str | None = None
    action: str | None = None
    method: str = "POST"
    status_callback: str | None = None


@dataclass(frozen=True)
class Redirect:
    """Continue with the TwiML at ``url``.

    :param url: absolute or relative URL.
    :param method: ``GET`` or ``POST``.
    """

    url: str
    method: str = "POST"


@dataclass(frozen=True)
class Hangup:
    """End the call."""


Verb = Say | Play | Gather | Record | Dial | Sms | Redirect | Pause | Hangup


# ---------------------------------------------------------------------------------------------
# Parsing
# ---------------------------------------------------------------------------------------------


def _parser() -> etree.XMLParser:
    """Return a fresh hardened parser (no entities, no DTD, no network)."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


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
        if not raw.isdigit() or int(raw) < minimum:
            raise self._bad(name, raw, f"an integer >= {minimum}")
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
        if any(key not in _KEYS for key in raw) or (single and len(raw) > 1):
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


_PROMPTS = {"Say": _say, "Play": _play, "Pause": _pause}


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


_VERBS = {
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


def parse_twiml(body: bytes) -> list[Verb]:
    """Parse a voice TwiML document into its verbs, refusing anything invalid or unsafe.

    The body is refused before parsing when it exceeds :data:`MAX_TWIML_BYTES` or declares a
    DTD or entities; the parser never resolves entities, loads a DTD or touches the network.

    :param body: the document as received.
    :raises TwimlError: the document is not safe, well-formed TwiML 2008-08-01.
    """
    if len(body) > MAX_TWIML_BYTES:
        raise TwimlError(f"document of {len(body)} bytes exceeds the {MAX_TWIML_BYTES}-byte limit")
    if _DTD_MARKERS.search(body):
        raise TwimlError("document declares a DTD or entities; refused")
    try:
        root = etree.fromstring(body, _parser())
    except etree.XMLSyntaxError as exc:
        raise TwimlError(f"document is not well-formed XML: {exc}") from None
    if root.tag != "Response":
        raise TwimlError(f"root element must be <Response>, got <{root.tag}>")
    _Attributes(root, ("version",))
    version = root.get("version")
    if version is not None and version.strip() != TWIML_VERSION:
        raise TwimlError(f"<Response> version={version!r} is not {TWIML_VERSION!r}")
    return [_VERBS[child.tag](child) for child in _children(root, tuple(_VERBS))]


# ---------------------------------------------------------------------------------------------
# Running
# ---------------------------------------------------------------------------------------------


class CallContext(Protocol):
    """The simulated world one call runs in (see the module docstring for the contract)."""

    async def fetch(self, url: str, method: str, params: dict[str, str]) -> FetchResult: ...

    async def elapse(self, seconds: float) -> None: ...

    def digits_for_gather(self, num_digits: int | None, finish_on_key: str) -> str: ...

    def record_length(self, max_length: int) -> int: ...

    async def create_recording(self, duration: int) -> tuple[str, str]: ...

    async def create_transcription(self, recording_sid: str, duration: int, callback: str | None) -> None: ...

    async def send_sms(
        self, to: str | None, from_: str | None, body: str, status_callback: str | None
    ) -> tuple[str, str]: ...

    async def dial(self, number: str, *, timeout: int, caller_id: str | None, time_limit: int) -> str: ...

    async def join_conference(
        self, name: str, *, muted: bool, beep: bool, start_on_enter: bool, end_on_exit: bool
    ) -> None: ...

    async def notify_error(
        self,
        code: int,
        message: str,
        *,
        url: str,
        method: str,
        request_vars: str,
        response_headers: str,
        response_body: str,
    ) -> None: ...

    def redirect_requested(self) -> tuple[str, str] | None: ...


@dataclass(frozen=True)
class Outcome:
    """How a call's TwiML ended.

    :param hung_up_by: ``twiml`` (``<Hangup/>``), ``end`` (end of document, or a spoken or
        played non-TwiML response) or ``error``.
    :param error_code: the Notification code when ``hung_up_by`` is ``error``.
    :param error_message: the Notification text when ``hung_up_by`` is ``error``.
    :param documents: documents fetched or run for the call, the first included.
    :param seconds: simulated seconds the interpreter spent (dialled legs not included).
    :param document_url: URL of the last document requested.
    """

    hung_up_by: Literal["twiml", "end", "error"]
    error_code: int | None = None
    error_message: str | None = None
    documents: int = 0
    seconds: float = 0.0
    document_url: str = ""


@dataclass(frozen=True)
class _Request:
    """Control moves to the TwiML at ``url``."""

    url: str
    method: str
    params: dict[str, str]


class _Hangup:
    """Marker: the document asked to hang up."""


_HANGUP = _Hangup()


def _say_seconds(text: str, loop: int) -> float:
    return len(text) * SAY_SECONDS_PER_CHARACTER * max(loop, 1)


def _media_type(content_type: str) -> str:
    return content_type.split(";", 1)[0].strip().lower()


def _charset(content_type: str) -> str:
    match = re.search(r";\s*charset\s*=\s*\"?([A-Za-z0-9._-]+)", content_type, re.IGNORECASE)
    return match.group(1) if match else "utf-8"


def _dial_status(statuses: Sequence[str]) -> str:
    """Combine the statuses of unanswered legs that rang together."""
    if statuses and all(status == statuses[0] for status in statuses):
        return statuses[0]
    return "no-answer"


class _Call:
    """One call's walk through its documents."""

    def __init__(self, ctx: CallContext, documents: int) -> None:
        self.ctx = ctx
        self.documents = documents
        self.seconds = 0.0
        self.url = ""

    def outcome(
        self,
        hung_up_by: Literal["twiml", "end", "error"],
        code: int | None = None,
        message: str | None = None,
    ) -> Outcome:
        return Outcome(hung_up_by, code, message, self.documents, round(self.seconds, 3), self.url)

    async def elapse(self, seconds: float) -> None:
        if seconds > 0:
            self.seconds += seconds
            await self.ctx.elapse(seconds)

    async def run(self, verbs: Sequence[Verb], url: str) -> Outcome:
        self.url = url
        while True:
            step = await self.run_document(verbs, url)
            if isinstance(step, Outcome):
                return step
            loaded = await self.load(step)
            if isinstance(loaded, Outcome):
                return loaded
            verbs, url = loaded

    async def run_document(self, verbs: Sequence[Verb], url: str) -> Outcome | _Request:
        for verb in verbs:
            pending = self.ctx.redirect_requested()
            if pending is not None:
                return _Request(urljoin(url, pending[0]), pending[1], {})
            step = await self.execute(verb, url)
            if step is _HANGUP:
                return self.outcome("twiml")
            if isinstance(step, _Request):
                return step
        pending = self.ctx.redirect_requested()
        if pending is not None:
            return _Request(urljoin(url, pending[0]), pending[1], {})
        return self.outcome("end")

    async def fail(self, code: int, message: str, request: _Request, result: FetchResult | None) -> Outcome:
        await self.ctx.notify_error(
            code,
            message,
            url=request.url,
            method=request.method,
            request_vars=urlencode(request.params),
            response_headers=f"Content-Type: {result.content_type}" if result else "",
            response_body=result.body.decode("utf-8", "replace") if result else "",
        )
        return self.outcome("error", code, message)

    async def load(self, request: _Request) -> tuple[list[Verb], str] | Outcome:
        """Fetch the next document; return its verbs, or how the call ended."""
        if self.documents >= MAX_DOCUMENTS:
            message = f"more than {MAX_DOCUMENTS} TwiML documents in one call (redirect loop?)"
            return await self.fail(TOO_MANY_DOCUMENTS, message, request, None)
        self.documents += 1
        self.url = request.url
        try:
            result = await self.ctx.fetch(request.url, request.method, dict(request.params))
        except FetchError as exc:
            return await self.fail(
                HTTP_RETRIEVAL_FAILURE, f"HTTP retrieval failure: {exc.message}", request, None
            )
        if not 200 <= result.status < 300:
            message = f"HTTP retrieval failure: status {result.status}"
            return await self.fail(HTTP_RETRIEVAL_FAILURE, message, request, result)
        media_type = _media_type(result.content_type)
        if media_type in _XML_TYPES or media_type.endswith("+xml"):
            try:
                return parse_twiml(result.body), request.url
            except TwimlError as exc:
                return await self.fail(
                    DOCUMENT_PARSE_FAILURE, f"Document parse failure: {exc}", request, result
                )
        if media_type == "text/plain":
            text = result.body.decode(_charset(result.content_type), "replace")
            await self.elapse(_say_seconds(" ".join(text.split()), 1))
            return self.outcome("end")
        if media_type.startswith("audio/"):
            await self.elapse(PLAY_SECONDS)
            return self.outcome("end")
        shown = result.content_type or "(none)"
        return await self.fail(CONTENT_TYPE_INVALID, f"Invalid Content-Type: {shown}", request, result)

    async def execute(self, verb: Verb, url: str) -> _Request | _Hangup | None:
        """Run one verb; return where control goes next (``None`` = the next verb)."""
        if isinstance(verb, Say):
            await self.elapse(_say_seconds(verb.text, verb.loop))
        elif isinstance(verb, Play):
            await self.elapse(PLAY_SECONDS * max(verb.loop, 1))
        elif isinstance(verb, Pause):
            await self.elapse(verb.length)
        elif isinstance(verb, Gather):
            return await self.gather(verb, url)
        elif isinstance(verb, Record):
            return await self.record(verb, url)
        elif isinstance(verb, Dial):
            return await self.dial(verb, url)
        elif isinstance(verb, Sms):
            sms_sid, status = await self.ctx.send_sms(
                verb.to, verb.from_, verb.text, self.resolve(url, verb.status_callback)
            )
            if verb.action is not None:
                return _Request(
                    urljoin(url, verb.action), verb.method, {"SmsSid": sms_sid, "SmsStatus": status}
                )
        elif isinstance(verb, Redirect):
            return _Request(urljoin(url, verb.url), verb.method, {})
        elif isinstance(verb, Hangup):
            return _HANGUP
        return None

    @staticmethod
    def resolve(url: str, ref: str | None) -> str | None:
        return None if ref is None else urljoin(url, ref)

    async def gather(self, verb: Gather, url: str) -> _Request | None:
        for prompt in verb.prompts:
            await self.execute(prompt, url)
        pressed = self.ctx.digits_for_gather(verb.num_digits, verb.finish_on_key)
        digits = ""
        for key in pressed:
            if key == verb.finish_on_key or (verb.num_digits is not None and len(digits) >= verb.num_digits):
                break
            if key in _KEYS:
                digits += key
        if not digits:
            await self.elapse(verb.timeout)
            return None
        await self.elapse(KEY_SECONDS * len(digits))
        return _Request(urljoin(url, verb.action or url), verb.method, {"Digits": digits})

    async def record(self, verb: Record, url: str) -> _Request | None:
        if verb.play_beep:
            await self.elapse(BEEP_SECONDS)
        limit = verb.limit
        length = max(0, min(int(self.ctx.record_length(limit)), limit))
        if length == 0:
            await self.elapse(verb.timeout)
            return None
        await self.elapse(length)
        if length < limit:
            await self.elapse(verb.timeout)
        recording_sid, recording_url = await self.ctx.create_recording(length)
        if verb.transcribing:
            await self.ctx.create_transcription(
                recording_sid, length, self.resolve(url, verb.transcribe_callback)
            )
        params = {"RecordingUrl": recording_url, "Duration": str(length), "Digits": ""}
        return _Request(urljoin(url, verb.action or url), verb.method, params)

    async def dial(self, verb: Dial, url: str) -> _Request | None:
        if verb.conference is not None:
            room = verb.conference
            await self.ctx.join_conference(
                room.name,
                muted=room.muted,
                beep=room.beep,
                start_on_enter=room.start_conference_on_enter,
                end_on_exit=room.end_conference_on_exit,
            )
            status = "answered"
        else:
            statuses = []
            for number in verb.numbers:
                status = await self.ctx.dial(
                    number.number, timeout=verb.timeout, caller_id=verb.caller_id, time_limit=verb.time_limit
                )
                if status == "answered":
                    break
                statuses.append(status)
            else:
                status = _dial_status(statuses)
        if verb.action is None:
            return None
        return _Request(urljoin(url, verb.action), verb.method, {"DialStatus": status})


async def run_twiml(verbs: Sequence[Verb], ctx: CallContext, document_url: str) -> Outcome:
    """Run a call's first, already parsed document and everything it leads to.

    :param verbs: the verbs of the first document (from :func:`parse_twiml`).
    :param ctx: the simulated call.
    :param document_url: the URL the document came from, for defaults and relative URLs.
    """
    return await _Call(ctx, documents=1).run(verbs, document_url)


async def run_url(
    ctx: CallContext, url: str, method: str = "POST", params: dict[str, str] | None = None
) -> Outcome:
    """Fetch a call's first document and run it, handling fetch and parse failures.

    :param ctx: the simulated call.
    :param url: the call's ``Url`` (or a number's voice URL).
    :param method: ``GET`` or ``POST``.
    :param params: extra parameters of the first request (e.g. ``DialStatus``).
    """
    call = _Call(ctx, documents=0)
    loaded = await call.load(_Request(url, method, dict(params or {})))
    if isinstance(loaded, Outcome):
        return loaded
    return await call.run(*loaded)
