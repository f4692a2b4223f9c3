"""The answer-handling policy as a sans-IO exchange that both transports drive.

A *flow* is a generator. It yields steps and receives what happened:

- :class:`Send`: send this request once; the driver answers with an :class:`Answer` (any
  HTTP status, the body read within the transport's cap) or a :class:`Failure` (no complete
  answer, classified as :data:`~.retry.CONNECT_FAILURE` or :data:`~.retry.LOST_ANSWER`).
- :class:`Sleep`: log ``message`` as a warning and wait ``seconds``; the driver sends ``None``.
- :class:`Note`: log ``message`` at info level; the driver sends ``None``.

A flow returns its result (``StopIteration.value``) or raises a typed
:class:`~.errors.Twilio2008Error`. The requests hook and the httpx triggers each drive the
same flows in a dozen lines, the way httpx drives one ``auth_flow`` from its sync and async
clients, so the rules below exist once:

- a 2xx is the answer; a 3xx is raised, never followed;
- a DELETE answered 404 after an earlier attempt's answer was lost counts as done;
- failures and statuses are retried per :class:`~.retry.RetryPolicy`, honouring ``Retry-After``;
- a POST whose answer was lost raises :class:`~.errors.Twilio2008OutcomeUnknownError`, not
  :class:`~.errors.Twilio2008TransportError`: it may have taken effect and is never re-sent;
- a 2xx body that cannot be read is fetched again for a GET, and for a POST is reported as
  "may have taken effect";
- a failure is worded by :func:`failure`, not by the HTTP library, so both transports raise
  the same message for the same event;
- a create (POST), and any retry after trouble, goes out on a fresh connection, never on a
  pooled one that may be closing (:func:`needs_fresh_connection`); after an answer that may
  close its connection the driver drops its pool (:func:`keeps_connection`);
- one attempt ends within :data:`DEADLINE_FACTOR` × the timeout (:class:`Deadline`), however
  slowly the server drips its answer; a deadline passed after a POST was sent is an unknown
  outcome, after a GET a retry;
- a body is read within a cap counted on the *decoded* bytes, decompressed piece by piece
  (:class:`BodyDecoder`), so neither a huge body nor a gzip bomb fills the memory; a body so
  refused comes back as :attr:`Answer.refused` and is reported with the request's context.

Every text a flow raises may still quote the server; the drivers pass their errors through
:class:`~.errors.SecretRedactor` so that the Auth Token never appears in one.
"""

from __future__ import annotations

import os
import socket
import ssl
import time
import zlib
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar

from . import xml
from .errors import (
    Twilio2008ApiError,
    Twilio2008OutcomeUnknownError,
    Twilio2008ResponseError,
    Twilio2008TransportError,
)
from .operations import ApiRequest
from .records import Page
from .retry import CONNECT_FAILURE, IDEMPOTENT_METHODS, LOST_ANSWER, RetryPolicy, parse_retry_after

__all__ = [
    "Log",
    "ACCEPT_ENCODING",
    "DEADLINE_FACTOR",
    "MAX_MEDIA_BYTES",
    "MIN_DOWNLOAD_RATE",
    "Answer",
    "BodyBuffer",
    "BodyDecoder",
    "BodyRefused",
    "Deadline",
    "Failure",
    "Flow",
    "Note",
    "Send",
    "Sleep",
    "exchange",
    "failure",
    "keeps_connection",
    "needs_fresh_connection",
    "no_content_flow",
    "page_flow",
    "read_flow",
    "record_flow",
    "text_flow",
]


class Log(Protocol):
    """Where a transport logs retries and summaries: a ``logging.Logger`` or Airflow's ``self.log``."""

    def debug(self, msg: Any, /, *args: Any) -> Any:
        """Log a debug line."""

    def info(self, msg: Any, /, *args: Any) -> Any:
        """Log an info line."""

    def warning(self, msg: Any, /, *args: Any) -> Any:
        """Log a warning."""


T = TypeVar("T")

