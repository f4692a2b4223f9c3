"""Send :class:`~airflow_provider_twilio2008.api.operations.ApiRequest` descriptions with ``requests``.

One keep-alive session with Basic auth, a timeout on every request, TLS verification on, and
bodies read within a cap. Every rule about answers (retries, ``Retry-After``, lost answers,
redirects, unreadable bodies) lives in :mod:`airflow_provider_twilio2008.api.exchange`; this
module only drives those flows and streams downloads. No Airflow imports: the hook wraps it.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
import traceback
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

import requests
from urllib3.exceptions import NewConnectionError, ReadTimeoutError

from ..api import exchange
from ..api.config import ClientConfig
from ..api.errors import Twilio2008TransportError
from ..api.exchange import (
    BODY_CUT_SHORT,
    BODY_STALLED,
    CANNOT_CONNECT,
    CLOSED_UNANSWERED,
    CONNECT_TIMEOUT,
    NO_ANSWER_IN_TIME,
    Answer,
    BodyBuffer,
    Failure,
    Flow,
    Note,
    Send,
    Sleep,
    failure,
)
from ..api.operations import ApiRequest, Pager
from ..api.records import Page, Record
from ..api.retry import CONNECT_FAILURE, LOST_ANSWER, RetryPolicy

R = TypeVar("R", bound=Record)
T = TypeVar("T")
USER_AGENT = "airflow-provider-twilio2008"
_CHUNK = 64 * 1024


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
    """Describe a request that failed before its answer's head arrived (see :func:`~.exchange.failure`)."""
    if _failure_kind(exc) == CONNECT_FAILURE:
        event = CONNECT_TIMEOUT if isinstance(exc, requests.Timeout) else CANNOT_CONNECT
    elif isinstance(exc, requests.Timeout):
        event = NO_ANSWER_IN_TIME
    elif isinstance(exc, requests.ConnectionError):
        event = CLOSED_UNANSWERED
    else:
        return Failure(LOST_ANSWER, f"{type(exc).__name__}: {str(exc)[:300]}")
    return failure(event, exc, timeout=timeout)


def _cut_short(exc: requests.RequestException, timeout: float) -> Failure:
    """Describe an answer whose body could not be read to its end."""
    if any(isinstance(cause, ReadTimeoutError | TimeoutError) for cause in _chain(exc)):
        return failure(BODY_STALLED, exc, timeout=timeout)
    if isinstance(exc, requests.ConnectionError | requests.exceptions.ChunkedEncodingError):
        return failure(BODY_CUT_SHORT, exc, timeout=timeout)
    return Failure(LOST_ANSWER, f"{type(exc).__name__}: {str(exc)[:300]}")


