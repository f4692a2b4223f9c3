"""Send :class:`~airflow_provider_twilio2008.api.operations.ApiRequest` descriptions with ``requests``.

One keep-alive session with Basic auth, a timeout on every request, TLS verification on, and
bodies read within a cap. Every rule about answers (retries, ``Retry-After``, lost answers,
redirects, unreadable bodies, fresh connections, deadlines, body caps) lives in
:mod:`airflow_provider_twilio2008.api.exchange`, what both transports share in
:mod:`~airflow_provider_twilio2008.hooks.transport_base`; this module holds only the send loop.
Each attempt is held to its deadline by :mod:`~airflow_provider_twilio2008.hooks.watchdog`,
and media answers are streamed by :mod:`~airflow_provider_twilio2008.hooks.downloads`. No
Airflow imports: the hook wraps it.
"""

from __future__ import annotations

import os
import time
from collections.abc import Callable, Iterator
from typing import IO, Any, TypeVar

import requests
from requests.structures import CaseInsensitiveDict
from urllib3.exceptions import HTTPError as Urllib3Error

from ..api.clock import ServerClock
from ..api.config import ClientConfig
from ..api.exchange import (
    MAX_MEDIA_BYTES,
    Answer,
    BodyBuffer,
    BodyRefused,
    Failure,
    Flow,
    Log,
    Send,
    Sleep,
    deadline_failure,
    keeps_connection,
)
from ..api.operations import ApiRequest
from ..api.records import Page
from . import downloads
from .failures import cut_short, unanswered
from .transport_base import DEFAULT_HEADERS, BaseTransport, Done
from .watchdog import Watch, WatchedAdapter, start_watch

T = TypeVar("T")
_CHUNK = 64 * 1024