#: The ``Accept-Encoding`` both transports send: only what :class:`BodyDecoder` can undo.
ACCEPT_ENCODING = "gzip, deflate"
#: One attempt (connect, send, wait for and read the whole answer) ends within this many
#: timeouts. The timeout alone bounds each socket read, so a server dripping a byte a second
#: could otherwise hold a request for ever; three timeouts leave a slow but honest server a
#: full timeout to connect, one to answer and one to send the body.
DEADLINE_FACTOR = 3.0
#: Beyond its :data:`DEADLINE_FACTOR` timeouts a recording download lives on only while it
#: averages this many bytes per second (half the real-time rate of 8 kHz 16-bit WAV): a long
#: recording on a slow link finishes, a drip does not.
MIN_DOWNLOAD_RATE = 8_000
#: Largest recording download accepted, in decoded bytes. The longest recording is 3,600 s
#: (``<Record maxLength>``, reference §4.3). Twilio and the emulator serve it as WAV (8 kHz,
#: 16-bit, mono: 16,000 bytes a second, so 57,600,044 bytes with the 44-byte header) or MP3
#: (32 kbit/s: 14,400,000 bytes). 64 MiB (67,108,864 bytes) leaves 16 % above the WAV.
MAX_MEDIA_BYTES = 64 * 1024 * 1024


def needs_fresh_connection(method: str, after_trouble: bool) -> bool:
    """Tell whether a request must go out on a new connection rather than a pooled keep-alive one.

    A pooled connection may be closing at the very moment it is reused (the server's idle
    timeout ran out, or it closes after an error answer): a request sent on it then gets no
    answer. A GET or DELETE so lost is sent again; a create (POST) would be an unknown outcome,
    so it never takes that chance: every non-idempotent request opens its own connection (one
    more handshake per create), and so does any retry after a failure or an error answer.

    :param method: the HTTP method.
    :param after_trouble: an earlier attempt of this request failed or got an error status.
    """
    return after_trouble or method.upper() not in IDEMPOTENT_METHODS


@dataclass(frozen=True)
class Send:
    """Send ``request`` once and reply with an :class:`Answer` or a :class:`Failure`.

    :param request: what to send.
    :param stream: leave a 2xx body unread (``Answer.handle`` keeps the open response) and ask
        for it uncompressed; used for media downloads.
    :param fresh: send it on a new connection, closed after this answer, never on a pooled one
        (see :func:`needs_fresh_connection`).
    """

    request: ApiRequest
    stream: bool = False
    fresh: bool = False


@dataclass(frozen=True)
class Sleep:
    """Log ``message`` as a warning, then wait ``seconds`` before the next step.

    :param seconds: how long to wait.
    :param message: why, for the log (never holds a secret).
    """

    seconds: float
    message: str


@dataclass(frozen=True)
class Note:
    """Log ``message`` at info level.

    :param message: what to log.
    """

    message: str


@dataclass(frozen=True)
class Answer:
    """An HTTP answer as the flow sees it.

    :param status: the HTTP status code.
    :param headers: the response headers, names in lower case.
    :param body: the body (``b""`` for a streamed 2xx, whose body is left unread).
    :param reason: the HTTP reason phrase.
    :param handle: the driver's open response of a streamed 2xx, for the caller to read and close.
    :param refused: why the driver stopped reading the body (too large, unknown encoding), if it did.
    """

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    reason: str = ""
    handle: Any = field(default=None, repr=False, compare=False)
    refused: BodyRefused | None = field(default=None, compare=False)

    @property
    def content_type(self) -> str:
        """Return the ``Content-Type`` header, or ``""``."""
        return self.headers.get("content-type", "")


def keeps_connection(answer: Answer) -> bool:
    """Tell whether the connection that carried ``answer`` may carry another request.

    After an error status, or ``Connection: close``, the server may close that connection at
    any moment; the driver then drops its pooled connections rather than reuse it.

    :param answer: the answer just read.
    """
    return answer.status < 400 and "close" not in answer.headers.get("connection", "").lower()