class Transport:
    """Drive the exchange flows over one ``requests`` session.

    :param config: where to send and with which credentials.
    :param log: the logger for retries and request summaries (never given the token).
    :param sleep: how to wait between retries (tests may pass a recorder).
    """

    def __init__(
        self, config: ClientConfig, log: logging.Logger, sleep: Callable[[float], None] = time.sleep
    ) -> None:
        self.config = config
        self.log = log
        self.sleep = sleep
        self.policy = RetryPolicy(retries=config.retries)
        self.session = requests.Session()
        self.session.auth = (config.account_sid, config.auth_token)
        self.session.verify = True
        self.session.trust_env = True
        self.session.headers.update({"User-Agent": USER_AGENT, "Accept": "application/xml, text/xml"})

    def close(self) -> None:
        """Close the session's pooled connections."""
        self.session.close()

    def run(self, flow: Flow[T]) -> T:
        """Drive ``flow`` to its result: send what it asks, sleep when it says, log its notes.

        :param flow: a flow from :mod:`airflow_provider_twilio2008.api.exchange`.
        """
        reply: Answer | Failure | None = None
        try:
            while True:
                step = flow.send(reply)
                reply = None
                if isinstance(step, Send):
                    reply = self._send_once(step)
                elif isinstance(step, Sleep):
                    self.log.warning("%s", step.message)
                    self.sleep(step.seconds)
                elif isinstance(step, Note):
                    self.log.info("%s", step.message)
        except StopIteration as stop:
            return stop.value

    def _send_once(self, step: Send) -> Answer | Failure:
        """Send one request; return its answer (body read within the cap) or the failure."""
        request = step.request
        started = time.monotonic()
        try:
            response = self.session.request(
                request.method,
                self.config.base_url + request.path,
                params=list(request.query) or None,
                data=list(request.form) or None,
                timeout=self.config.timeout,
                allow_redirects=False,
                stream=True,
                headers={"Accept-Encoding": "identity"} if step.stream else None,
            )
        except requests.RequestException as exc:
            self._log_failure(request, exc)
            return _unanswered(exc, self.config.timeout)
        headers = {name.lower(): value for name, value in response.headers.items()}
        if step.stream and response.status_code < 300:
            return Answer(response.status_code, headers, b"", response.reason or "", handle=response)
        try:
            body = self._read_capped(response, request)
        except requests.RequestException as exc:
            self._log_failure(request, exc)
            return _cut_short(exc, self.config.timeout)
        finally:
            response.close()
        self.log.debug(
            "%s %s -> %s in %.0f ms",
            request.method,
            request.path,
            response.status_code,
            (time.monotonic() - started) * 1000,
        )
        return Answer(response.status_code, headers, body, response.reason or "")

    def _log_failure(self, request: ApiRequest, exc: requests.RequestException) -> None:
        """Log the library's own account of a failure at debug level (the error gives the shared one)."""
        self.log.debug("%s %s: %s: %s", request.method, request.path, type(exc).__name__, str(exc)[:300])

    def _read_capped(self, response: requests.Response, request: ApiRequest) -> bytes:
        """Read the whole body, refusing more than ``MAX_BODY_BYTES`` (see :class:`BodyBuffer`)."""
        body = BodyBuffer(request)
        for chunk in response.iter_content(_CHUNK):
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

    def download(self, request: ApiRequest, destination: str | os.PathLike[str] | IO[bytes]) -> int:
        """Stream a media answer to a path (written atomically) or a binary file object.

        :param request: the media request.
        :param destination: a file path, or an open binary file object.
        :return: the number of bytes written.
        """
        response = self.run(exchange.exchange(request, self.policy, stream=True)).handle
        try:
            if hasattr(destination, "write"):
                return self._copy(response, destination, request)  # type: ignore[arg-type]
            target = Path(destination)  # type: ignore[arg-type]
            if target.exists() and not target.is_file():
                # A device, FIFO or socket (/dev/stdout, a named pipe): write into it. Replacing
                # it atomically would swap the device for a regular file (as root: /dev/null).
                with target.open("wb") as out:
                    return self._copy(response, out, request)
            handle, temp_name = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or ".")
            try:
                with os.fdopen(handle, "wb") as out:
                    written = self._copy(response, out, request)
                os.replace(temp_name, target)
            except BaseException:
                Path(temp_name).unlink(missing_ok=True)
                raise
            return written
        finally:
            response.close()

    def _copy(self, response: requests.Response, out: IO[bytes], request: ApiRequest) -> int:
        written = 0
        try:
            for chunk in response.iter_content(_CHUNK):
                out.write(chunk)
                written += len(chunk)
        except requests.RequestException as exc:
            raise Twilio2008TransportError(
                f"download interrupted after {written} bytes ({type(exc).__name__})",
                method=request.method,
                path=request.path,
            ) from None
        expected = response.headers.get("Content-Length")
        received = response.raw.tell() if response.raw is not None else written
        if expected is not None and expected.isdigit() and int(expected) != received:
            raise Twilio2008TransportError(
                f"download cut short: {received} of {expected} bytes",
                method=request.method,
                path=request.path,
            )
        return written
