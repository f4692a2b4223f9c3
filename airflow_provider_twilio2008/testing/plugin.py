"""The ``twilio2008`` pytest plugin: run the Twilio 2008-08-01 emulator, and DAGs, in tests.

Fixtures:

- ``twilio2008_emulator``: an emulator on a free loopback port with a fresh database,
  started in a background thread and stopped after the test. Its time scale is
  :data:`DEFAULT_TIME_SCALE` (a 30-second call takes 0.6 s), or the value of the
  ``@pytest.mark.twilio2008_time_scale(200)`` marker.
- ``twilio2008_emulator_factory``: ``factory(time_scale=50.0, db=None, account_sid=None,
  auth_token=None, faults=None, voice_url=None, sms_url=None, voice_method=None,
  sms_method=None, body_timeout=10.0, webhook_timeout=15.0)`` starts more emulators (all
  stopped after the test);
  pass the same ``db`` to a second one to test a restart (without ``account_sid``/``auth_token``
  it serves the account stored there, with its token). ``faults`` apply to that account's
  requests; ``body_timeout`` is how long a request body may take to arrive (408 after);
  ``webhook_timeout`` how long the emulator waits for an application's whole answer.
  ``voice_url``/``sms_url`` set the ``Url`` / ``SmsUrl`` of the account's number 5005550006,
  as ``--voice-url``/``--sms-url`` do.

  Each gives an :class:`EmulatorHandle`.
- ``twilio2008_airflow``: an Airflow to run DAGs in with ``dag.test()``, as an
  :class:`~.airflow_home.AirflowHandle` (``home``, ``dags_folder``, ``sql_alchemy_conn``,
  ``isolated``, ``sync_dag(*dags)``, ``run_dag(dag, **test_kwargs)``). Its metadata database is
  migrated once per session, when a test first asks for it. DAGs defined at the top level of the
  requesting test file are written to that database first, so ``my_dag.test()`` runs them; a
  DAG made elsewhere (in a fixture or the test itself) needs ``twilio2008_airflow.sync_dag(dag)``
  or ``twilio2008_airflow.run_dag(dag)``; DAGs in the DAGs folder need neither.
- ``twilio2008_airflow_session``: the same handle, session-scoped (for module- or session-scoped
  fixtures), without the automatic writing of the test file's DAGs.

The Airflow home: when ``AIRFLOW_HOME`` is unset, the plugin sets it, before anything can import
Airflow, to a temporary directory deleted after the session, with a SQLite metadata database,
``load_examples`` off and a DAGs folder (variables you set yourself win). A set
``AIRFLOW_HOME`` is yours: it is used as it is (and migrated, as ``airflow db migrate`` would).
If Airflow was imported before the plugin could set anything (by a ``-p`` plugin, say), the
fixture fails with a message naming the variables to set.
Ini options (``pytest.ini``, or ``[tool.pytest.ini_options]`` in ``pyproject.toml``):

- ``twilio2008_dags_folder``: the DAGs folder, relative to the ini file; default ``dags`` next
  to it when that directory exists, else an empty folder in the temporary home.
- ``twilio2008_isolate_airflow``: ``false`` leaves an unset ``AIRFLOW_HOME`` alone (Airflow then
  uses ``~/airflow``, and ``twilio2008_airflow`` refuses to run rather than write there).

This module imports neither Airflow nor the server at import time: pytest loads it in every
session of everyone who installs the package.
"""

from __future__ import annotations

import base64
import json
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from typing import TYPE_CHECKING, Any

import pytest

from .airflow_home import AirflowHandle, AirflowSetupError, Preparation, open_airflow, prepare
from .process import CONN_ENV

if TYPE_CHECKING:
    from ..emulator.server import EmulatorServer

__all__ = ["DEFAULT_TIME_SCALE", "AirflowHandle", "EmulatorHandle"]

#: Simulated seconds per real second in tests.
DEFAULT_TIME_SCALE = 50.0

INI_DAGS_FOLDER = "twilio2008_dags_folder"
INI_ISOLATE = "twilio2008_isolate_airflow"
_PREPARATION = pytest.StashKey[Preparation]()


