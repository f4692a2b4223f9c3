"""Run the emulator with uvicorn, in the foreground (CLI) or in a background thread (tests).

The listening socket is bound before uvicorn starts, so ``--port 0`` gives a free port whose
number (and the base URL built on it) is known before the first request.

Signals: uvicorn's own handling is switched off (it installs its handlers only once serving,
so a SIGTERM sent in between was lost, or killed the process). Instead
:meth:`EmulatorServer.install_signal_handlers` makes SIGINT and SIGTERM ask the server to
stop, whenever they come: the CLI installs them before it prints its banner, so from the
moment the connection line is out either signal ends the process with status 0.

Account: with ``account_sid``/``auth_token`` unset, a database that already holds an account
keeps being served with it (the first account a server was started with, and its stored
token); a fresh database gets a new one.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import shutil
import signal
import socket
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field, replace
from pathlib import Path
from types import FrameType
from urllib.parse import quote

import uvicorn

from .app import build_app
from .bodies import DEFAULT_BODY_TIMEOUT
from .control.faults import FaultInjector, FaultRule
from .model.state import DEFAULT_WEBHOOK_TIMEOUT, SEED_NUMBER, Emulator
from .model.store import Store, new_sid

__all__ = ["EmulatorConfig", "EmulatorServer"]


#: The signals that stop the emulator.
STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class _Server(uvicorn.Server):
    """uvicorn's server without its own signal handling (:class:`EmulatorServer` handles signals)."""

    @contextlib.contextmanager
    def capture_signals(self) -> Iterator[None]:
        """Install nothing: the handlers of :meth:`EmulatorServer.install_signal_handlers` apply."""
        yield


@dataclass
class EmulatorConfig:
    """How to run the emulator.

    :param host: interface to listen on.
    :param port: port to listen on (0 = a free port).
    :param db: SQLite file (``None`` = a fresh temporary database, deleted on close).
    :param account_sid: the account's SID (``None``: the account stored in ``db``, else a new one).
    :param auth_token: the account's token (``None``: its stored token, else a new one).
    :param time_scale: simulated seconds per real second.
    :param faults: fault rules active from the start.
    :param fault_seed: seed of the fault dice.
    :param access_log: whether uvicorn logs each request (paths only, never credentials).
    :param log_level: uvicorn's log level.
    :param voice_url: ``Url`` of the account's seed number 5005550006 (``None`` = leave it).
    :param voice_method: its ``Method`` (``GET``/``POST``; ``None`` = leave it).
    :param sms_url: ``SmsUrl`` of the seed number (``None`` = leave it).
    :param sms_method: its ``SmsMethod`` (``GET``/``POST``; ``None`` = leave it).
    :param body_timeout: seconds a request body may take to arrive (408 after; see :mod:`.bodies`).
    :param webhook_timeout: real seconds one request to an application (TwiML, ``SmsUrl``,
        callbacks) may take in all (see :mod:`.webhooks`).
    """

    host: str = "127.0.0.1"
    port: int = 0
    db: str | None = None
    account_sid: str | None = None
    auth_token: str | None = None
    time_scale: float = 1.0
    faults: list[FaultRule] = field(default_factory=list)
    fault_seed: int | None = None
    access_log: bool = False
    log_level: str = "warning"
    voice_url: str | None = None
    voice_method: str | None = None
    sms_url: str | None = None
    sms_method: str | None = None
    body_timeout: float = DEFAULT_BODY_TIMEOUT
    webhook_timeout: float = DEFAULT_WEBHOOK_TIMEOUT

    def seed_number_settings(self) -> dict[str, str]:
        """Return the seed number's fields these options set (``url``, ``method``, ``sms_url``...)."""
        chosen = {
            "url": self.voice_url,
            "method": self.voice_method,
            "sms_url": self.sms_url,
            "sms_method": self.sms_method,
        }
        return {name: value for name, value in chosen.items() if value is not None}


