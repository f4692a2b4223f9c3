"""``Twilio2008AsyncHook``: the 2008-08-01 operations sent from an event loop (triggers, async notifiers).

The async twin of :class:`~airflow_provider_twilio2008.hooks.twilio2008.Twilio2008Hook`, on
the same ``twilio2008`` connection: it reads the connection with ``BaseHook.aget_connection``
(so it works inside the triggerer), builds one
:class:`~airflow_provider_twilio2008.hooks.async_transport.AsyncTransport` and sends request
descriptions from :mod:`airflow_provider_twilio2008.api.operations` through it. Triggers and
notifiers use it, so nothing outside ``hooks/`` builds a transport.
"""

from __future__ import annotations

import asyncio
from typing import Any

from airflow.sdk import BaseHook

from ..api.config import CONN_TYPE, DEFAULT_CONN_ID, ClientConfig
from ..api.exchange import Log
from ..api.operations import ApiRequest
from ..api.records import Page
from .async_transport import AsyncTransport
from .transport_base import check_request
from .twilio2008 import mask


class Twilio2008AsyncHook(BaseHook):
    """Send 2008-08-01 requests asynchronously over one keep-alive ``httpx`` client.

    Use it as ``async with Twilio2008AsyncHook("twilio_default") as hook:``; the client is
    built on first use and closed on exit. The Auth Token is registered with Airflow's secret
    masker and never travels in trigger kwargs: a trigger carries the connection id only.

    :param twilio_conn_id: the Airflow connection id (type ``twilio2008``).
    :param log: the logger for retries (default: the hook's own).
    """

    conn_name_attr = "twilio_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = CONN_TYPE
    hook_name = "Twilio (2008-08-01 API), async"

    def __init__(
        self, twilio_conn_id: str = DEFAULT_CONN_ID, *, log: Log | None = None, **kwargs: Any
    ) -> None:
        super().__init__(**kwargs)
        self.twilio_conn_id = twilio_conn_id
        self._log_to = log
        self._config: ClientConfig | None = None
        self._transport: AsyncTransport | None = None
        self._lock = asyncio.Lock()

    async def get_config(self) -> ClientConfig:
        """Read and check the connection (once); the Auth Token is registered as a secret to mask."""
        if self._config is None:
            conn = await BaseHook.aget_connection(self.twilio_conn_id)
            if conn.password:
                mask(conn.password)
            self._config = ClientConfig.from_airflow_connection(conn)
        return self._config

    async def get_transport(self) -> AsyncTransport:
        """Return the transport holding the keep-alive client, built once."""
        async with self._lock:
            if self._transport is None:
                config = await self.get_config()
                self._transport = AsyncTransport(config, self._log_to or self.log)
            return self._transport

    async def send_request(self, request: ApiRequest) -> Any:
        """Send any operation description; lists come back as an async iterator over every page.

        :param request: the request description.
        :return: the record, an async iterator for lists, or ``None`` when there is no document.
        """
        check_request(request, many=None)
        transport = await self.get_transport()
        if request.record is None:
            await transport.no_content(request)
            return None
        if request.many:
            return transport.iterate(request)
        return await transport.record(request)

    async def get_page(self, request: ApiRequest) -> Page[Any]:
        """Fetch exactly one page of a list operation, with its paging attributes.

        :param request: a list request, e.g. ``ops.list_calls(account_sid, page_size=10)``.
        """
        check_request(request, many=True)
        return await (await self.get_transport()).page(request)

    async def aclose(self) -> None:
        """Close the client's pooled connections, if a client was built."""
        transport, self._transport = self._transport, None
        if transport is not None:
            await transport.aclose()

    async def __aenter__(self) -> Twilio2008AsyncHook:
        """Use the hook as an async context manager that closes its client on exit."""
        return self

    async def __aexit__(self, *exc_info: object) -> None:
        """Close the client."""
        await self.aclose()