class EmulatorHandle:
    """A running emulator, as a test sees it.

    Attributes: ``base_url`` (``http://127.0.0.1:PORT``), ``account_sid``, ``auth_token``,
    ``conn_uri`` (``twilio2008://http://AC...:TOKEN@127.0.0.1%3APORT/``), ``conn_json`` (the
    JSON connection form), ``env`` (``{"AIRFLOW_CONN_TWILIO2008_DEFAULT": conn_uri}``),
    ``api_root`` (the account's REST root URL), ``db_path`` and ``server``.

    :param server: the started server.
    """

    def __init__(self, server: EmulatorServer) -> None:
        self.server = server
        self.base_url = server.base_url
        self.account_sid = server.account_sid
        self.auth_token = server.auth_token
        self.conn_uri = server.conn_uri
        self.conn_json = server.conn_json
        self.env = {CONN_ENV: self.conn_uri}
        self.db_path = server.db_path
        self.api_root = f"{self.base_url}/2008-08-01/Accounts/{self.account_sid}"

    def __repr__(self) -> str:
        return f"EmulatorHandle(base_url={self.base_url!r}, account_sid={self.account_sid!r})"

    @property
    def auth(self) -> tuple[str, str]:
        """Return ``(account_sid, auth_token)`` for HTTP clients."""
        return self.account_sid, self.auth_token

    def set_connection_env(
        self,
        monkeypatch: pytest.MonkeyPatch,
        conn_id: str = "twilio2008_default",
        *,
        json_form: bool = False,
        **extra: Any,
    ) -> str:
        """Point the Airflow connection ``conn_id`` at this emulator for the test; return the variable name.

        :param monkeypatch: the test's ``monkeypatch`` fixture.
        :param conn_id: the connection id.
        :param json_form: use the JSON form instead of the URI.
        :param extra: connection extras to set beside ``default_from`` (``timeout=1``,
            ``create_settle=5``...); the JSON form is used when any is given.
        """
        name = f"AIRFLOW_CONN_{conn_id.upper()}"
        if extra:
            form = json.loads(self.conn_json)
            form["extra"] = {**form["extra"], **extra}
            monkeypatch.setenv(name, json.dumps(form))
        else:
            monkeypatch.setenv(name, self.conn_json if json_form else self.conn_uri)
        return name

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call the control endpoint (``/_emulator/...``) and return its decoded JSON answer.

        :param method: HTTP method.
        :param path: path under ``/_emulator/`` (``faults``, ``reset``, ``callees/4155550100``).
        :param body: JSON body, if any.
        """
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(
            f"{self.base_url}/_emulator/{path.lstrip('/')}", data=data, method=method
        )
        token = base64.b64encode(f"{self.account_sid}:{self.auth_token}".encode()).decode()
        request.add_header("Authorization", f"Basic {token}")
        request.add_header("Content-Type", "application/json")
        try:
            with urllib.request.urlopen(request, timeout=10) as response:
                return json.loads(response.read() or b"null")
        except urllib.error.HTTPError as exc:
            raise AssertionError(f"control {method} {path} failed: {exc.code} {exc.read()!r}") from None

    def add_fault(self, kind: str, **fields: Any) -> Any:
        """Add a fault rule for this account's REST requests (see :mod:`..emulator.control.faults`).

        :param kind: ``error500``, ``error503``, ``latency``, ``drop``, ``truncate`` or ``cut``.
        :param fields: ``probability``, ``count``, ``method``, ``path``, ``retry_after``,
            ``latency_ms``, ``after``.
        """
        return self.control("POST", "faults", {"kind": kind, **fields})

    def clear_faults(self) -> None:
        """Remove every fault rule of this account."""
        self.control("DELETE", "faults")

    def script_callee(
        self,
        number: str,
        *,
        sms_reply: str | None = None,
        sms_reply_after: float | None = None,
        **fields: Any,
    ) -> Any:
        """Script the simulated party at ``number`` (answer, digits, record_seconds, ...).

        :param number: the phone number.
        :param sms_reply: what the party texts back when the account texts it.
        :param sms_reply_after: simulated seconds between the account's text being ``sent`` and
            the reply (default 5).
        :param fields: other fields of ``CalleeScript``.
        """
        if sms_reply is not None:
            fields["sms_reply"] = sms_reply
        if sms_reply_after is not None:
            fields["sms_reply_after"] = sms_reply_after
        return self.control("PUT", f"callees/{number}", fields)

    def text(self, from_: str, body: str, to: str = "5005550006") -> Any:
        """Text one of the account's numbers (``POST /_emulator/inbound/sms``); return the message.

        :param from_: the sender.
        :param body: the text.
        :param to: the account's number texted (default its own 5005550006).
        """
        return self.control("POST", "inbound/sms", {"From": from_, "To": to, "Body": body})

    def state(self) -> Any:
        """Return the account's state (calls, SMS, recordings, transcriptions...)."""
        return self.control("GET", "state")

    def reset(self) -> None:
        """Delete this account's resources (its 5005550006 comes back); clear its faults and scripts."""
        self.control("POST", "reset")

    def stop(self) -> None:
        """Stop the emulator now (the fixture would otherwise stop it after the test)."""
        self.server.stop()


