"""Send :class:`~airflow_provider_twilio2008.api.operations.ApiRequest` descriptions with ``httpx``, async.

The triggerer's driver beside :mod:`airflow_provider_twilio2008.hooks.transport`, on the same
:class:`~airflow_provider_twilio2008.hooks.transport_base.BaseTransport`: one keep-alive
``httpx.AsyncClient`` with Basic auth, a timeout on every request, TLS verification on and
bodies read within a cap. It only drives the flows of
:mod:`airflow_provider_twilio2008.api.exchange`, so both transports follow one policy: a
``fresh`` send goes out on a one-shot client that keeps no connection, an answer that may close
its connection retires the pooled client, and each attempt runs under ``asyncio.wait_for`` with
its :class:`~airflow_provider_twilio2008.api.exchange.Deadline`. No Airflow imports:
:class:`~airflow_provider_twilio2008.hooks.twilio2008_async.Twilio2008AsyncHook` wraps it.
"""

from __future__ import annotations

import asyncio
import time
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx

from ..api.config import ClientConfig
from ..api.exchange import (
    BODY_CUT_SHORT,
    BODY_STALLED,
    CANNOT_CONNECT,
    CLOSED_UNANSWERED,
    CONNECT_TIMEOUT,
    NO_ANSWER_IN_TIME,
    Answer,
    BodyBuffer,
    BodyRefused,
    Deadline,
    Failure,
    Flow,
    Log,
    Send,
    Sleep,
    deadline_failure,
    failure,
    keeps_connection,
)
from ..api.operations import ApiRequest
from ..api.records import Page
from ..api.retry import CONNECT_FAILURE, LOST_ANSWER
from .transport_base import DEFAULT_HEADERS, BaseTransport, Done

T = TypeVar("T")


def _unanswered(exc: httpx.HTTPError, timeout: float) -> Failure:
    """Describe a request that failed before its answer's head arrived (see :func:`~..api.exchange.failure`).

    Connect errors (refused, DNS, TLS handshake) and connect or pool timeouts mean the request
    was certainly never sent; anything later may have reached the server.
    """
    if isinstance(exc, httpx.ConnectTimeout | httpx.PoolTimeout):
        return failure(CONNECT_TIMEOUT, exc, timeout=timeout)
    if isinstance(exc, httpx.ConnectError):
        return failure(CANNOT_CONNECT, exc, timeout=timeout)
    if isinstance(exc, httpx.UnsupportedProtocol):
        return Failure(CONNECT_FAILURE, f"{type(exc).__name__}: {str(exc)[:300]}")
    if isinstance(exc, httpx.TimeoutException):
        return failure(NO_ANSWER_IN_TIME, exc, timeout=timeout)
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return failure(CLOSED_UNANSWERED, exc, timeout=timeout)
    return Failure(LOST_ANSWER, f"{type(exc).__name__}: {str(exc)[:300]}")


def _cut_short(exc: httpx.HTTPError, timeout: float) -> Failure:
    """Describe an answer whose body could not be read to its end."""
    if isinstance(exc, httpx.TimeoutException):
        return failure(BODY_STALLED, exc, timeout=timeout)
    if isinstance(exc, httpx.NetworkError | httpx.RemoteProtocolError):
        return failure(BODY_CUT_SHORT, exc, timeout=timeout)
    return Failure(LOST_ANSWER, f"{type(exc).__name__}: {str(exc)[:300]}")


class _Progress:
    """Follow one attempt through httpcore's ``trace`` extension: has the whole request been sent?"""

    def __init__(self) -> None:
        self.sent = False

    async def __call__(self, event: str, info: Mapping[str, Any]) -> None:
        """Note the end of sending the request body.

        :param event: the httpcore event name (``http11.send_request_body.complete``).
        :param info: the event's details (unused).
        """
        if event.endswith("send_request_body.complete"):
            self.sent = True


