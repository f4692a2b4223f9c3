"""Send :class:`~airflow_provider_twilio2008.api.operations.ApiRequest` descriptions with ``requests``.

One keep-alive session with Basic auth, a timeout on every request, TLS verification on, and
bodies read within a cap. Every rule about answers (retries, ``Retry-After``, lost answers,
redirects, unreadable bodies, fresh connections, deadlines, body caps) lives in
:mod:`airflow_provider_twilio2008.api.exchange`; this module only drives those flows and
streams downloads. No Airflow imports: the hook wraps it.

``requests`` bounds each socket read by the timeout but not a whole request, so a server
dripping a byte a second could hold one for ever. Each attempt is therefore watched: the
session's connections (see :class:`_WatchedConnection`) tell the attempt's :class:`_Watch`
which socket they use and when the request is fully sent, and one watchdog thread shuts that
socket down when the attempt's :class:`~airflow_provider_twilio2008.api.exchange.Deadline`
passes; the blocked read then fails at once and is reported as the deadline.
"""

from __future__ import annotations

import heapq
import itertools
import os
import socket
import tempfile
import threading
import time
import traceback
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, TypeVar

import requests
from requests.adapters import HTTPAdapter
from requests.structures import CaseInsensitiveDict
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool
from urllib3.exceptions import HTTPError as Urllib3Error
from urllib3.exceptions import NewConnectionError, ReadTimeoutError
from urllib3.poolmanager import PoolManager

from ..api import exchange, media
from ..api.clock import ServerClock
from ..api.config import ClientConfig
from ..api.errors import (
    SecretRedactor,
    Twilio2008ResponseError,
    Twilio2008TransportError,
    redact_library_logs,
)
from ..api.exchange import (
    ACCEPT_ENCODING,
    BODY_CUT_SHORT,
    BODY_STALLED,
    CANNOT_CONNECT,
    CLOSED_UNANSWERED,
    CONNECT_TIMEOUT,
    MAX_MEDIA_BYTES,
    NO_ANSWER_IN_TIME,
    Answer,
    BodyBuffer,
    BodyDecoder,
    BodyRefused,
    Deadline,
    Failure,
    Flow,
    Log,
    Note,
    Send,
    Sleep,
    deadline_failure,
    failure,
    keeps_connection,
)
from ..api.operations import ApiRequest, Pager
from ..api.records import Page, Record
from ..api.retry import CONNECT_FAILURE, LOST_ANSWER, RetryPolicy

R = TypeVar("R", bound=Record)
T = TypeVar("T")
USER_AGENT = "airflow-provider-twilio2008"
_CHUNK = 64 * 1024
#: The loggers ``requests`` and urllib3 write to; their records may quote what a server sent.
LIBRARY_LOGGERS = (
    "requests",
    "urllib3",
    "urllib3.connection",
    "urllib3.connectionpool",
    "urllib3.poolmanager",
    "urllib3.response",
    "urllib3.util.retry",
)


# --- deadlines ---------------------------------------------------------------------------------


class _Watch:
    """One attempt's deadline, enforced by shutting down the socket its connection uses.

    :param deadline: when the attempt must be over.
    """

    def __init__(self, deadline: Deadline) -> None:
        self.deadline = deadline
        self.connection: HTTPConnection | None = None
        self.sent = False
        self.fired = False
        self.done = False
        self._lock = threading.Lock()

    def expire(self) -> bool:
        """Shut the socket down if the deadline has passed; return ``False`` if it was extended."""
        with self._lock:
            if self.done:
                return True
            if not self.deadline.passed():
                return False
            self.fired = True
            connection = self.connection
        # Only while the connection still serves this attempt (not after it went back to the pool).
        if connection is not None and getattr(connection, "_twilio2008_watch", None) is self:
            sock = connection.sock
            if sock is not None:
                try:
                    sock.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
        return True

    def finish(self) -> None:
        """Stop watching: the attempt is over."""
        with self._lock:
            self.done = True
            self.connection = None