@dataclass(frozen=True)
class Failure:
    """No complete answer came back.

    :param kind: :data:`~.retry.CONNECT_FAILURE` (the server cannot have seen the request) or
        :data:`~.retry.LOST_ANSWER` (it may have).
    :param detail: the transport's exception name and message, for the error text.
    """

    kind: str
    detail: str


#: What happened to a request that got no complete answer. Each transport maps its library's
#: exceptions onto one of these and builds the :class:`Failure` with :func:`failure`, so both
#: transports word the same failure the same way (``requests`` and ``httpx`` do not).
CANNOT_CONNECT = "cannot-connect"
CONNECT_TIMEOUT = "connect-timeout"
NO_ANSWER_IN_TIME = "no-answer-in-time"
CLOSED_UNANSWERED = "closed-unanswered"
BODY_STALLED = "body-stalled"
BODY_CUT_SHORT = "body-cut-short"
DEADLINE_BEFORE_SENT = "deadline-before-sent"
DEADLINE_PASSED = "deadline-passed"

_FAILURES: dict[str, tuple[str, str]] = {
    CANNOT_CONNECT: (CONNECT_FAILURE, "connection failed: {reason}"),
    CONNECT_TIMEOUT: (CONNECT_FAILURE, "connect timeout: no connection within {timeout:g} s"),
    NO_ANSWER_IN_TIME: (LOST_ANSWER, "read timeout: no answer within {timeout:g} s"),
    CLOSED_UNANSWERED: (LOST_ANSWER, "connection lost: the server closed the connection without answering"),
    BODY_STALLED: (LOST_ANSWER, "read timeout: the answer stalled for {timeout:g} s"),
    BODY_CUT_SHORT: (
        LOST_ANSWER,
        "answer cut short: the connection closed before the whole body came back",
    ),
    DEADLINE_BEFORE_SENT: (
        CONNECT_FAILURE,
        "deadline passed: the request could not be sent within {deadline:g} s ({factor:g} × the timeout)",
    ),
    DEADLINE_PASSED: (
        LOST_ANSWER,
        "deadline passed: no complete answer within {deadline:g} s ({factor:g} × the timeout)",
    ),
}


def failure(event: str, exc: BaseException | None, *, timeout: float) -> Failure:
    """Return the :class:`Failure` for ``event``, worded alike whichever HTTP library raised ``exc``.

    :param event: :data:`CANNOT_CONNECT`, :data:`CONNECT_TIMEOUT`, :data:`NO_ANSWER_IN_TIME`,
        :data:`CLOSED_UNANSWERED`, :data:`BODY_STALLED`, :data:`BODY_CUT_SHORT`,
        :data:`DEADLINE_BEFORE_SENT` or :data:`DEADLINE_PASSED`.
    :param exc: the library's exception; only the operating system's or TLS reason found among
        its causes is quoted (``Connection refused``), never the library's own text.
    :param timeout: the configured timeout, in seconds.
    """
    kind, text = _FAILURES[event]
    reason = _os_reason(exc) if exc is not None else ""
    deadline = DEADLINE_FACTOR * timeout
    return Failure(
        kind, text.format(reason=reason, timeout=timeout, deadline=deadline, factor=DEADLINE_FACTOR)
    )


def deadline_failure(timeout: float, *, sent: bool) -> Failure:
    """Return the :class:`Failure` of an attempt stopped by its :class:`Deadline`.

    :param timeout: the configured timeout, in seconds.
    :param sent: the whole request had been sent (the server may have acted on it); if not, it
        cannot have been, and even a create may be tried again.
    """
    return failure(DEADLINE_PASSED if sent else DEADLINE_BEFORE_SENT, None, timeout=timeout)


