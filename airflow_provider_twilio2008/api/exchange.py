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
  the same message for the same event.
"""

from __future__ import annotations

import os
import socket
import ssl
from collections.abc import Callable, Generator, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeVar

from . import xml
from .errors import (
    Twilio2008ApiError,
    Twilio2008OutcomeUnknownError,
    Twilio2008ResponseError,
    Twilio2008TransportError,
)
from .operations import ApiRequest
from .records import Page
from .retry import CONNECT_FAILURE, LOST_ANSWER, RetryPolicy, parse_retry_after

__all__ = [
    "Answer",
    "BodyBuffer",
    "Failure",
    "Flow",
    "Note",
    "Send",
    "Sleep",
    "exchange",
    "failure",
    "no_content_flow",
    "page_flow",
    "read_flow",
    "record_flow",
    "text_flow",
]

T = TypeVar("T")


@dataclass(frozen=True)
class Send:
    """Send ``request`` once and reply with an :class:`Answer` or a :class:`Failure`.

    :param request: what to send.
    :param stream: leave a 2xx body unread (``Answer.handle`` keeps the open response) and ask
        for it uncompressed; used for media downloads.
    """

    request: ApiRequest
    stream: bool = False


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
    """

    status: int
    headers: Mapping[str, str] = field(default_factory=dict)
    body: bytes = b""
    reason: str = ""
    handle: Any = field(default=None, repr=False, compare=False)

    @property
    def content_type(self) -> str:
        """Return the ``Content-Type`` header, or ``""``."""
        return self.headers.get("content-type", "")


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
}


def failure(event: str, exc: BaseException, *, timeout: float) -> Failure:
    """Return the :class:`Failure` for ``event``, worded alike whichever HTTP library raised ``exc``.

    :param event: :data:`CANNOT_CONNECT`, :data:`CONNECT_TIMEOUT`, :data:`NO_ANSWER_IN_TIME`,
        :data:`CLOSED_UNANSWERED`, :data:`BODY_STALLED` or :data:`BODY_CUT_SHORT`.
    :param exc: the library's exception; only the operating system's or TLS reason found among
        its causes is quoted (``Connection refused``), never the library's own text.
    :param timeout: the configured timeout, in seconds.
    """
    kind, text = _FAILURES[event]
    return Failure(kind, text.format(reason=_os_reason(exc), timeout=timeout))


def _causes(exc: BaseException) -> Iterator[BaseException]:
    """Yield ``exc`` and every exception behind it (cause, context, ``reason``, group members)."""
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


def _os_reason(exc: BaseException) -> str:
    """Return the TLS or operating-system reason behind ``exc`` (both libraries keep it as a cause)."""
    for cause in _causes(exc):
        if isinstance(cause, ssl.SSLError):
            what = getattr(cause, "reason", None) or cause.strerror or "in the handshake"
            verify = getattr(cause, "verify_message", None)
            return f"TLS error {what}" + (f" ({verify})" if verify else "")
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
    while True:
        reply = yield Send(request, stream)
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
        if reply.status < 300:
            return reply
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
            detail = f"{exc.detail} [HTTP {answer.status}, {answer.content_type or 'no Content-Type'}]"
            if request.method == "POST":
                detail += (
                    "; the request was accepted, so it may have taken effect; it was not re-sent: "
                    "check whether it took effect before trying again"
                )
            raise Twilio2008ResponseError(
                detail, method=exc.method, path=exc.path, malformed=exc.malformed
            ) from None


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


class BodyBuffer:
    """Collect a response body chunk by chunk, refusing more than ``limit`` bytes.

    Reading in chunks bounds memory: a huge or endless body is cut off at the cap instead of
    being downloaded before the size check. Both transports feed it.

    :param request: the request the body answers (named in the error).
    :param limit: the most bytes accepted.
    """

    def __init__(self, request: ApiRequest, limit: int = xml.MAX_BODY_BYTES) -> None:
        self.request = request
        self.limit = limit
        self.size = 0
        self._chunks: list[bytes] = []

    def add(self, chunk: bytes) -> None:
        """Add the next chunk.

        :param chunk: bytes read from the body.
        :raises Twilio2008ResponseError: the body has grown past the limit.
        """
        self.size += len(chunk)
        if self.size > self.limit:
            raise Twilio2008ResponseError(
                f"response body exceeds the {self.limit}-byte limit; refused",
                method=self.request.method,
                path=self.request.path,
            )
        self._chunks.append(chunk)

    def value(self) -> bytes:
        """Return the body read so far."""
        return b"".join(self._chunks)