class _Watchdog:
    """One daemon thread that expires the watches whose deadline has come, earliest first."""

    def __init__(self) -> None:
        self._reset()
        os.register_at_fork(after_in_child=self._reset)

    def _reset(self) -> None:
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Watch]] = []
        self._order = itertools.count()
        self._thread: threading.Thread | None = None

    def add(self, watch: _Watch) -> None:
        """Watch ``watch`` until it is finished or expires.

        :param watch: the attempt's watch.
        """
        with self._cond:
            if len(self._heap) > 1024:  # finished watches wait for their deadline: sweep them out
                self._heap = [entry for entry in self._heap if not entry[2].done]
                heapq.heapify(self._heap)
            heapq.heappush(self._heap, (watch.deadline.ends, next(self._order), watch))
            if self._thread is None or not self._thread.is_alive():
                self._thread = threading.Thread(target=self._run, name="twilio2008-deadlines", daemon=True)
                self._thread.start()
            if self._heap[0][2] is watch:  # the earliest deadline now: wake the thread to wait less
                self._cond.notify()

    def _run(self) -> None:
        while True:
            with self._cond:
                while self._heap and self._heap[0][2].done:
                    heapq.heappop(self._heap)
                if not self._heap:
                    self._cond.wait()
                    continue
                ends, _, watch = self._heap[0]
                wait = ends - time.monotonic()
                if wait > 0:
                    self._cond.wait(wait)
                    continue
                heapq.heappop(self._heap)
            if not watch.expire():
                with self._cond:
                    heapq.heappush(self._heap, (watch.deadline.ends, next(self._order), watch))


_WATCHDOG = _Watchdog()
_current = threading.local()


def _start_watch(timeout: float) -> _Watch:
    """Start watching the requests this thread sends next with one attempt's deadline.

    :param timeout: the configured timeout (the deadline is a multiple of it).
    """
    watch = _Watch(Deadline(timeout))
    _current.watch = watch
    _WATCHDOG.add(watch)
    return watch


class _WatchedConnection(HTTPConnection):
    """An urllib3 connection that reports its socket and the end of sending to the current watch."""

    def _attach(self) -> _Watch | None:
        watch: _Watch | None = getattr(_current, "watch", None)
        if watch is not None:
            self._twilio2008_watch = watch
            watch.connection = self
        return watch

    def connect(self) -> None:
        """Open the connection under the current watch."""
        self._attach()
        super().connect()

    def request(self, *args: Any, **kwargs: Any) -> None:
        """Send the request under the current watch, then mark it fully sent."""
        watch = self._attach()
        super().request(*args, **kwargs)
        if watch is not None:
            watch.sent = True


class _WatchedHTTPSConnection(_WatchedConnection, HTTPSConnection):
    """The TLS twin of :class:`_WatchedConnection`."""


class _WatchedPool(HTTPConnectionPool):
    ConnectionCls = _WatchedConnection


class _WatchedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _WatchedHTTPSConnection


_POOLS: dict[str, type[HTTPConnectionPool]] = {"http": _WatchedPool, "https": _WatchedHTTPSPool}


class _WatchedAdapter(HTTPAdapter):
    """The ``requests`` adapter whose pools (direct or through an HTTP proxy) use watched connections.

    A SOCKS proxy keeps its own connection classes: through one, only the per-read timeout applies.
    """

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        """Create the pool manager, then give it the watched pool classes."""
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = _POOLS

    def proxy_manager_for(self, proxy: str, **proxy_kwargs: Any) -> Any:
        """Return the proxy manager for ``proxy``, with watched pools unless it is a SOCKS proxy."""
        manager = super().proxy_manager_for(proxy, **proxy_kwargs)
        if isinstance(manager, PoolManager) and not proxy.lower().startswith("socks"):
            manager.pool_classes_by_scheme = _POOLS
        return manager


# --- failures ----------------------------------------------------------------------------------


def _chain(exc: BaseException) -> Iterator[BaseException]:
    """Yield ``exc`` and the exceptions behind it (``reason``, cause, context)."""
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        yield cause
        reason = getattr(cause, "reason", None)
        cause = reason if isinstance(reason, BaseException) else (cause.__cause__ or cause.__context__)


def _in_tls_handshake(cause: BaseException) -> bool:
    """Tell whether ``cause`` was raised inside the TLS handshake, before the request was sent.

    urllib3 reports a handshake that times out as a *read* timeout and a refused certificate as
    an ``SSLError``; httpx reports both as connect errors, which is what they are.
    """
    return any(frame.f_code.co_name == "do_handshake" for frame, _ in traceback.walk_tb(cause.__traceback__))