class Transport(BaseTransport):
    """Drive the exchange flows over one ``requests`` session.

    :param config: where to send and with which credentials.
    :param log: the logger for retries and request summaries (never given the token).
    :param sleep: how to wait between retries (tests may pass a recorder).
    """

    library_loggers = (
        "requests",
        "urllib3",
        "urllib3.connection",
        "urllib3.connectionpool",
        "urllib3.poolmanager",
        "urllib3.response",
        "urllib3.util.retry",
    )

    def __init__(self, config: ClientConfig, log: Log, sleep: Callable[[float], None] = time.sleep) -> None:
        super().__init__(config, log)
        self.sleep = sleep
        #: The server's clock, from every answer's ``Date`` (see :mod:`..api.clock`).
        self.clock = ServerClock()
        self.session = self._new_session()

    def _new_session(self, like: requests.Session | None = None) -> requests.Session:
        """Return a session with watched connections, set up as ``like`` (or as configured).

        :param like: the session whose settings a one-shot session copies (what a user changed
            on ``get_conn()``), or ``None`` for the configured ones.
        """
        session = requests.Session()
        adapter = WatchedAdapter()
        session.mount("https://", adapter)
        session.mount("http://", adapter)
        if like is None:
            session.auth = self.auth
            session.verify = True
            session.trust_env = True
            session.headers.update(DEFAULT_HEADERS)
        else:
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
            while True:
                step = self.advance(flow, reply)
                reply = None
                if isinstance(step, Done):
                    return step.value
                if isinstance(step, Sleep):
                    self.sleep(step.seconds)
                else:
                    reply = self._send_once(step)

    def _send_once(self, step: Send) -> Answer | Failure:
        """Send one request within its deadline; return its answer (body read within the cap) or failure.

        :param step: the send step.
        """
        one_shot = self._new_session(like=self.session) if step.fresh else None
        watch = start_watch(self.config.timeout)
        reply: Answer | Failure | None = None
        try:
            reply = self._attempt(step, one_shot or self.session, watch)
        finally:
            watch.detach()
            if not (isinstance(reply, Answer) and isinstance(reply.handle, downloads.Stream)):
                watch.finish()
                if one_shot is not None:
                    one_shot.close()
        if isinstance(reply, Answer) and one_shot is None and not keeps_connection(reply):
            self.session.close()  # the server may close what carried this answer: drop the pool
        return reply

    def _attempt(self, step: Send, session: requests.Session, watch: Watch) -> Answer | Failure:
        """Send ``step`` on ``session`` and read its answer, reporting a passed deadline as such.

        :param step: the send step.
        :param session: the pooled session, or a one-shot one for a ``fresh`` send.
        :param watch: the attempt's watch.
        """
        request = step.request
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
                headers=self.attempt_headers(step),
            )
        except requests.RequestException as exc:
            self.log_failure(request, exc)
            if watch.fired:
                return deadline_failure(self.config.timeout, sent=watch.sent)
            return unanswered(exc, self.config.timeout)
        if watch.fired:  # the head was cut at the deadline (http.client takes a cut head as whole)
            response.close()
            return deadline_failure(self.config.timeout, sent=True)
        self.clock.observe(response.headers.get("Date"), time.time())
        lowered = self.lowered(response.headers)
        reason = response.reason or ""
        if step.stream and response.status_code < 300:
            one_shot = session if session is not self.session else None
            stream = downloads.Stream(response, watch, one_shot)
            return Answer(response.status_code, lowered, b"", reason, handle=stream)
        try:
            body = self._read_capped(response, lowered)
        except BodyRefused as refused:
            return Answer(response.status_code, lowered, b"", reason, refused=refused)
        except (requests.RequestException, Urllib3Error) as exc:
            self.log_failure(request, exc)
            if watch.fired:
                return deadline_failure(self.config.timeout, sent=True)
            return cut_short(exc, self.config.timeout)
        finally:
            response.close()
        if watch.fired:  # the body ended because the deadline shut the socket down
            return deadline_failure(self.config.timeout, sent=True)
        self.log_answer(request, response.status_code, started)
        return Answer(response.status_code, lowered, body, reason)

    @staticmethod
    def _read_capped(response: requests.Response, headers: dict[str, str]) -> bytes:
        """Read the whole body, decoded, refusing more than ``MAX_BODY_BYTES`` (see :class:`BodyBuffer`).

        :param response: the streamed answer.
        :param headers: its headers, lower-cased.
        """
        body = BodyBuffer(headers)
        for chunk in response.raw.stream(_CHUNK, decode_content=False):
            body.add(chunk)
        return body.value()

    def record(self, request: ApiRequest) -> Any:
        """Send ``request`` and return the record its answer holds.

        :param request: the request description.
        """
        return self.run(self.record_flow(request))

    def page(self, request: ApiRequest) -> Page[Any]:
        """Send a list request and return one page.

        :param request: a list request.
        """
        return self.run(self.page_flow(request))

    def iterate(self, request: ApiRequest) -> Iterator[Any]:
        """Yield every record of a list, page after page, fetching each page when it is needed.

        :param request: a list request.
        """
        with self.redactor.guard():
            pager = self.pager(request)
            while pager.current is not None:
                page = self.page(pager.current)
                yield from page.items
                pager.advance(page)

    def no_content(self, request: ApiRequest) -> None:
        """Send a request whose answer has no document (DELETE: 204 or 200).

        :param request: the request description.
        """
        self.run(self.no_content_flow(request))

    def text(self, request: ApiRequest) -> str:
        """Send ``request`` and return its body as text.

        :param request: the request description.
        """
        return self.run(self.text_flow(request))

    def download(
        self,
        request: ApiRequest,
        destination: str | os.PathLike[str] | IO[bytes],
        *,
        max_bytes: int = MAX_MEDIA_BYTES,
        label: str = "recording",
    ) -> int:
        """Stream a media answer to a path (written atomically) or a binary file object.

        See :func:`~airflow_provider_twilio2008.hooks.downloads.download`, which does the work.

        :param request: the media request.
        :param destination: a file path, or an open binary file object.
        :param max_bytes: the most bytes accepted.
        :param label: how errors name what is downloaded (the hook passes ``recording RE...``).
        :return: the number of bytes written.
        """
        return downloads.download(self, request, destination, max_bytes=max_bytes, label=label)
