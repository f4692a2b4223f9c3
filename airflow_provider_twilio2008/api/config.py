"""Client settings read from an Airflow connection's parts, shared by both transports.

The connection maps as: login = Account SID, password = Auth Token, host = base URL
(default ``https://api.twilio.com``; a host without a scheme means https), port = optional,
extra = ``timeout`` (seconds to connect and for each read, default 30; one attempt as a whole
ends within 3 × the timeout, see :data:`~.exchange.DEADLINE_FACTOR`), ``retries`` (re-tries of
a failed request, default 3), ``default_from`` (the caller number used when an operation is given
none) and ``create_settle`` (seconds a create whose answer was lost may still take to land before
a retry creates again, default 60; see :mod:`.reconcile`). Extras written by older connection
forms as ``extra__twilio2008__<name>`` are read too.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

from . import validate
from .errors import Twilio2008ValidationError
from .paths import API_VERSION, DEFAULT_BASE_URL
from .reconcile import DEFAULT_SETTLE

__all__ = ["CONN_TYPE", "DEFAULT_CONN_ID", "EXTRA_FIELDS", "ClientConfig"]

#: The connection type.
CONN_TYPE = "twilio2008"
#: The connection every hook, operator, sensor and notifier uses when given none.
DEFAULT_CONN_ID = "twilio2008_default"
DEFAULT_TIMEOUT = 30.0
DEFAULT_RETRIES = 3
#: Extras the connection understands, with their defaults.
EXTRA_FIELDS = {
    "timeout": DEFAULT_TIMEOUT,
    "retries": DEFAULT_RETRIES,
    "default_from": None,
    "create_settle": DEFAULT_SETTLE,
}
#: The longest ``create_settle`` accepted (an hour: a retry waits this long before creating).
MAX_SETTLE = 3600.0


@dataclass(frozen=True)
class ClientConfig:
    """Everything a transport needs to talk to one account.

    :param base_url: scheme, host and optional port, without a trailing slash.
    :param account_sid: the Account SID (``AC`` + 32 hex digits).
    :param auth_token: the Auth Token; kept out of ``repr``.
    :param timeout: seconds allowed to connect and for each read; a whole attempt, however slowly
        the server answers, ends within :data:`~.exchange.DEADLINE_FACTOR` (3) × this.
    :param retries: how many times a retryable failure is tried again.
    :param default_from: the caller/sender number used when an operation names none.
    :param create_settle: seconds after an outcome-unknown create before a retry may create again.
    :param ignored_extras: extra keys that were not understood (reported, not used).
    """

    base_url: str
    account_sid: str
    auth_token: str = field(repr=False)
    timeout: float = DEFAULT_TIMEOUT
    retries: int = DEFAULT_RETRIES
    default_from: str | None = None
    create_settle: float = DEFAULT_SETTLE
    ignored_extras: tuple[str, ...] = ()

    def sender(self, from_: str | None) -> str | None:
        """Return the caller or sender to use: ``from_``, or ``default_from`` when it is ``None`` or ``""``.

        Any other value, even a falsy one (``0``, ``False``), is returned for the operation to
        check, never silently replaced by the default. ``None`` means there is neither: the
        operation refuses it as missing (``Caller`` 21213, ``From`` 21603).

        :param from_: the caller or sender given.
        """
        return self.default_from if from_ is None or from_ == "" else from_

    @classmethod
    def from_connection(
        cls,
        *,
        host: str | None,
        port: int | None,
        login: str | None,
        password: str | None,
        extra: Mapping[str, Any] | None,
        timeout: float | None = None,
        retries: int | None = None,
    ) -> ClientConfig:
        """Build settings from an Airflow connection's fields, refusing unusable values.

        :param host: the connection host (base URL, with or without scheme).
        :param port: the connection port, if any.
        :param login: the Account SID.
        :param password: the Auth Token.
        :param extra: the connection extras (already decoded from JSON).
        :param timeout: overrides the ``timeout`` extra.
        :param retries: overrides the ``retries`` extra.
        """
        account_sid = validate.sid(login, validate.ACCOUNT, "login (Account SID)")
        if not password:
            raise Twilio2008ValidationError("password (Auth Token)", "missing", "the account's Auth Token")
        if not (password.isascii() and password.isprintable()) or password != password.strip():
            # Checked here, not left to the server: a pasted newline only earns an unexplained
            # 401, and a non-Latin-1 character crashes requests with the token in the exception.
            raise Twilio2008ValidationError(
                "password (Auth Token)",
                "contains white space or characters an Auth Token never has",
                "the Auth Token exactly as Twilio shows it (32 hex digits), without spaces or line breaks",
            )
        extras = _plain_extras(extra or {})
        # A cleared form field is saved as null or "": it means "use the default" (the
        # conn-fields schema declares every extra nullable).
        known = {key: extras.pop(key) for key in list(extras) if key in EXTRA_FIELDS}
        known = {key: value for key, value in known.items() if value not in (None, "")}
        chosen_timeout = timeout if timeout is not None else known.get("timeout", DEFAULT_TIMEOUT)
        chosen_retries = retries if retries is not None else known.get("retries", DEFAULT_RETRIES)
        default_from = known.get("default_from")
        settle = known.get("create_settle", DEFAULT_SETTLE)
        return cls(
            base_url=base_url_from(host, port),
            account_sid=account_sid,
            auth_token=password,
            timeout=_positive_number(chosen_timeout, "timeout"),
            retries=validate.integer_in_range(chosen_retries, "retries", 0, 10),
            default_from=(
                None
                if default_from is None
                else validate.phone_number(default_from, "default_from", allow_short_code=True)
            ),
            create_settle=validate.seconds(settle, "create_settle", maximum=MAX_SETTLE, text=True),
            ignored_extras=tuple(sorted(extras)),
        )

    @classmethod
    def from_airflow_connection(
        cls, conn: Any, *, timeout: float | None = None, retries: int | None = None
    ) -> ClientConfig:
        """Build settings from an Airflow ``Connection`` (any object with its attributes).

        Duck-typed so that this module imports no Airflow; the hook and the triggers both use it.

        :param conn: the connection (``host``, ``port``, ``login``, ``password``, ``extra_dejson``).
        :param timeout: overrides the ``timeout`` extra.
        :param retries: overrides the ``retries`` extra.
        """
        return cls.from_connection(
            host=conn.host,
            port=conn.port,
            login=conn.login,
            password=conn.password,
            extra=conn.extra_dejson,
            timeout=timeout,
            retries=retries,
        )


def _plain_extras(extra: Mapping[str, Any]) -> dict[str, Any]:
    prefix = f"extra__{CONN_TYPE}__"
    plain: dict[str, Any] = {}
    for key, value in extra.items():
        plain[key[len(prefix) :] if key.startswith(prefix) else key] = value
    return plain


def _positive_number(value: Any, name: str) -> float:
    return validate.seconds(value, name, maximum=3600, allow_zero=False, text=True)


def base_url_from(host: str | None, port: int | None) -> str:
    """Return the base URL for a connection host and port.

    Plain ``http://`` is refused unless the host is loopback (the emulator), credentials in
    the URL are refused (they belong in login/password), and a trailing ``/2008-08-01`` is
    dropped because every path already starts with it.

    :param host: ``api.twilio.com``, ``https://api.twilio.com`` or ``http://127.0.0.1:8080``.
    :param port: a port to use when the host names none.
    """
    accepted = "https://host[:port] (http:// only for localhost / 127.0.0.1 / ::1)"
    raw = (host or "").strip() or DEFAULT_BASE_URL
    if "://" not in raw:
        raw = "https://" + raw
    try:
        parts = urlsplit(raw)
        host_port = parts.port
    except ValueError:
        raise Twilio2008ValidationError("host", f"{raw!r} is not a URL", accepted) from None
    if parts.username or parts.password:
        raise Twilio2008ValidationError(
            "host", "the URL carries credentials", "no user:password in host; use login and password"
        )
    hostname = parts.hostname or ""
    if parts.scheme not in ("http", "https") or not hostname:
        raise Twilio2008ValidationError("host", f"{raw!r} is not an http(s) URL", accepted)
    if parts.scheme == "http" and not validate.is_loopback_host(hostname):
        raise Twilio2008ValidationError(
            "host", f"plain http to {hostname} would send the Auth Token in clear", accepted
        )
    path = parts.path.rstrip("/")
    if path in ("", f"/{API_VERSION}"):
        path = ""
    else:
        raise Twilio2008ValidationError("host", f"unexpected path {parts.path!r}", accepted)
    chosen_port = host_port or port
    shown_host = f"[{hostname}]" if ":" in hostname else hostname
    netloc = f"{shown_host}:{chosen_port}" if chosen_port else shown_host
    return f"{parts.scheme}://{netloc}"