def _failure_kind(exc: requests.RequestException) -> str:
    """Tell whether the request certainly never reached the server."""
    if isinstance(exc, requests.ConnectTimeout):
        return CONNECT_FAILURE
    for cause in _chain(exc):
        if isinstance(cause, NewConnectionError | ConnectionRefusedError) or _in_tls_handshake(cause):
            return CONNECT_FAILURE
    return LOST_ANSWER


def _unanswered(exc: requests.RequestException, timeout: float) -> Failure:
    """Describe a request that failed before its answer's head arrived (:func:`~..api.exchange.failure`)."""
    if _failure_kind(exc) == CONNECT_FAILURE:
        event = CONNECT_TIMEOUT if isinstance(exc, requests.Timeout) else CANNOT_CONNECT
    elif isinstance(exc, requests.Timeout):
        event = NO_ANSWER_IN_TIME
    elif isinstance(exc, requests.ConnectionError):
        event = CLOSED_UNANSWERED
    else:
        return Failure(LOST_ANSWER, f"{type(exc).__name__}: {str(exc)[:300]}")
    return failure(event, exc, timeout=timeout)


def _cut_short(exc: Exception, timeout: float) -> Failure:
    """Describe an answer whose (raw) body could not be read to its end."""
    if _stalled(exc):
        return failure(BODY_STALLED, exc, timeout=timeout)
    return failure(BODY_CUT_SHORT, exc, timeout=timeout)


@dataclass
class _Stream:
    """A streamed 2xx answer left open for :meth:`Transport.download`: the response and its watch."""

    response: requests.Response
    watch: _Watch
    one_shot: requests.Session | None

    def close(self) -> None:
        """Close the response (and its one-shot session) and stop watching."""
        try:
            self.response.close()
        finally:
            self.watch.finish()
            if self.one_shot is not None:
                self.one_shot.close()


