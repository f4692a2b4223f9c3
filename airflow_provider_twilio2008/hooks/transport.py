"""Send :class:`~airflow_provider_twilio2008.api.operations.ApiRequest` descriptions with ``requests``.

One keep-alive session with Basic auth, a timeout on every request, TLS verification on,
retries per :class:`~airflow_provider_twilio2008.api.retry.RetryPolicy`, and every answer
parsed by :mod:`airflow_provider_twilio2008.api.xml`. No Airflow imports: the hook wraps it.
"""

from __future__ import annotations

import logging
import os
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import IO, Any, TypeVar

import requests
from urllib3.exceptions import NewConnectionError

from ..api import xml
from ..api.config import ClientConfig
from ..api.errors import (
    Twilio2008ApiError,
    Twilio2008OutcomeUnknownError,
    Twilio2008ResponseError,
    Twilio2008TransportError,
)
from ..api.operations import ApiRequest, next_page_request
from ..api.records import Page, Record
from ..api.retry import CONNECT_FAILURE, LOST_ANSWER, RetryPolicy, parse_retry_after

R = TypeVar("R", bound=Record)
USER_AGENT = "airflow-provider-twilio2008"
_CHUNK = 64 * 1024


def _failure_kind(exc: requests.RequestException) -> str:
    """Tell whether the request certainly never reached the server."""
    if isinstance(exc, requests.ConnectTimeout):
        return CONNECT_FAILURE
    seen: set[int] = set()
    cause: BaseException | None = exc
    while cause is not None and id(cause) not in seen:
        seen.add(id(cause))
        if isinstance(cause, NewConnectionError | ConnectionRefusedError):
            return CONNECT_FAILURE
        reason = getattr(cause, "reason", None)
        cause = reason if isinstance(reason, BaseException) else (cause.__cause__ or cause.__context__)
    return LOST_ANSWER