def pytest_addoption(parser: pytest.Parser) -> None:
    """Register the ini options ``twilio2008_dags_folder`` and ``twilio2008_isolate_airflow``."""
    parser.addini(INI_DAGS_FOLDER, "DAGs folder of twilio2008_airflow, relative to the ini file", default="")
    parser.addini(
        INI_ISOLATE,
        "give Airflow a temporary home for the session when AIRFLOW_HOME is unset (default true)",
        type="bool",
        default=True,
    )


@pytest.hookimpl(tryfirst=True)
def pytest_load_initial_conftests(early_config: pytest.Config) -> None:
    """Point Airflow at an isolated home before any conftest or test module can import it."""
    _prepare_airflow(early_config)


def pytest_configure(config: pytest.Config) -> None:
    """Register the ``twilio2008_time_scale`` marker; prepare Airflow if the early hook did not run."""
    config.addinivalue_line(
        "markers", "twilio2008_time_scale(scale): simulated seconds per real second of twilio2008_emulator"
    )
    _prepare_airflow(config)


def pytest_unconfigure(config: pytest.Config) -> None:
    """Restore the environment and delete the temporary Airflow home."""
    done = config.stash.get(_PREPARATION, None)
    if done is not None:
        done.undo()


def _prepare_airflow(config: pytest.Config) -> None:
    """Run :func:`~.airflow_home.prepare` once per session (``pytest_plugins`` loads us late)."""
    if _PREPARATION in config.stash:
        return
    base = config.inipath.parent if config.inipath else config.rootpath
    asked = str(config.getini(INI_DAGS_FOLDER) or "").strip()
    dags_folder = (base / asked).resolve() if asked else None
    default = base / "dags"
    config.stash[_PREPARATION] = prepare(
        dags_folder=dags_folder,
        isolate=bool(config.getini(INI_ISOLATE)),
        default_dags_folder=default.resolve() if default.is_dir() else None,
    )


@pytest.fixture
def twilio2008_emulator_factory() -> Iterator[Callable[..., EmulatorHandle]]:
    """Start emulators on demand; every one is stopped after the test."""
    started: list[EmulatorServer] = []

    def factory(
        *,
        time_scale: float = DEFAULT_TIME_SCALE,
        db: str | None = None,
        account_sid: str | None = None,
        auth_token: str | None = None,
        faults: list[dict[str, Any]] | None = None,
        voice_url: str | None = None,
        sms_url: str | None = None,
        voice_method: str | None = None,
        sms_method: str | None = None,
        body_timeout: float = 10.0,
        webhook_timeout: float = 15.0,
    ) -> EmulatorHandle:
        from ..api.validate import http_method, url
        from ..emulator.control.faults import FaultRule
        from ..emulator.server import EmulatorConfig, EmulatorServer

        config = EmulatorConfig(
            db=db,
            account_sid=account_sid,
            auth_token=auth_token,
            time_scale=time_scale,
            faults=[FaultRule.from_json(rule) for rule in faults or []],
            voice_url=voice_url and url(voice_url, "voice_url"),
            voice_method=voice_method and http_method(voice_method, "voice_method"),
            sms_url=sms_url and url(sms_url, "sms_url"),
            sms_method=sms_method and http_method(sms_method, "sms_method"),
            body_timeout=body_timeout,
            webhook_timeout=webhook_timeout,
        )
        server = EmulatorServer(config).start()
        started.append(server)
        return EmulatorHandle(server)

    yield factory
    for server in reversed(started):
        server.stop()


@pytest.fixture
def twilio2008_emulator(
    request: pytest.FixtureRequest, twilio2008_emulator_factory: Callable[..., EmulatorHandle]
) -> EmulatorHandle:
    """Return a running emulator (time scale from the ``twilio2008_time_scale`` marker, else 50)."""
    marker = request.node.get_closest_marker("twilio2008_time_scale")
    scale = float(marker.args[0]) if marker else DEFAULT_TIME_SCALE
    return twilio2008_emulator_factory(time_scale=scale)


@pytest.fixture(scope="session")
def twilio2008_airflow_session(pytestconfig: pytest.Config) -> AirflowHandle:
    """Return the session's Airflow, its metadata database migrated (once, on first use)."""
    try:
        return open_airflow(pytestconfig.stash.get(_PREPARATION, None))
    except AirflowSetupError as exc:
        problem = str(exc)
    pytest.fail(problem, pytrace=False)


@pytest.fixture
def twilio2008_airflow(
    request: pytest.FixtureRequest, twilio2008_airflow_session: AirflowHandle
) -> AirflowHandle:
    """Return the session's Airflow with the test file's top-level DAGs written to it (for ``dag.test()``)."""
    module = getattr(request, "module", None)
    if module is not None:
        twilio2008_airflow_session.sync_module_dags(module)
    return twilio2008_airflow_session
