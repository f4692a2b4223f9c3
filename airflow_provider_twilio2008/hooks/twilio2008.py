"""``Twilio2008Hook``: every 2008-08-01 operation, typed, over one authenticated session."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any

import requests
from airflow.sdk import BaseHook

from ..api.clock import UNDATED_SKEW
from ..api.config import CONN_TYPE, DEFAULT_CONN_ID, EXTRA_FIELDS, ClientConfig
from ..api.errors import Twilio2008Error
from ..api.operations import ApiRequest
from ..api.records import Page
from .accounts_numbers import AccountMethods
from .calls import CallMethods
from .media import MediaMethods
from .messaging import SmsMethods
from .transport import Transport
from .transport_base import check_request


class Twilio2008Hook(BaseHook, AccountMethods, CallMethods, SmsMethods, MediaMethods):
    """Interact with Twilio's 2008-08-01 REST API.

    The connection (type ``twilio2008``) holds the Account SID as login, the Auth Token as
    password, the base URL as host (default ``https://api.twilio.com``) and the extras
    ``timeout``, ``retries``, ``default_from`` and ``create_settle``. Every method validates its arguments
    locally first, so bad input fails before anything is sent; errors are
    :class:`~airflow_provider_twilio2008.api.errors.Twilio2008Error` subclasses.

    List methods return lazy iterators that fetch page after page as you consume them.

    :param twilio_conn_id: the Airflow connection id.
    :param timeout: seconds per request; overrides the connection's ``timeout`` extra.
    :param retries: re-tries of a retryable failure; overrides the ``retries`` extra.
    """

    conn_name_attr = "twilio_conn_id"
    default_conn_name = DEFAULT_CONN_ID
    conn_type = CONN_TYPE
    hook_name = "Twilio (2008-08-01 API)"

    def __init__(
        self,
        twilio_conn_id: str = default_conn_name,
        *,
        timeout: float | None = None,
        retries: int | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.twilio_conn_id = twilio_conn_id
        self._timeout = timeout
        self._retries = retries
        self._transport: Transport | None = None
        self._lock = threading.Lock()

    @cached_property
    def config(self) -> ClientConfig:
        """Read and check the connection (once); the Auth Token is registered as a secret to mask."""
        conn = self.get_connection(self.twilio_conn_id)
        if conn.password:
            mask(conn.password)
        config = ClientConfig.from_airflow_connection(conn, timeout=self._timeout, retries=self._retries)
        if config.ignored_extras:
            self.log.warning(
                "Connection %s: ignoring unknown extra(s) %s (known: %s)",
                self.twilio_conn_id,
                ", ".join(config.ignored_extras),
                ", ".join(EXTRA_FIELDS),
            )
        return config

    @property
    def transport(self) -> Transport:
        """Return the transport holding the keep-alive session, built once even across threads."""
        transport = self._transport
        if transport is None:
            with self._lock:
                transport = self._transport
                if transport is None:
                    transport = self._transport = Transport(self.config, self.log)
        return transport

    @property
    def account_sid(self) -> str:
        """Return the Account SID of the connection."""
        return self.config.account_sid

    def get_conn(self) -> requests.Session:
        """Return the authenticated ``requests.Session`` (Basic auth, TLS verification on)."""
        return self.transport.session

    def close(self) -> None:
        """Close the pooled connections of the session, if one was opened."""
        with self._lock:
            transport, self._transport = self._transport, None
        if transport is not None:
            transport.close()

    def __enter__(self) -> Twilio2008Hook:
        """Use the hook as a context manager that closes its session on exit."""
        return self

    def __exit__(self, *exc_info: object) -> None:
        """Close the session."""
        self.close()

    def test_connection(self) -> tuple[bool, str]:
        """Fetch the account (changes nothing) and report whether it worked.

        Any failure, including a missing connection, is reported as ``(False, message)``; the
        message never holds the Auth Token.
        """
        try:
            account = self.get_account()
        except Twilio2008Error as exc:
            return False, str(exc)
        except Exception as exc:
            return False, f"{type(exc).__name__}: {exc}"
        return True, f"Connected to account {account.sid} ({account.friendly_name or 'no name'})"

    def server_now(self) -> datetime:
        """Return a time the API server's clock has certainly reached (UTC), from its answers' ``Date``.

        Reconciling a create compares the server's ``DateCreated`` with the moment the create was
        sent, so both are on the server's clock (see :mod:`~airflow_provider_twilio2008.api.clock`).
        When no answer of the last hour was read, one ``GET`` of the account reads the clock. A
        server that sends no ``Date`` (neither Twilio nor the emulator) is taken to run at most
        :data:`~airflow_provider_twilio2008.api.clock.UNDATED_SKEW` seconds behind this machine.
        """
        clock = self.transport.clock
        if not clock.fresh():
            self.get_account()
        now = clock.now()
        if now is not None:
            return now
        self.log.warning(
            "%s sends no Date header: assuming its clock is at most %g s behind this machine's",
            self.config.base_url,
            UNDATED_SKEW,
        )
        return datetime.now(timezone.utc) - timedelta(seconds=UNDATED_SKEW)

    def send_request(self, request: ApiRequest) -> Any:
        """Send any operation description from :mod:`~airflow_provider_twilio2008.api.operations`.

        :param request: the request description.
        :return: the record, a lazy iterator for lists, or ``None`` when there is no document.
        """
        check_request(request, many=None)
        if request.record is None:
            self.transport.no_content(request)
            return None
        if request.many:
            return self.transport.iterate(request)
        return self.transport.record(request)

    def get_page(self, request: ApiRequest) -> Page[Any]:
        """Fetch exactly one page of a list operation, with its paging attributes.

        :param request: a list request, e.g. ``ops.list_calls(hook.account_sid, page_size=10)``.
        """
        check_request(request, many=True)
        return self.transport.page(request)


def mask(secret: str) -> None:
    """Register ``secret`` with Airflow's log masker.

    :param secret: the Auth Token.
    """
    from airflow.sdk.log import mask_secret

    mask_secret(secret)