class Transport:
    """Send request descriptions over one session, retrying what is safe to retry.

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

    def send(self, request: ApiRequest, *, stream: bool = False) -> requests.Response:
        """Send ``request`` and return the successful (2xx) response, or raise the typed error.

        Redirects are not followed: a 3xx is raised as
        :class:`~airflow_provider_twilio2008.api.errors.Twilio2008ApiError`.

        :param request: what to send.
        :param stream: leave the body unread and ask for it uncompressed (for downloads); the
            caller must close the response.
        """
        url = self.config.base_url + request.path
        attempt = 0
        answer_lost = False
        while True:
            started = time.monotonic()
            try:
                response = self.session.request(
                    request.method,
                    url,
                    params=list(request.query) or None,
                    data=list(request.form) or None,
                    timeout=self.config.timeout,
                    allow_redirects=False,
                    stream=True,
                    headers={"Accept-Encoding": "identity"} if stream else None,
                )
                if not stream or response.status_code >= 300:
                    self._buffer(response, request)
            except requests.RequestException as exc:
                kind = _failure_kind(exc)
                reason = f"{type(exc).__name__}: {str(exc)[:300]}"
                if self.policy.retry_on_failure(request.method, attempt, kind):
                    answer_lost = answer_lost or kind == LOST_ANSWER
                    self._wait(request, attempt, None, f"{type(exc).__name__}")
                    attempt += 1
                    continue
                error = (
                    Twilio2008OutcomeUnknownError
                    if kind == LOST_ANSWER and request.method == "POST"
                    else Twilio2008TransportError
                )
                message = (
                    reason
                    if error is Twilio2008TransportError
                    else (
                        f"{type(exc).__name__}: the request was sent but no answer came back, so it was not "
                        "re-sent; check whether it took effect before trying again"
                    )
                )
                raise error(message, method=request.method, path=request.path) from None
            elapsed = (time.monotonic() - started) * 1000
            self.log.debug(
                "%s %s -> %s in %.0f ms", request.method, request.path, response.status_code, elapsed
            )
            if response.status_code < 300:
                return response
            if response.status_code < 400:
                location = response.headers.get("Location", "")
                response.close()
                raise Twilio2008ApiError(
                    response.status_code,
                    f"unexpected redirect to {location or 'nowhere'}; redirects are not followed",
                    method=request.method,
                    path=request.path,
                )
            if response.status_code == 404 and request.method == "DELETE" and answer_lost:
                self.log.info(
                    "%s %s: gone after a lost answer; the first attempt deleted it",
                    request.method,
                    request.path,
                )
                return response
            retry_after = parse_retry_after(response.headers.get("Retry-After"))
            body = response.content
            response.close()
            if self.policy.retry_on_status(request.method, attempt, response.status_code, retry_after):
                self._wait(request, attempt, retry_after, f"HTTP {response.status_code}")
                attempt += 1
                continue
            raise xml.api_error_from_body(
                response.status_code,
                body,
                method=request.method,
                path=request.path,
                reason=response.reason or "",
                retry_after=retry_after,
            )

    def _buffer(self, response: requests.Response, request: ApiRequest) -> None:
        """Read the whole body into ``response``, refusing more than ``MAX_BODY_BYTES``.

        Reading in chunks bounds memory: a huge or endless body is cut off at the cap instead
        of being downloaded before the size check.
        """
        chunks: list[bytes] = []
        size = 0
        for chunk in response.iter_content(_CHUNK):
            size += len(chunk)
            if size > xml.MAX_BODY_BYTES:
                response.close()
                raise Twilio2008ResponseError(
                    f"response body exceeds the {xml.MAX_BODY_BYTES}-byte limit; refused",
                    method=request.method,
                    path=request.path,
                )
            chunks.append(chunk)
        response._content = b"".join(chunks)
        response._content_consumed = True

    def _wait(self, request: ApiRequest, attempt: int, retry_after: float | None, why: str) -> None:
        delay = self.policy.delay(attempt, retry_after)
        self.log.warning(
            "%s %s: %s; retry %d of %d in %.1f s",
            request.method,
            request.path,
            why,
            attempt + 1,
            self.policy.retries,
            delay,
        )
        self.sleep(delay)

    def _read(self, request: ApiRequest, parse: Callable[[bytes], Any]) -> Any:
        """Send and parse; a GET whose body arrived cut short is fetched again.

        An unreadable answer is reported with its status and Content-Type (an HTML page from a
        proxy reads as such), and for a POST with the warning that it was accepted, so may
        have taken effect, and was not re-sent.
        """
        attempt = 0
        while True:
            response = self.send(request)
            try:
                return parse(response.content)
            except Twilio2008ResponseError as exc:
                if exc.malformed and request.method == "GET" and attempt < self.policy.retries:
                    self._wait(request, attempt, None, "malformed body")
                    attempt += 1
                    continue
                content_type = response.headers.get("Content-Type") or "no Content-Type"
                detail = f"{exc.detail} [HTTP {response.status_code}, {content_type}]"
                if request.method == "POST":
                    detail += (
                        "; the request was accepted, so it may have taken effect; it was not re-sent: "
                        "check whether it took effect before trying again"
                    )
                raise Twilio2008ResponseError(
                    detail, method=exc.method, path=exc.path, malformed=exc.malformed
                ) from None

    def record(self, request: ApiRequest) -> Any:
        """Send ``request`` and return the record its answer holds."""
        assert request.record is not None
        return self._read(
            request,
            lambda body: xml.parse_record(body, request.record, method=request.method, path=request.path),
        )

    def page(self, request: ApiRequest) -> Page[Any]:
        """Send a list request and return one page."""
        assert request.record is not None
        return self._read(
            request,
            lambda body: xml.parse_page(body, request.record, method=request.method, path=request.path),
        )

    def iterate(self, request: ApiRequest) -> Iterator[Any]:
        """Yield every record of a list, page after page, fetching each page when it is needed."""
        current: ApiRequest | None = request
        seen: set[str] = set()
        while current is not None:
            if current.target in seen:
                raise Twilio2008ResponseError(
                    f"the page links loop back to {current.target!r}",
                    method=current.method,
                    path=current.path,
                )
            seen.add(current.target)
            page = self.page(current)
            yield from page.items
            current = next_page_request(page, current, base_url=self.config.base_url)

    def no_content(self, request: ApiRequest) -> None:
        """Send a request whose answer has no document (DELETE: 204 or 200)."""
        self.send(request).close()

    def text(self, request: ApiRequest) -> str:
        """Send ``request`` and return its body as text."""
        response = self.send(request)
        content_type = response.headers.get("Content-Type", "")
        if "charset=" not in content_type.lower():
            return response.content.decode("utf-8", errors="replace")
        return response.text

    def download(self, request: ApiRequest, destination: str | os.PathLike[str] | IO[bytes]) -> int:
        """Stream a media answer to a path (written atomically) or a binary file object.

        :param request: the media request.
        :param destination: a file path, or an open binary file object.
        :return: the number of bytes written.
        """
        response = self.send(request, stream=True)
        try:
            if hasattr(destination, "write"):
                return self._copy(response, destination, request)  # type: ignore[arg-type]
            target = Path(destination)  # type: ignore[arg-type]
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