class Deadline:
    """The wall-clock bound of one attempt: :data:`DEADLINE_FACTOR` × the timeout from its start.

    The drivers enforce it (the ``requests`` one shuts the socket down, the ``httpx`` one
    cancels); :meth:`credit` extends it while a download keeps :data:`MIN_DOWNLOAD_RATE`.

    :param timeout: the configured timeout, in seconds.
    :param clock: a monotonic clock.
    """

    def __init__(self, timeout: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.timeout = timeout
        self.seconds = DEADLINE_FACTOR * timeout
        self._clock = clock
        self.ends = clock() + self.seconds

    def remaining(self) -> float:
        """Return the seconds left (negative once passed)."""
        return self.ends - self._clock()

    def passed(self) -> bool:
        """Tell whether the deadline has passed."""
        return self.remaining() <= 0

    def credit(self, size: int) -> None:
        """Extend the deadline for ``size`` bytes of media received (1 s per :data:`MIN_DOWNLOAD_RATE`).

        :param size: bytes just received.
        """
        self.ends += size / MIN_DOWNLOAD_RATE


def causes(exc: BaseException) -> Iterator[BaseException]:
    """Yield ``exc`` and every exception behind it (cause, context, ``reason``, group members).

    Both transports classify a library's failure by what stands behind it (urllib3 keeps the
    socket error as ``reason``, httpx as the cause), so they walk it with this one function.

    :param exc: the exception a library raised.
    """
    seen: set[int] = set()
    stack = [exc]
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        yield current
        reason = getattr(current, "reason", None)
        behind = [current.__cause__, current.__context__, reason, *getattr(current, "exceptions", ())]
        stack.extend(item for item in reversed(behind) if isinstance(item, BaseException))


#: What a TLS handshake answered in plain HTTP means, and what to write instead.
PLAIN_HTTP_HINT = (
    " (the server answers plain HTTP, not TLS: for the emulator or another server on this machine, "
    "write the host with http://, e.g. http://127.0.0.1:8008)"
)


def _os_reason(exc: BaseException) -> str:
    """Return the TLS or operating-system reason behind ``exc`` (both libraries keep it as a cause)."""
    for cause in causes(exc):
        if isinstance(cause, ssl.SSLError):
            what = getattr(cause, "reason", None) or cause.strerror or "in the handshake"
            verify = getattr(cause, "verify_message", None)
            hint = PLAIN_HTTP_HINT if what == "WRONG_VERSION_NUMBER" else ""
            return f"TLS error {what}" + (f" ({verify})" if verify else "") + hint
        if isinstance(cause, socket.gaierror) and cause.strerror:
            return cause.strerror
        if isinstance(cause, OSError) and isinstance(cause.errno, int) and cause.errno > 0:
            return os.strerror(cause.errno)
    return "the server could not be reached"


Step = Send | Sleep | Note
#: A flow: yields steps, receives answers or failures, returns ``T``.
Flow = Generator[Step, "Answer | Failure | None", T]


def _sleep(
    policy: RetryPolicy, request: ApiRequest, attempt: int, retry_after: float | None, why: str
) -> Sleep:
    delay = policy.delay(attempt, retry_after)
    message = (
        f"{request.method} {request.path}: {why}; retry {attempt + 1} of {policy.retries} in {delay:.1f} s"
    )
    return Sleep(delay, message)


def exchange(request: ApiRequest, policy: RetryPolicy, *, stream: bool = False) -> Flow[Answer]:
    """Send ``request`` until it gets a 2xx answer, retrying what is safe to retry.

    :param request: what to send.
    :param policy: the retry rules.
    :param stream: leave the 2xx body unread (see :class:`Send`).
    :return: the 2xx answer (or the 404 of a DELETE whose earlier answer was lost).
    :raises Twilio2008ApiError: a 3xx, or an error status that is not (or no longer) retried.
    :raises Twilio2008OutcomeUnknownError: a POST whose answer was lost.
    :raises Twilio2008TransportError: no answer, and no more retries.
    """
    attempt = 0
    answer_lost = False
    trouble = False
    while True:
        reply = yield Send(request, stream, needs_fresh_connection(request.method, trouble))
        trouble = True
        if isinstance(reply, Failure):
            if policy.retry_on_failure(request.method, attempt, reply.kind):
                answer_lost = answer_lost or reply.kind == LOST_ANSWER
                yield _sleep(policy, request, attempt, None, reply.detail.split(":", 1)[0])
                attempt += 1
                continue
            if reply.kind == LOST_ANSWER and request.method == "POST":
                raise Twilio2008OutcomeUnknownError(
                    f"{reply.detail.split(':', 1)[0]}: the request was sent but no answer came back, so it "
                    "was not re-sent; check whether it took effect before trying again",
                    method=request.method,
                    path=request.path,
                )
            raise Twilio2008TransportError(reply.detail, method=request.method, path=request.path)
        assert isinstance(reply, Answer), f"a flow expects an Answer or a Failure, got {reply!r}"
        if reply.status < 300 and reply.refused is None:
            return reply
        if reply.status < 300:
            assert reply.refused is not None
            if reply.refused.malformed and request.method == "GET" and attempt < policy.retries:
                yield _sleep(policy, request, attempt, None, "malformed body")
                attempt += 1
                continue
            raise unreadable(request, reply, reply.refused.reason, malformed=reply.refused.malformed)
        if reply.status < 400:
            location = reply.headers.get("location", "")
            raise Twilio2008ApiError(
                reply.status,
                f"unexpected redirect to {location or 'nowhere'}; redirects are not followed",
                method=request.method,
                path=request.path,
            )
        if reply.status == 404 and request.method == "DELETE" and answer_lost:
            yield Note(
                f"{request.method} {request.path}: gone after a lost answer; the first attempt deleted it"
            )
            return reply
        retry_after = parse_retry_after(reply.headers.get("retry-after"))
        if policy.retry_on_status(request.method, attempt, reply.status, retry_after):
            yield _sleep(policy, request, attempt, retry_after, f"HTTP {reply.status}")
            attempt += 1
            continue
        raise xml.api_error_from_body(
            reply.status,
            reply.body,
            method=request.method,
            path=request.path,
            reason=reply.reason,
            retry_after=retry_after,
        )


def read_flow(request: ApiRequest, policy: RetryPolicy, parse: Callable[[bytes], T]) -> Flow[T]:
    """Exchange ``request`` and parse its answer; a GET whose body arrived unreadable is fetched again.

    An unreadable answer is reported with its status and Content-Type (an HTML page from a
    proxy reads as such), and for a POST with the warning that it was accepted, so may have
    taken effect, and was not re-sent.

    :param request: what to send.
    :param policy: the retry rules.
    :param parse: turns the body into the result; raises ``Twilio2008ResponseError``.
    """
    attempt = 0
    while True:
        answer = yield from exchange(request, policy)
        try:
            return parse(answer.body)
        except Twilio2008ResponseError as exc:
            if exc.malformed and request.method == "GET" and attempt < policy.retries:
                yield _sleep(policy, request, attempt, None, "malformed body")
                attempt += 1
                continue
            raise unreadable(request, answer, exc.detail, malformed=exc.malformed) from None


def unreadable(
    request: ApiRequest, answer: Answer, detail: str, *, malformed: bool
) -> Twilio2008ResponseError:
    """Return the error for a 2xx answer whose body could not be read or parsed.

    It names the status and Content-Type (an HTML page from a proxy reads as such), and for a
    POST warns that the request was accepted, so may have taken effect, and was not re-sent.

    :param request: the request answered.
    :param answer: the answer.
    :param detail: what was wrong with the body.
    :param malformed: the body was cut short or not XML at all.
    """
    detail = f"{detail} [HTTP {answer.status}, {answer.content_type or 'no Content-Type'}]"
    if request.method == "POST":
        detail += (
            "; the request was accepted, so it may have taken effect; it was not re-sent: "
            "check whether it took effect before trying again"
        )
    return Twilio2008ResponseError(detail, method=request.method, path=request.path, malformed=malformed)


def record_flow(request: ApiRequest, policy: RetryPolicy) -> Flow[Any]:
    """Exchange ``request`` and return the record its answer holds.

    :param request: a request whose ``record`` is set and ``many`` is false.
    :param policy: the retry rules.
    """
    record = request.record
    assert record is not None, "a record request names its record type"
    return read_flow(
        request,
        policy,
        lambda body: xml.parse_record(body, record, method=request.method, path=request.path),
    )


def page_flow(request: ApiRequest, policy: RetryPolicy) -> Flow[Page[Any]]:
    """Exchange a list request and return one page.

    :param request: a list request.
    :param policy: the retry rules.
    """
    record = request.record
    assert record is not None, "a list request names its record type"
    return read_flow(
        request,
        policy,
        lambda body: xml.parse_page(body, record, method=request.method, path=request.path),
    )


def no_content_flow(request: ApiRequest, policy: RetryPolicy) -> Flow[None]:
    """Exchange a request whose answer has no document (DELETE: 204 or 200).

    :param request: what to send.
    :param policy: the retry rules.
    """
    yield from exchange(request, policy)


def text_flow(request: ApiRequest, policy: RetryPolicy) -> Flow[str]:
    """Exchange ``request`` and return its body as text, decoded by its charset (UTF-8 when none).

    :param request: what to send.
    :param policy: the retry rules.
    """
    answer = yield from exchange(request, policy)
    charset = "utf-8"
    for part in answer.content_type.split(";")[1:]:
        name, _, value = part.strip().partition("=")
        if name.lower() == "charset" and value.strip():
            charset = value.strip().strip('"')
    try:
        return answer.body.decode(charset, errors="replace")
    except LookupError:
        return answer.body.decode("utf-8", errors="replace")


class BodyRefused(Exception):
    """The driver stopped reading a body: larger than its cap, or in an encoding it cannot undo.

    :param reason: why, in words (names the limit or the encoding).
    :param malformed: the body was damaged (a compressed stream cut short or corrupt) rather
        than refused on principle; a GET is then fetched again.
    """

    def __init__(self, reason: str, *, malformed: bool = False) -> None:
        self.reason = reason
        self.malformed = malformed
        super().__init__(reason)


class BodyDecoder:
    """Undo a body's ``Content-Encoding`` piece by piece, refusing more than ``limit`` decoded bytes.

    Decompression is bounded: each call to zlib yields at most :attr:`PIECE` bytes, so a gzip
    bomb (1 GB of zeros in 1 MB) is stopped at the cap having held no more than one piece. Only
    ``gzip`` and ``deflate`` (what :data:`ACCEPT_ENCODING` asks for) and ``identity`` are read;
    anything else is refused rather than handed on still encoded.

    :param content_encoding: the ``Content-Encoding`` header (``""`` when none).
    :param limit: the most decoded bytes accepted.
    :param what: how the body is named in messages (``response body``, ``recording``).
    """

    PIECE = 64 * 1024

    def __init__(self, content_encoding: str, limit: int, what: str = "response body") -> None:
        self.limit = limit
        self.what = what
        self.size = 0
        self.raw_size = 0
        codings = [part.strip().lower() for part in content_encoding.split(",")]
        codings = [coding for coding in codings if coding not in ("", "identity")]
        self.encoding = codings[0] if codings else ""
        if len(codings) > 1:
            raise BodyRefused(f"{what} is encoded {content_encoding!r}: stacked encodings are not read")
        if self.encoding not in ("", "gzip", "x-gzip", "deflate"):
            raise BodyRefused(
                f"{what} is encoded {self.encoding!r}, which was not asked for ({ACCEPT_ENCODING} only)"
            )
        self._inflater: Any = self._new_inflater() if self.encoding else None
        self._first: bytes | None = b"" if self.encoding == "deflate" else None

    def _new_inflater(self, raw_deflate: bool = False) -> Any:
        if self.encoding == "deflate":
            return zlib.decompressobj(-zlib.MAX_WBITS if raw_deflate else zlib.MAX_WBITS)
        return zlib.decompressobj(16 + zlib.MAX_WBITS)

    def _count(self, piece: bytes) -> bytes:
        self.size += len(piece)
        if self.size > self.limit:
            once = f" once decompressed ({self.encoding})" if self.encoding else ""
            raise BodyRefused(f"{self.what} exceeds the {self.limit}-byte limit{once}; refused")
        return piece

    def feed(self, data: bytes) -> Iterator[bytes]:
        """Yield the decoded pieces of the next raw chunk.

        :param data: bytes as read from the wire (after any chunked transfer coding).
        :raises BodyRefused: the decoded body grew past the limit, or cannot be decoded.
        """
        self.raw_size += len(data)
        if self._inflater is None:
            if data:
                yield self._count(data)
            return
        if self._first is not None:
            # "deflate" means zlib-wrapped, but some servers send it raw: the first two bytes tell.
            self._first += data
            if len(self._first) < 2:
                return
            data, self._first = self._first, None
            if data[0] & 0x0F != 8 or (data[0] << 8 | data[1]) % 31:
                self._inflater = self._new_inflater(raw_deflate=True)
        yield from self._inflate(data)

    def _inflate(self, data: bytes) -> Iterator[bytes]:
        pending = data
        while True:
            if self._inflater.eof:
                leftover = self._inflater.unused_data + pending
                if not leftover.strip(b"\0") or self.encoding == "deflate":
                    return
                self._inflater = self._new_inflater()  # another gzip member follows
                pending = leftover
            try:
                piece = self._inflater.decompress(pending, self.PIECE)
            except zlib.error as exc:
                raise BodyRefused(
                    f"{self.what} is not valid {self.encoding} data ({exc})", malformed=True
                ) from None
            pending = self._inflater.unconsumed_tail
            if piece:
                yield self._count(piece)
            if not pending and len(piece) < self.PIECE and not self._inflater.eof:
                return

    def finish(self) -> Iterator[bytes]:
        """Yield whatever the decoder still holds once the whole raw body was fed.

        :raises BodyRefused: the compressed stream ended before its end marker.
        """
        if self._first is not None:
            data, self._first = self._first, None
            yield from self._inflate(data)
        if self._inflater is None:
            return
        if not self._inflater.eof:
            if self.raw_size == 0:
                return
            raise BodyRefused(f"{self.what} ({self.encoding}) is cut short", malformed=True)


class BodyBuffer:
    """Collect a response body chunk by chunk, decoded, refusing more than ``limit`` bytes.

    Reading in chunks bounds memory: a huge or endless body is cut off at the cap instead of
    being downloaded before the size check, and a ``Content-Length`` over the cap is refused
    before a byte is read. Both transports feed it raw bytes.

    :param headers: the answer's headers, names in lower case (``content-encoding``, ``content-length``).
    :param limit: the most decoded bytes accepted.
    :raises BodyRefused: at once, for an announced length over the cap or an unknown encoding.
    """

    def __init__(self, headers: Mapping[str, str], limit: int = xml.MAX_BODY_BYTES) -> None:
        self.limit = limit
        self.decoder = BodyDecoder(headers.get("content-encoding", ""), limit)
        announced = headers.get("content-length", "").strip()
        if not self.decoder.encoding and announced.isdigit() and int(announced) > limit:
            raise BodyRefused(f"response body of {announced} bytes exceeds the {limit}-byte limit; refused")
        self._chunks: list[bytes] = []

    @property
    def size(self) -> int:
        """Return the decoded bytes collected so far."""
        return self.decoder.size

    def add(self, chunk: bytes) -> None:
        """Add the next raw chunk.

        :param chunk: bytes read from the body.
        :raises BodyRefused: the body has grown past the limit, or cannot be decoded.
        """
        self._chunks.extend(self.decoder.feed(chunk))

    def value(self) -> bytes:
        """Return the whole decoded body, once every chunk was added.

        :raises BodyRefused: a compressed body ended early.
        """
        self._chunks.extend(self.decoder.finish())
        return b"".join(self._chunks)