class Transport:
    """Drive the exchange flows over one ``requests`` session.

    :param config: where to send and with which credentials.
    :param log: the logger for retries and request summaries (never given the token).
    :param sleep: how to wait between retries (tests may pass a recorder).
    """

    def __init__(self, config: ClientConfig, log: Log, sleep: Callable[[float], None] = time.sleep) -> None:
        self.config = config
        self.log = log
        self.sleep = sleep
        self.policy = RetryPolicy(retries=config.retries)
        self.redactor = SecretRedactor(config.auth_token, config.account_sid)
        #: The server's clock, from every answer's ``Date`` (see :mod:`..api.clock`).
        self.clock = ServerClock()
        redact_library_logs(self.redactor, LIBRARY_LOGGERS)
        self.session = self._new_session()

    def _new_session(self, like: requests.Session | None = None) -> requests.Session:
        """Return a session with watched connections, set up as ``like`` (or as configured)."""
        session = requests.Session()
        adapter = _WatchedAdapter()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        if like is None:
            session.auth = (self.config.account_sid, self.config.auth_token)
            session.verify = True
            session.trust_env = True
            session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/xml, text/xml"})
        else:  # a one-shot session keeps what a user changed on ``get_conn()``
            session.auth = like.auth
            session.verify = like.verify
            session.cert = like.cert
            session.proxies = dict(like.proxies)
            session.trust_env = like.trust_env
            session.headers = CaseInsensitiveDict(like.headers)
        return session

    def close(self) -> None:
        """Close the session's pooled connections."""
        self.session.close()

    def run(self, flow: Flow[T]) -> T:
        """Drive ``flow`` to its result: send what it asks, sleep when it says, log its notes.

        :param flow: a flow from :mod:`airflow_provider_twilio2008.api.exchange`.
        """
        reply: Answer | Failure | None = None
        with self.redactor.guard():
            try:
                while True:
                    step = flow.send(reply)
                    reply = None
                    if isinstance(step, Send):
                        reply = self._send_once(step)
                    elif isinstance(step, Sleep):
                        self.log.warning("%s", self.redactor.text(step.message))
                        self.sleep(step.seconds)
                    elif isinstance(step, Note):
                        self.log.info("%s", self.redactor.text(step.message))
            except StopIteration as stop:
                return stop.value

    def _send_once(self, step: Send) -> Answer | Failure:
        """Send one request within its deadline; return its answer (body read within the cap) or failure."""
        one_shot = self._new_session(like=self.session) if step.fresh else None
        watch = _start_watch(self.config.timeout)
        reply: Answer | Failure | None = None
        try:
            reply = self._attempt(step, one_shot or self.session, watch)
        finally:
            _current.watch = None
            if not (isinstance(reply, Answer) and isinstance(reply.handle, _Stream)):
                watch.finish()
                if one_shot is not None:
                    one_shot.close()
        if isinstance(reply, Answer) and one_shot is None and not keeps_connection(reply):
            self.session.close()  # the server may close what carried this answer: drop the pool
        return reply

    def _attempt(self, step: Send, session: requests.Session, watch: _Watch) -> Answer | Failure:
        """Send ``step`` on ``session`` and read its answer, reporting a passed deadline as such."""
        request = step.request
        headers = {"Accept-Encoding": "identity" if step.stream else ACCEPT_ENCODING}
        if step.fresh:
            headers["Connection"] = "close"
        started = time.monotonic()
        try:
            response = session.request(
                request.method,
                self.config.base_url + request.path,
                params=list(request.query) or None,
                data=list(request.form) or None,
                timeout=self.config.timeout,
                allow_redirects=False,
                stream=True,
                headers=headers,
            )
        except requests.RequestException as exc:
            self._log_failure(request, exc)
            if watch.fired:
                return deadline_failure(self.config.timeout, sent=watch.sent)
            return _unanswered(exc, self.config.timeout)
        if watch.fired:  # the head was cut at the deadline (http.client takes a cut head as whole)
            response.close()
            return deadline_failure(self.config.timeout, sent=True)
        self.clock.observe(response.headers.get("Date"), time.time())
        lowered = {name.lower(): value for name, value in response.headers.items()}
        reason = response.reason or ""
        if step.stream and response.status_code < 300:
            one_shot = session if session is not self.session else None
            return Answer(
                response.status_code, lowered, b"", reason, handle=_Stream(response, watch, one_shot)
            )
        try:
            body = self._read_capped(response, lowered)
        except BodyRefused as refused:
            return Answer(response.status_code, lowered, b"", reason, refused=refused)
        except (requests.RequestException, Urllib3Error) as exc:
            self._log_failure(request, exc)
            if watch.fired:
                return deadline_failure(self.config.timeout, sent=True)
            return _cut_short(exc, self.config.timeout)
        finally:
            response.close()
        if watch.fired:  # the body ended because the deadline shut the socket down
            return deadline_failure(self.config.timeout, sent=True)
        self.log.debug(
            "%s %s -> %s in %.0f ms",
            request.method,
            request.path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return Answer(response.status_code, lowered, body, reason)

    def _log_failure(self, request: ApiRequest, exc: Exception) -> None:
        """Log the library's own account of a failure at debug level (the error gives the shared one)."""
        text = self.redactor.text(str(exc)[:300])
        self.log.debug("%s %s: %s: %s", request.method, request.path, type(exc).__name__, text)

    def _read_capped(self, response: requests.Response, headers: dict[str, str]) -> bytes:
        """Read the whole body, decoded, refusing more than ``MAX_BODY_BYTES`` (see :class:`BodyBuffer`)."""
        body = BodyBuffer(headers)
        for chunk in response.raw.stream(_CHUNK, decode_content=False):
            body.add(chunk)
        return body.value()

    def record(self, request: ApiRequest) -> Any:
        """Send ``request`` and return the record its answer holds."""
        return self.run(exchange.record_flow(request, self.policy))

    def page(self, request: ApiRequest) -> Page[Any]:
        """Send a list request and return one page."""
        return self.run(exchange.page_flow(request, self.policy))

    def iterate(self, request: ApiRequest) -> Iterator[Any]:
        """Yield every record of a list, page after page, fetching each page when it is needed."""
        with self.redactor.guard():
            pager = Pager(request, base_url=self.config.base_url)
            while pager.current is not None:
                page = self.page(pager.current)
                yield from page.items
                pager.advance(page)

    def no_content(self, request: ApiRequest) -> None:
        """Send a request whose answer has no document (DELETE: 204 or 200)."""
        self.run(exchange.no_content_flow(request, self.policy))

    def text(self, request: ApiRequest) -> str:
        """Send ``request`` and return its body as text."""
        return self.run(exchange.text_flow(request, self.policy))

    def download(
        self,
        request: ApiRequest,
        destination: str | os.PathLike[str] | IO[bytes],
        *,
        max_bytes: int = MAX_MEDIA_BYTES,
        label: str = "recording",
    ) -> int:
        """Stream a media answer to a path (written atomically) or a binary file object.

        A path receives a temporary file beside it, renamed over it only once the whole
        recording arrived: a failed or refused download leaves no partial file and an earlier
        file intact. A device or pipe is written into directly, and so is a file object (which
        may then hold part of the audio when the download fails).

        A body that ends short of its length (its ``Content-Length``, or for a WAV the size its
        RIFF header declares: :func:`~airflow_provider_twilio2008.api.media.shortfall`), or
        whose connection closes mid-body, is cut. To a path it is then downloaded again from
        the start, within the connection's ``retries`` and with the back-off of any retried
        GET, since nothing of the cut copy was kept; into a file object, device or pipe, which
        already took the first bytes, it is not. The last cut raises
        :class:`Twilio2008TransportError`, which a task retry may try again like any other
        transport failure. A download stopped by its deadline or a stall is not fetched again.

        :param request: the media request.
        :param destination: a file path, or an open binary file object.
        :param max_bytes: the most bytes accepted (default :data:`~..api.exchange.MAX_MEDIA_BYTES`,
            enough for the longest recording); a larger answer is refused.
        :param label: how errors name what is downloaded (the hook passes ``recording RE...``).
        :return: the number of bytes written.
        :raises Twilio2008TransportError: the body was cut (the error names ``label``, the bytes
            received and the bytes expected), or no answer came.
        :raises Twilio2008ResponseError: the body was refused (too large, an encoding not asked for).
        """
        with self.redactor.guard():
            attempt = 0
            while True:
                try:
                    return self._download_once(request, destination, max_bytes, label)
                except _Cut as cut:
                    if attempt >= self.policy.retries:
                        raise cut.error(attempt + 1) from None
                    delay = self.policy.delay(attempt)
                    again = (
                        f"fetching it again: retry {attempt + 1} of {self.policy.retries} in {delay:.1f} s"
                    )
                    self.log.warning("%s", self.redactor.text(f"{cut.error(1)}; {again}"))
                    self.sleep(delay)
                    attempt += 1

    def _download_once(
        self, request: ApiRequest, destination: str | os.PathLike[str] | IO[bytes], max_bytes: int, label: str
    ) -> int:
        """Send the media request (with the exchange's retries) and stream its body to ``destination`` once.

        :param request: the media request.
        :param destination: a file path, or an open binary file object.
        :param max_bytes: the most bytes accepted.
        :param label: how errors name what is downloaded.
        :raises _Cut: the body was cut on its way to a temporary file, which is gone again.
        """
        stream: _Stream = self.run(exchange.exchange(request, self.policy, stream=True)).handle
        try:
            if hasattr(destination, "write"):
                return self._copy_whole(stream, destination, request, max_bytes, label)  # type: ignore[arg-type]
            target = Path(destination)
            if target.exists() and not target.is_file():
                # A device, FIFO or socket (/dev/stdout, a named pipe): write into it. Replacing
                # it atomically would swap the device for a regular file (as root: /dev/null).
                with target.open("wb") as out:
                    return self._copy_whole(stream, out, request, max_bytes, label)
            handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
            try:
                with os.fdopen(handle, "wb") as out:
                    written = self._copy(stream, out, request, max_bytes, label)
                os.replace(temp_name, target)
            except BaseException:
                Path(temp_name).unlink(missing_ok=True)
                raise
            return written
        finally:
            stream.close()

    def _copy_whole(
        self, stream: _Stream, out: IO[bytes], request: ApiRequest, max_bytes: int, label: str
    ) -> int:
        """:meth:`_copy` into what cannot take back what it was given: a cut is final."""
        try:
            return self._copy(stream, out, request, max_bytes, label)
        except _Cut as cut:
            raise cut.error(1) from None

    def _copy(self, stream: _Stream, out: IO[bytes], request: ApiRequest, max_bytes: int, label: str) -> int:
        """Copy the decoded media to ``out`` within ``max_bytes`` and the attempt's deadline.

        :param stream: the open 2xx answer.
        :param out: where the decoded bytes go.
        :param request: the media request, for errors.
        :param max_bytes: the most decoded bytes accepted.
        :param label: how errors name what is downloaded.
        :raises _Cut: the body ended short of its length, or its connection closed mid-body.
        """
        response, watch = stream.response, stream.watch
        content_length = response.headers.get("Content-Length")
        received = written = 0
        head = b""

        def keep(piece: bytes) -> None:
            nonlocal written, head
            if len(head) < media.RIFF_HEADER_BYTES:
                head += piece[: media.RIFF_HEADER_BYTES - len(head)]
            out.write(piece)
            written += len(piece)

        try:
            decoder = BodyDecoder(response.headers.get("Content-Encoding", ""), max_bytes, what="recording")
            announced = media.declared_content_length(content_length)
            if not decoder.encoding and announced is not None and announced > max_bytes:
                raise BodyRefused(
                    f"recording of {announced} bytes exceeds the {max_bytes}-byte limit; refused"
                )
            for chunk in response.raw.stream(_CHUNK, decode_content=False):
                received += len(chunk)
                watch.deadline.credit(len(chunk))
                for piece in decoder.feed(chunk):
                    keep(piece)
            if watch.fired:  # a body read to "the end" the deadline made
                raise Urllib3Error("the deadline shut the connection down")
            for piece in decoder.finish():
                keep(piece)
        except BodyRefused as refused:
            detail = f"{refused.reason} (after {written} bytes)"
            if refused.malformed:  # a compressed body cut short or damaged: worth fetching again
                raise _Cut(Twilio2008ResponseError, detail, request) from None
            raise Twilio2008ResponseError(detail, method=request.method, path=request.path) from None
        except (requests.RequestException, Urllib3Error) as exc:
            self._log_failure(request, exc)
            why = _download_failure(watch, exc, self.config.timeout)
            if watch.fired or _stalled(exc):  # the deadline or a stall: not fetched again at once
                raise Twilio2008TransportError(
                    f"{label}: download interrupted after {written} bytes: {why}",
                    method=request.method,
                    path=request.path,
                ) from None
            found = media.shortfall(
                content_length=content_length,
                received=max(received, response.raw.tell()),
                head=head,
                decoded=written,
            )
            short = f"cut short, {found}" if found else f"interrupted after {written} bytes"
            raise _Cut(Twilio2008TransportError, f"{label}: download {short}: {why}", request) from None
        found = media.shortfall(content_length=content_length, received=received, head=head, decoded=written)
        if found is not None:
            raise _Cut(Twilio2008TransportError, f"{label}: download cut short, {found}", request)
        return written


class _Cut(Exception):
    """A download's body was cut (:meth:`Transport.download` may fetch it again).

    :param kind: the error to raise if it is not fetched again.
    :param detail: what happened, naming the recording and the bytes received and expected.
    :param request: the media request.
    """

    def __init__(
        self, kind: type[Twilio2008TransportError | Twilio2008ResponseError], detail: str, request: ApiRequest
    ) -> None:
        super().__init__(detail)
        self.kind = kind
        self.detail = detail
        self.request = request

    def error(self, attempts: int) -> Twilio2008TransportError | Twilio2008ResponseError:
        """Return the error to raise after ``attempts`` downloads that were each cut.

        :param attempts: how many downloads were tried.
        """
        tries = f" (each of {attempts} attempts was cut)" if attempts > 1 else ""
        return self.kind(f"{self.detail}{tries}", method=self.request.method, path=self.request.path)


def _stalled(exc: Exception) -> bool:
    """Tell whether a body stopped because a read timed out (a stall), not because it was cut."""
    return any(isinstance(cause, ReadTimeoutError | TimeoutError) for cause in _chain(exc))


def _download_failure(watch: _Watch, exc: Exception, timeout: float) -> str:
    """Word why a download stopped: its deadline, a stall or a cut.

    :param watch: the attempt's watch.
    :param exc: what the library raised.
    :param timeout: the configured timeout.
    """
    if watch.fired:
        return deadline_failure(timeout, sent=True).detail
    return _cut_short(exc, timeout).detail