class AsyncTransport(BaseTransport):
    """Drive the exchange flows over one ``httpx.AsyncClient``.

    :param config: where to send and with which credentials.
    :param log: the logger for retries (never given the token).
    :param sleep: how to wait between retries (tests may pass a recorder).
    """

    library_loggers = (
        "httpx",
        "httpcore.connection",
        "httpcore.http11",
        "httpcore.http2",
        "httpcore.proxy",
        "httpcore.socks",
    )

    def __init__(
        self,
        config: ClientConfig,
        log: Log,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        super().__init__(config, log)
        self.sleep = sleep
        # Built once (loading the CA bundle takes tens of milliseconds) and shared by every client.
        self._tls = httpx.create_ssl_context(verify=True, trust_env=True)
        self._busy: Counter[httpx.AsyncClient] = Counter()
        self._retired: list[httpx.AsyncClient] = []
        self.client = self._new_client(pooled=True)

    def _new_client(self, *, pooled: bool) -> httpx.AsyncClient:
        """Return a client; one that is not ``pooled`` keeps no connection open after an answer.

        :param pooled: whether the client keeps connections alive for the next request.
        """
        return httpx.AsyncClient(
            auth=self.auth,
            timeout=self.config.timeout,
            follow_redirects=False,
            verify=self._tls,
            trust_env=True,
            headers=DEFAULT_HEADERS,
            limits=httpx.Limits() if pooled else httpx.Limits(max_keepalive_connections=0),
        )

    async def aclose(self) -> None:
        """Close the client's pooled connections."""
        retired, self._retired = self._retired, []
        for client in [*retired, self.client]:
            await client.aclose()

    async def __aenter__(self) -> AsyncTransport:
        """Use the transport as an async context manager that closes it on exit."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the client."""
        await self.aclose()

    async def run(self, flow: Flow[T]) -> T:
        """Drive ``flow`` to its result: send what it asks, sleep when it says, log its notes.

        :param flow: a flow from :mod:`airflow_provider_twilio2008.api.exchange`.
        """
        reply: Answer | Failure | None = None
        with self.redactor.guard():
            while True:
                step = self.advance(flow, reply)
                reply = None
                if isinstance(step, Done):
                    return step.value
                if isinstance(step, Sleep):
                    await self.sleep(step.seconds)
                else:
                    reply = await self._send_once(step)

    async def _send_once(self, step: Send) -> Answer | Failure:
        """Send one request within its deadline; return its answer (body read within the cap) or failure.

        :param step: the send step.
        """
        if step.stream:
            raise NotImplementedError("the async transport does not stream media; use the hook")
        client = self._new_client(pooled=False) if step.fresh else self.client
        progress = _Progress()
        deadline = Deadline(self.config.timeout)
        self._busy[client] += 1
        try:
            reply = await asyncio.wait_for(self._attempt(step, client, progress), deadline.seconds)
        except asyncio.TimeoutError:
            self.log.debug("%s %s: deadline passed", step.request.method, step.request.path)
            reply = deadline_failure(self.config.timeout, sent=progress.sent)
        finally:
            self._busy[client] -= 1
            if client is not self.client and not self._busy[client]:
                del self._busy[client]
                if client in self._retired:
                    self._retired.remove(client)
                await client.aclose()
        if isinstance(reply, Answer) and not step.fresh and not keeps_connection(reply):
            await self._retire_pool()
        return reply

    async def _retire_pool(self) -> None:
        """Swap in a new pooled client; the old one closes once its requests in flight are done."""
        old, self.client = self.client, self._new_client(pooled=True)
        if self._busy[old]:
            self._retired.append(old)
        else:
            del self._busy[old]
            await old.aclose()

    async def _attempt(self, step: Send, client: httpx.AsyncClient, progress: _Progress) -> Answer | Failure:
        """Send ``step`` with ``client`` and read its answer within the body cap.

        :param step: the send step.
        :param client: the pooled client, or a one-shot one for a ``fresh`` send.
        :param progress: the attempt's progress, told when the whole request was sent.
        """
        request = step.request
        content = None
        headers = self.attempt_headers(step)
        if request.form:
            content = urlencode(request.form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        outgoing = client.build_request(
            request.method,
            self.url(request),
            content=content,
            headers=headers,
            extensions={"trace": progress},
        )
        started = time.monotonic()
        try:
            response = await client.send(outgoing, stream=True)
        except httpx.HTTPError as exc:
            self.log_failure(request, exc)
            return _unanswered(exc, self.config.timeout)
        lowered = self.lowered(response.headers)
        reason = response.reason_phrase or ""
        try:
            body = await self._read_capped(response, lowered)
        except BodyRefused as refused:
            return Answer(response.status_code, lowered, b"", reason, refused=refused)
        except httpx.HTTPError as exc:
            self.log_failure(request, exc)
            return _cut_short(exc, self.config.timeout)
        finally:
            await response.aclose()
        self.log_answer(request, response.status_code, started)
        return Answer(response.status_code, lowered, body, reason)

    @staticmethod
    async def _read_capped(response: httpx.Response, headers: Mapping[str, str]) -> bytes:
        """Read the whole body, decoded, refusing more than ``MAX_BODY_BYTES`` (see :class:`BodyBuffer`).

        :param response: the streamed answer.
        :param headers: its headers, lower-cased.
        """
        body = BodyBuffer(headers)
        async for chunk in response.aiter_raw():
            body.add(chunk)
        return body.value()

    async def record(self, request: ApiRequest) -> Any:
        """Send ``request`` and return the record its answer holds.

        :param request: the request description.
        """
        return await self.run(self.record_flow(request))

    async def page(self, request: ApiRequest) -> Page[Any]:
        """Send a list request and return one page.

        :param request: a list request.
        """
        return await self.run(self.page_flow(request))

    async def iterate(self, request: ApiRequest) -> AsyncIterator[Any]:
        """Yield every record of a list, page after page, fetching each page when it is needed.

        :param request: a list request.
        """
        with self.redactor.guard():
            pager = self.pager(request)
            while pager.current is not None:
                page = await self.page(pager.current)
                for item in page.items:
                    yield item
                pager.advance(page)

    async def no_content(self, request: ApiRequest) -> None:
        """Send a request whose answer has no document (DELETE: 204 or 200).

        :param request: the request description.
        """
        await self.run(self.no_content_flow(request))

    async def text(self, request: ApiRequest) -> str:
        """Send ``request`` and return its body as text.

        :param request: the request description.
        """
        return await self.run(self.text_flow(request))
