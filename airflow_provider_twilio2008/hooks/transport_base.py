"""What the sync and async transports share: settings, headers, redaction, logging and the flow loop.

Modelled on httpx's ``BaseClient`` beside ``Client`` and ``AsyncClient``: :class:`BaseTransport`
holds everything that does not wait on the network, and each driver
(:class:`~airflow_provider_twilio2008.hooks.transport.Transport` over ``requests``,
:class:`~airflow_provider_twilio2008.hooks.async_transport.AsyncTransport` over ``httpx``)
adds only its send loop: how one :class:`~airflow_provider_twilio2008.api.exchange.Send` goes
out within its deadline and how its body is read within the cap. Every rule about answers
lives in :mod:`airflow_provider_twilio2008.api.exchange`.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from ..api import exchange
from ..api.config import ClientConfig
from ..api.errors import SecretRedactor, Twilio2008ValidationError, redact_library_logs
from ..api.exchange import ACCEPT_ENCODING, Answer, Failure, Flow, Log, Note, Send, Sleep
from ..api.operations import ApiRequest, Pager
from ..api.records import Page
from ..api.retry import RetryPolicy

T = TypeVar("T")
#: The ``User-Agent`` of every request.
USER_AGENT = "airflow-provider-twilio2008"
#: The headers every request carries, whichever library sends it.
DEFAULT_HEADERS = {"User-Agent": USER_AGENT, "Accept": "application/xml, text/xml"}


@dataclass(frozen=True)
class Done(Generic[T]):
    """A flow that finished, holding its result.

    :param value: what the flow returned.
    """

    value: T


class BaseTransport:
    """The settings and bookkeeping of a transport; a driver adds the send loop.

    :param config: where to send and with which credentials.
    :param log: the logger for retries and request summaries (never given the token).
    """

    #: The loggers the driver's HTTP library writes to; their records are redacted.
    library_loggers: ClassVar[tuple[str, ...]] = ()

    def __init__(self, config: ClientConfig, log: Log) -> None:
        self.config = config
        self.log = log
        self.policy = RetryPolicy(retries=config.retries)
        self.redactor = SecretRedactor(config.auth_token, config.account_sid)
        redact_library_logs(self.redactor, self.library_loggers)

    @property
    def auth(self) -> tuple[str, str]:
        """Return the Basic auth pair: the Account SID and the Auth Token."""
        return (self.config.account_sid, self.config.auth_token)

    def url(self, request: ApiRequest) -> str:
        """Return the absolute URL of ``request``, query string included.

        :param request: the request description.
        """
        return self.config.base_url + request.target

    @staticmethod
    def attempt_headers(step: Send) -> dict[str, str]:
        """Return the headers of one attempt: the encodings accepted and whether to keep the connection.

        A media stream asks for ``identity`` (its bytes are counted against its length as
        they arrive); a ``fresh`` attempt asks the server to close the connection after it.

        :param step: the send step.
        """
        headers = {"Accept-Encoding": "identity" if step.stream else ACCEPT_ENCODING}
        if step.fresh:
            headers["Connection"] = "close"
        return headers

    @staticmethod
    def lowered(headers: Mapping[str, str]) -> dict[str, str]:
        """Return an answer's headers keyed in lower case, as :class:`~..api.exchange.Answer` holds them.

        :param headers: the headers as the library gives them.
        """
        return {name.lower(): value for name, value in headers.items()}

    def advance(self, flow: Flow[T], reply: Answer | Failure | None) -> Send | Sleep | Done[T]:
        """Hand ``reply`` to ``flow`` and return its next step that needs the driver, logging notes.

        :param flow: a flow from :mod:`airflow_provider_twilio2008.api.exchange`.
        :param reply: the answer or failure of the last send, or ``None``.
        :return: a send to make, a pause to take (already logged), or the flow's result.
        """
        while True:
            try:
                step = flow.send(reply)
            except StopIteration as stop:
                return Done(stop.value)
            reply = None
            if isinstance(step, Note):
                self.log.info("%s", self.redactor.text(step.message))
                continue
            if isinstance(step, Sleep):
                self.log.warning("%s", self.redactor.text(step.message))
            return step

    def log_failure(self, request: ApiRequest, exc: BaseException) -> None:
        """Log the library's own account of a failure at debug level (the error gives the shared one).

        :param request: the request that failed.
        :param exc: what the library raised.
        """
        text = self.redactor.text(str(exc)[:300])
        self.log.debug("%s %s: %s: %s", request.method, request.path, type(exc).__name__, text)

    def log_answer(self, request: ApiRequest, status: int, started: float) -> None:
        """Log one answered request at debug level: method, path, status and milliseconds.

        :param request: the request answered.
        :param status: the answer's HTTP status.
        :param started: the ``time.monotonic()`` the attempt began.
        """
        elapsed = (time.monotonic() - started) * 1000
        self.log.debug("%s %s -> %s in %.0f ms", request.method, request.path, status, elapsed)

    def pager(self, request: ApiRequest) -> Pager:
        """Return the pager walking the list ``request`` page after page.

        :param request: a list request.
        """
        return Pager(request, base_url=self.config.base_url)

    def record_flow(self, request: ApiRequest) -> Flow[Any]:
        """Return the flow that sends ``request`` and reads the record its answer holds.

        :param request: the request description.
        """
        return exchange.record_flow(request, self.policy)

    def page_flow(self, request: ApiRequest) -> Flow[Page[Any]]:
        """Return the flow that fetches one page of a list.

        :param request: a list request.
        """
        return exchange.page_flow(request, self.policy)

    def no_content_flow(self, request: ApiRequest) -> Flow[None]:
        """Return the flow for a request whose answer has no document (DELETE: 204 or 200).

        :param request: the request description.
        """
        return exchange.no_content_flow(request, self.policy)

    def text_flow(self, request: ApiRequest) -> Flow[str]:
        """Return the flow that sends ``request`` and reads its body as text.

        :param request: the request description.
        """
        return exchange.text_flow(request, self.policy)


def check_request(request: object, *, many: bool | None) -> None:
    """Refuse, before sending, what is not a request description (or not a list one when ``many``).

    :param request: what the caller passed.
    :param many: ``True`` when only a list request will do; ``None`` for any request.
    """
    accepted = "an ApiRequest from airflow_provider_twilio2008.api.operations" + (
        " for a list (ops.list_calls(...), ...)" if many else ""
    )
    if not isinstance(request, ApiRequest):
        raise Twilio2008ValidationError("request", f"got {type(request).__name__}", accepted)
    if many and not request.many:
        raise Twilio2008ValidationError("request", f"{request.method} {request.path} is not a list", accepted)