class EmulatorServer:
    """One emulator instance: its socket, database, account and uvicorn server.

    :param config: how to run it.
    """

    def __init__(self, config: EmulatorConfig) -> None:
        self.config = config
        self._tempdir: str | None = None
        if config.db is None:
            self._tempdir = tempfile.mkdtemp(prefix="twilio2008-emulator-")
            self.db_path = str(Path(self._tempdir) / "emulator.db")
        else:
            self.db_path = config.db
        family = socket.AF_INET6 if ":" in config.host else socket.AF_INET
        self.socket = socket.socket(family, socket.SOCK_STREAM)
        self.socket.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if family in (socket.AF_INET, socket.AF_INET6):
            self.socket.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.socket.bind((config.host, config.port))
        # Listen at once: a client connecting before uvicorn runs waits in the backlog.
        self.socket.listen(2048)
        self.port: int = self.socket.getsockname()[1]
        self.store = Store(self.db_path)
        faults = FaultInjector(seed=config.fault_seed)
        self.emulator = Emulator(
            self.store, time_scale=config.time_scale, base_url=self.base_url, faults=faults
        )
        self.emulator.body_timeout = config.body_timeout
        self.emulator.webhook_timeout = config.webhook_timeout
        stored = self.emulator.seed_account() if config.account_sid is None else None
        self.account_sid: str = config.account_sid or (stored.sid if stored else new_sid("AC"))
        account = self.emulator.ensure_account(self.account_sid, config.auth_token, seed=True)
        self.auth_token: str = account.auth_token or ""
        # The rules of the command line (or the factory) apply to this account's requests.
        faults.add(
            [
                rule if rule.account_sid else replace(rule, account_sid=self.account_sid)
                for rule in config.faults
            ]
        )
        seed_settings = config.seed_number_settings()
        if seed_settings:
            self.emulator.configure_seed_number(self.account_sid, **seed_settings)
        uvicorn_config = uvicorn.Config(
            build_app(self.emulator),
            log_level=config.log_level,
            access_log=config.access_log,
            lifespan="on",
            timeout_graceful_shutdown=3,
        )
        self._server = _Server(uvicorn_config)
        self._thread: threading.Thread | None = None
        self._signals_installed = False

    @property
    def host_for_clients(self) -> str:
        """Return the host clients should use (loopback when listening on every interface)."""
        host = self.config.host
        if host in ("0.0.0.0", ""):
            return "127.0.0.1"
        if host == "::":
            return "[::1]"
        return f"[{host}]" if ":" in host else host

    @property
    def base_url(self) -> str:
        """Return ``http://host:port``."""
        return f"http://{self.host_for_clients}:{self.port}"

    @property
    def conn_uri(self) -> str:
        """Return the Airflow connection URI, with the account's own number as ``default_from``.

        Example: ``twilio2008://http://AC...:TOKEN@127.0.0.1%3A8080/?default_from=5005550006``.
        """
        host = quote(f"{self.host_for_clients}:{self.port}", safe="[]")
        return f"twilio2008://http://{self.account_sid}:{self.auth_token}@{host}/?default_from={SEED_NUMBER}"

    @property
    def conn_json(self) -> str:
        """Return the Airflow connection in its JSON form."""
        return json.dumps(
            {
                "conn_type": "twilio2008",
                "host": self.base_url,
                "login": self.account_sid,
                "password": self.auth_token,
                "extra": {"default_from": SEED_NUMBER},
            }
        )

    def install_signal_handlers(self) -> None:
        """Make SIGINT and SIGTERM stop this server, from now on (main thread only).

        A signal that comes before serving starts is kept: :meth:`run` then starts and stops at
        once. A second SIGINT forces the exit without waiting for open connections. The
        handlers stay installed after :meth:`run` returns (a late signal changes nothing).
        """
        for sig in STOP_SIGNALS:
            signal.signal(sig, self._on_signal)
        self._signals_installed = True

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        """Ask uvicorn to stop (gracefully; at once on a repeated SIGINT)."""
        if self._server.should_exit and signum == signal.SIGINT:
            self._server.force_exit = True
        self._server.should_exit = True

    def run(self) -> None:
        """Serve in the current thread until SIGINT/SIGTERM, then close and return normally.

        Both signals lead to a graceful shutdown; a stop by signal ends with exit status 0 and
        the temporary database removed. When :meth:`install_signal_handlers` was not called
        first, the handlers are installed for the run only and the previous ones put back.
        """
        previous = {} if self._signals_installed else {sig: signal.getsignal(sig) for sig in STOP_SIGNALS}
        if previous:
            self.install_signal_handlers()
        try:
            asyncio.run(self._server.serve(sockets=[self.socket]))
        finally:
            self.close()
            for sig, handler in previous.items():
                signal.signal(sig, handler)
            if previous:
                self._signals_installed = False

    def start(self, timeout: float = 10.0) -> EmulatorServer:
        """Serve in a background thread; return once requests are accepted.

        :param timeout: seconds to wait for start-up.
        """
        self._thread = threading.Thread(
            target=lambda: asyncio.run(self._server.serve(sockets=[self.socket])),
            name=f"twilio2008-emulator-{self.port}",
            daemon=True,
        )
        self._thread.start()
        deadline = time.monotonic() + timeout
        while not self._server.started:
            if not self._thread.is_alive() or time.monotonic() > deadline:
                raise RuntimeError("the Twilio 2008 emulator did not start")
            time.sleep(0.01)
        return self

    def stop(self, timeout: float = 10.0) -> None:
        """Stop a server started with :meth:`start` and release its resources.

        :param timeout: seconds to wait for the thread to end.
        """
        self._server.should_exit = True
        if self._thread is not None:
            self._thread.join(timeout)
            self._thread = None
        self.close()

    def close(self) -> None:
        """Close the socket and the database; delete a temporary database."""
        self.socket.close()
        self.store.close()
        if self._tempdir is not None:
            shutil.rmtree(self._tempdir, ignore_errors=True)
            self._tempdir = None
