"""Run parsed TwiML against a simulated call (a :class:`CallContext`) until it hangs up."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal, Protocol
from urllib.parse import urlencode, urljoin

from ....api.validate import CODES
from .parse import MAX_TWIML_BYTES, parse_twiml
from .verbs import (
    DOCUMENT_PARSE_FAILURE,
    DTMF_KEYS,
    Dial,
    Gather,
    Hangup,
    Pause,
    Play,
    Record,
    Redirect,
    Say,
    Sms,
    TwimlError,
    Verb,
)

__all__ = [
    "CONTENT_TYPE_INVALID",
    "DIAL_CALLER_ID_INVALID",
    "HTTP_RETRIEVAL_FAILURE",
    "MAX_DOCUMENTS",
    "TOO_MANY_DOCUMENTS",
    "CallContext",
    "FetchError",
    "FetchResult",
    "Outcome",
    "decoded_text",
    "media_type",
    "run_twiml",
    "run_url",
]

#: Notification codes (reference 2.2, marked "memory, not verified" there).
HTTP_RETRIEVAL_FAILURE = 11200
CONTENT_TYPE_INVALID = 12300
#: Our choice for the document-loop guard (Twilio's later "HTTP too many redirects").
TOO_MANY_DOCUMENTS = 11215
#: ``<Dial callerId>`` that the account may not show (Twilio's later "Dial: Invalid callerId value").
DIAL_CALLER_ID_INVALID = CODES["dial_caller_id_invalid"]
#: Most documents one call may run, the first included.
MAX_DOCUMENTS = 100
SAY_SECONDS_PER_CHARACTER = 0.08
PLAY_SECONDS = 5.0
BEEP_SECONDS = 0.5
KEY_SECONDS = 0.5

_XML_TYPES = frozenset({"text/xml", "application/xml", "text/html"})


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

    def caller_id_allowed(self, caller_id: str) -> bool: ...

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


def media_type(content_type: str) -> str:
    """Return the media type of a ``Content-Type`` header, lower case, without its parameters.

    :param content_type: the header (``""`` when missing).
    """
    return content_type.split(";", 1)[0].strip().lower()


def decoded_text(body: bytes, content_type: str) -> str:
    """Return ``body`` decoded by the header's ``charset`` (UTF-8 when none or unknown), never failing.

    :param body: the bytes answered.
    :param content_type: their ``Content-Type`` header.
    """
    match = re.search(r";\s*charset\s*=\s*\"?([A-Za-z0-9._-]+)", content_type, re.IGNORECASE)
    try:
        return body.decode(match.group(1) if match else "utf-8", "replace")
    except LookupError:  # a charset Python does not know
        return body.decode("utf-8", "replace")


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
        self.request: _Request | None = None

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

    async def notify(
        self, code: int, message: str, request: _Request, result: FetchResult | None = None
    ) -> None:
        """Write a Notification about ``request`` (and what it answered, when known)."""
        await self.ctx.notify_error(
            code,
            message,
            url=request.url,
            method=request.method,
            request_vars=urlencode(request.params),
            response_headers=f"Content-Type: {result.content_type}" if result else "",
            response_body=decoded_text(result.body[:MAX_TWIML_BYTES], result.content_type) if result else "",
        )

    async def fail(self, code: int, message: str, request: _Request, result: FetchResult | None) -> Outcome:
        await self.notify(code, message, request, result)
        return self.outcome("error", code, message)

    async def load(self, request: _Request) -> tuple[list[Verb], str] | Outcome:
        """Fetch the next document; return its verbs, or how the call ended."""
        if self.documents >= MAX_DOCUMENTS:
            message = f"more than {MAX_DOCUMENTS} TwiML documents in one call (redirect loop?)"
            return await self.fail(TOO_MANY_DOCUMENTS, message, request, None)
        self.documents += 1
        self.url = request.url
        self.request = request
        if not request.url:
            message = "HTTP retrieval failure: no URL is set"
            return await self.fail(HTTP_RETRIEVAL_FAILURE, message, request, None)
        try:
            result = await self.ctx.fetch(request.url, request.method, dict(request.params))
        except FetchError as exc:
            return await self.fail(
                HTTP_RETRIEVAL_FAILURE, f"HTTP retrieval failure: {exc.message}", request, None
            )
        if not 200 <= result.status < 300:
            message = f"HTTP retrieval failure: status {result.status}"
            return await self.fail(HTTP_RETRIEVAL_FAILURE, message, request, result)
        kind = media_type(result.content_type)
        if kind in _XML_TYPES or kind.endswith("+xml"):
            try:
                return parse_twiml(result.body), request.url
            except TwimlError as exc:
                return await self.fail(
                    DOCUMENT_PARSE_FAILURE, f"Document parse failure: {exc}", request, result
                )
        if kind == "text/plain":
            text = decoded_text(result.body, result.content_type)
            await self.elapse(_say_seconds(" ".join(text.split()), 1))
            return self.outcome("end")
        if kind.startswith("audio/"):
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
            if key in DTMF_KEYS:
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
            status = await self.dial_numbers(verb, url)
        if verb.action is None:
            return None
        return _Request(urljoin(url, verb.action), verb.method, {"DialStatus": status})

    async def dial_numbers(self, verb: Dial, url: str) -> str:
        """Dial the numbers of ``verb`` in order; return the DialStatus.

        A ``callerId`` the context refuses fails the ``<Dial>`` before any leg rings, with a
        Notification on the document that holds it.
        """
        if verb.caller_id and not self.ctx.caller_id_allowed(verb.caller_id):
            message = (
                f"Dial: Invalid callerId value {verb.caller_id!r}: not the caller's number, one of the "
                "account's IncomingPhoneNumbers or a validated OutgoingCallerId"
            )
            await self.notify(DIAL_CALLER_ID_INVALID, message, self.request or _Request(url, "", {}))
            return "failed"
        statuses = []
        for number in verb.numbers:
            status = await self.ctx.dial(
                number.number, timeout=verb.timeout, caller_id=verb.caller_id, time_limit=verb.time_limit
            )
            if status == "answered":
                return status
            statuses.append(status)
        return _dial_status(statuses)


async def run_twiml(verbs: Sequence[Verb], ctx: CallContext, document_url: str) -> Outcome:
    """Run a call's first, already parsed document and everything it leads to.

    :param verbs: the verbs of the first document (from :func:`parse_twiml`).
    :param ctx: the simulated call.
    :param document_url: the URL the document came from, for defaults and relative URLs.
    """
    return await _Call(ctx, documents=1).run(verbs, document_url)


async def run_url(
    ctx: CallContext,
    url: str,
    method: str = "POST",
    params: dict[str, str] | None = None,
    *,
    fallback: tuple[str, str] | None = None,
) -> Outcome:
    """Fetch a call's first document and run it, handling fetch and parse failures.

    :param ctx: the simulated call.
    :param url: the call's ``Url`` (or a number's voice URL); ``""`` fails with 11200.
    :param method: ``GET`` or ``POST``.
    :param params: extra parameters of the first request (e.g. ``DialStatus``).
    :param fallback: ``(url, method)`` requested, with the same parameters, when the first
        document fails (unreachable, non-2xx, bad Content-Type, TwiML that does not parse); each
        failure writes its own Notification. Later documents have no fallback.
    """
    call = _Call(ctx, documents=0)
    first = dict(params or {})
    loaded = await call.load(_Request(url, method, first))
    if isinstance(loaded, Outcome) and loaded.hung_up_by == "error" and fallback is not None:
        loaded = await call.load(_Request(fallback[0], fallback[1], dict(first)))
    if isinstance(loaded, Outcome):
        return loaded
    return await call.run(*loaded)
