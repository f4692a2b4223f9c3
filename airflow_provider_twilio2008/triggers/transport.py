"""Send :class:`~airflow_provider_twilio2008.api.operations.ApiRequest` descriptions with ``httpx``, async.

The triggerer's twin of :mod:`airflow_provider_twilio2008.hooks.transport`: one keep-alive
``httpx.AsyncClient`` with Basic auth, a timeout on every request, TLS verification on and
bodies read within a cap. It only drives the flows of
:mod:`airflow_provider_twilio2008.api.exchange`, so both transports follow one policy: a
``fresh`` send goes out on a one-shot client that keeps no connection, an answer that may close
its connection retires the pooled client, and each attempt runs under ``asyncio.wait_for`` with
its :class:`~airflow_provider_twilio2008.api.exchange.Deadline`.
"""

from __future__ import annotations

import asyncio
from collections import Counter
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, TypeVar
from urllib.parse import urlencode

import httpx

from ..api import exchange
from ..api.config import ClientConfig
from ..api.errors import SecretRedactor, redact_library_logs
from ..api.exchange import (
    ACCEPT_ENCODING,
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
    Note,
    Send,
    Sleep,
    deadline_failure,
    failure,
    keeps_connection,
)
from ..api.operations import ApiRequest, Pager
from ..api.records import Page
from ..api.retry import CONNECT_FAILURE, LOST_ANSWER, RetryPolicy

T = TypeVar("T")
USER_AGENT = "airflow-provider-twilio2008"
#: The loggers httpx and httpcore write to; their debug records quote what a server sent.
LIBRARY_LOGGERS = (
    "httpx",
    "httpcore.connection",
    "httpcore.http11",
    "httpcore.http2",
    "httpcore.proxy",
    "httpcore.socks",
)


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


class AsyncTransport:
    """Drive the exchange flows over one ``httpx.AsyncClient``.

    :param config: where to send and with which credentials.
    :param log: the logger for retries (never given the token).
    :param sleep: how to wait between retries (tests may pass a recorder).
    """

    def __init__(
        self,
        config: ClientConfig,
        log: Log,
        sleep: Callable[[float], Awaitable[Any]] = asyncio.sleep,
    ) -> None:
        self.config = config
        self.log = log
        self.sleep = sleep
        self.policy = RetryPolicy(retries=config.retries)
        self.redactor = SecretRedactor(config.auth_token, config.account_sid)
        redact_library_logs(self.redactor, LIBRARY_LOGGERS)
        # Built once (loading the CA bundle takes tens of milliseconds) and shared by every client.
        self._tls = httpx.create_ssl_context(verify=True, trust_env=True)
        self._busy: Counter[httpx.AsyncClient] = Counter()
        self._retired: list[httpx.AsyncClient] = []
        self.client = self._new_client(pooled=True)

    def _new_client(self, *, pooled: bool) -> httpx.AsyncClient:
        """Return a client; one that is not ``pooled`` keeps no connection open after an answer."""
        return httpx.AsyncClient(
            auth=(self.config.account_sid, self.config.auth_token),
            timeout=self.config.timeout,
            follow_redirects=False,
            verify=self._tls,
            trust_env=True,
            headers={"User-Agent": USER_AGENT, "Accept": "application/xml, text/xml"},
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
            try:
                while True:
                    step = flow.send(reply)
                    reply = None
                    if isinstance(step, Send):
                        reply = await self._send_once(step)
                    elif isinstance(step, Sleep):
                        self.log.warning("%s", self.redactor.text(step.message))
                        await self.sleep(step.seconds)
                    elif isinstance(step, Note):
                        self.log.info("%s", self.redactor.text(step.message))
            except StopIteration as stop:
                return stop.value

    async def _send_once(self, step: Send) -> Answer | Failure:
        """Send one request within its deadline; return its answer (body read within the cap) or failure."""
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
        """Send ``step`` with ``client`` and read its answer within the body cap."""
        request = step.request
        content = None
        headers = {"Accept-Encoding": ACCEPT_ENCODING}
        if step.fresh:
            headers["Connection"] = "close"
        if request.form:
            content = urlencode(request.form).encode()
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        outgoing = client.build_request(
            request.method,
            self.config.base_url + request.target,
            content=content,
            headers=headers,
            extensions={"trace": progress},
        )
        try:
            response = await client.send(outgoing, stream=True)
        except httpx.HTTPError as exc:
            self._log_failure(request, exc)
            return _unanswered(exc, self.config.timeout)
        lowered = {name.lower(): value for name, value in response.headers.items()}
        reason = response.reason_phrase or ""
        try:
            body = await self._read_capped(response, lowered)
        except BodyRefused as refused:
            return Answer(response.status_code, lowered, b"", reason, refused=refused)
        except httpx.HTTPError as exc:
            self._log_failure(request, exc)
            return _cut_short(exc, self.config.timeout)
        finally:
            await response.aclose()
        return Answer(response.status_code, lowered, body, reason)

    def _log_failure(self, request: ApiRequest, exc: httpx.HTTPError) -> None:
        """Log the library's own account of a failure at debug level (the error gives the shared one)."""
        text = self.redactor.text(str(exc)[:300])
        self.log.debug("%s %s: %s: %s", request.method, request.path, type(exc).__name__, text)

    async def _read_capped(self, response: httpx.Response, headers: Mapping[str, str]) -> bytes:
        """Read the whole body, decoded, refusing more than ``MAX_BODY_BYTES`` (see :class:`BodyBuffer`)."""
        body = BodyBuffer(headers)
        async for chunk in response.aiter_raw():
            body.add(chunk)
        return body.value()

    async def record(self, request: ApiRequest) -> Any:
        """Send ``request`` and return the record its answer holds."""
        return await self.run(exchange.record_flow(request, self.policy))

    async def page(self, request: ApiRequest) -> Page[Any]:
        """Send a list request and return one page."""
        return await self.run(exchange.page_flow(request, self.policy))

    async def iterate(self, request: ApiRequest) -> AsyncIterator[Any]:
        """Yield every record of a list, page after page, fetching each page when it is needed."""
        with self.redactor.guard():
            pager = Pager(request, base_url=self.config.base_url)
            while pager.current is not None:
                page = await self.page(pager.current)
                for item in page.items:
                    yield item
                pager.advance(page)

    async def no_content(self, request: ApiRequest) -> None:
        """Send a request whose answer has no document (DELETE: 204 or 200)."""
        await self.run(exchange.no_content_flow(request, self.policy))

    async def text(self, request: ApiRequest) -> str:
        """Send ``request`` and return its body as text."""
        return await self.run(exchange.text_flow(request, self.policy))


async def config_for(conn_id: str) -> ClientConfig:
    """Look up the Airflow connection ``conn_id`` asynchronously and read its client settings.

    The Auth Token is registered with Airflow's secret masker; it never travels in trigger kwargs.

    :param conn_id: the ``twilio2008`` connection id.
    """
    from airflow.sdk import BaseHook

    conn = await BaseHook.aget_connection(conn_id)
    if conn.password:
        from airflow.sdk.log import mask_secret

        mask_secret(conn.password)
    return ClientConfig.from_airflow_connection(conn)
