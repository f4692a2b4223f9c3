"""The Auth Token appears nowhere a run of the example DAGs leaves text, error paths included.

Each example DAG of ``dags_examples/`` runs with ``dag.test()`` against an emulator started as
a process of its own (its output, request log included, is read from its pipe). Collected:

- the task logs and the triggers' output: ``dag.test()`` prints the task logs to this
  process's stdout and stderr (``capfd``); the triggers run in-process and log through
  :mod:`logging` (``caplog``, the provider's module loggers at DEBUG; hooks log through the
  task's structlog logger, at the session's INFO); plus any log file written under
  ``AIRFLOW_HOME/logs`` during the run;
- the emulator's output after its start-up banner (the banner shows the token on purpose);
- from the metadata database: every XCom of the run, the rendered template fields of every
  task instance, the trigger rows created during the run (kwargs decrypted, and as stored),
  the task instances' ``next_kwargs``, the run's conf and the audit log; and the database
  file itself, byte for byte.

None may hold the Auth Token, ``sid:token`` or the Basic credentials (base64 of
``sid:token``). So that the check cannot pass by looking at nothing, each source must show a
known non-secret value of the run: a created SID in the task logs, the XCom and the trigger
kwargs, the account SID in the emulator's request log, what the templates rendered, and, for
the deferrable DAGs, a poller warning the trigger logged (an injected 503 makes one round
fail, so the trigger's own error text is in the collected output too).
"""

from __future__ import annotations

import base64
import json
import logging
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.emulator.banner import CONN_LINE
from tests.helpers import DagResult, credential_leaks, run_dag, secret_forms

STARTUP_TIMEOUT = 30.0
#: What the poller logs when a round failed (the trigger keeps waiting).
POLLER_WARNING = "trying again next round"
#: One failed round of the call poller: more 503s in a row than the transport's re-tries.
FAIL_ONE_CALL_ROUND = {"kind": "error503", "method": "GET", "path": "/Calls$", "retry_after": 0, "count": 4}
#: The fan-out's five creates fail on try 1, two of them again on try 2: the task fails after
#: texting three people, and its failure notifier texts the on-call number.
FAIL_FANOUT = {"kind": "error500", "method": "POST", "path": "/SMS/Messages$", "count": 7}


@dataclass
class EmulatorProcess:
    """The emulator CLI in a process of its own, and everything it printed after its banner.

    :param process: the running process.
    :param base_url: ``http://127.0.0.1:PORT``.
    :param account_sid: the account.
    :param auth_token: its token (the secret the test looks for).
    :param conn_uri: the Airflow connection URI of the account.
    """

    process: subprocess.Popen[str]
    base_url: str
    account_sid: str
    auth_token: str
    conn_uri: str
    output: list[str] = field(default_factory=list)
    drain: threading.Thread | None = None

    def read_output(self) -> None:
        """Start keeping what the process prints (in a thread, until its pipe closes)."""
        stream = self.process.stdout
        assert stream is not None
        self.drain = threading.Thread(target=lambda: self.output.extend(stream), daemon=True)
        self.drain.start()

    def stop(self) -> str:
        """Stop the process (SIGTERM) and return everything it printed after its banner."""
        if self.process.poll() is None:
            self.process.terminate()
        self.process.wait(15)
        if self.drain is not None:
            self.drain.join(15)
        return "".join(self.output)

    def control(self, method: str, path: str, body: Any = None) -> Any:
        """Call ``/_emulator/{path}`` with the account's credentials; return the decoded JSON."""
        request = urllib.request.Request(
            f"{self.base_url}/_emulator/{path}",
            data=None if body is None else json.dumps(body).encode(),
            method=method,
            headers={"Content-Type": "application/json", "Authorization": f"Basic {_basic(self)}"},
        )
        with urllib.request.urlopen(request, timeout=10) as response:
            return json.loads(response.read() or b"null")


def _basic(emulator: EmulatorProcess) -> str:
    return base64.b64encode(f"{emulator.account_sid}:{emulator.auth_token}".encode()).decode()


def test_the_scan_finds_each_form_of_the_credentials() -> None:
    sid, token = "AC" + "0123456789abcdef" * 2, "fedcba9876543210" * 2
    forms = secret_forms(sid, token)
    header = "Authorization: Basic " + base64.b64encode(f"{sid}:{token}".encode()).decode()
    sources = {
        "log": f"token={token.upper()}",
        "xcom": header,
        "uri": f"http://{sid}:{token}@host/",
        "ok": sid,
    }
    assert credential_leaks(sources, forms) == [
        ("log", "Auth Token"),
        ("xcom", "Basic credentials"),
        ("uri", "Auth Token"),
        ("uri", "sid:token"),
    ]


@pytest.fixture
def emulator_process(monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Iterator[EmulatorProcess]:
    """Start the emulator CLI (request log on); point the default connection at it."""
    command = [sys.executable, "-m", "airflow_provider_twilio2008.emulator", "--port", "0"]
    command += ["--time-scale", "50", "--access-log"]
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, text=True
    )
    assert process.stdout is not None
    try:
        deadline = time.monotonic() + STARTUP_TIMEOUT
        conn_uri = ""
        while not conn_uri and time.monotonic() < deadline:
            line = process.stdout.readline()
            if not line:
                break
            if line.startswith(CONN_LINE):
                conn_uri = line.strip()[len(CONN_LINE) :]
        assert conn_uri, "the emulator printed no connection line"
        from airflow.models.connection import Connection

        conn = Connection(uri=conn_uri)
        emulator = EmulatorProcess(process, conn.host, conn.login or "", conn.password or "", conn_uri)
        emulator.read_output()
        monkeypatch.setenv("AIRFLOW_CONN_TWILIO2008_DEFAULT", conn_uri)
        yield emulator
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(15)


def _since(started: datetime) -> Any:
    return started.replace(tzinfo=timezone.utc) if started.tzinfo is None else started


def collect_metadata(result: DagResult, started: datetime) -> dict[str, str]:
    """Return, by source, the text a run left in the metadata database.

    :param result: the run.
    :param started: when the run started (trigger rows created since then are the run's).
    """
    from airflow.models.log import Log
    from airflow.models.renderedtifields import RenderedTaskInstanceFields
    from airflow.models.taskinstance import TaskInstance
    from airflow.models.trigger import Trigger
    from airflow.models.xcom import XComModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    run = result.run
    key = (run.dag_id, run.run_id)
    with create_session() as session:
        xcoms = session.scalars(
            select(XComModel).where(XComModel.dag_id == key[0], XComModel.run_id == key[1])
        ).all()
        rendered = session.scalars(
            select(RenderedTaskInstanceFields).where(
                RenderedTaskInstanceFields.dag_id == key[0], RenderedTaskInstanceFields.run_id == key[1]
            )
        ).all()
        triggers = session.scalars(select(Trigger).where(Trigger.created_date >= _since(started))).all()
        tis = session.scalars(
            select(TaskInstance).where(TaskInstance.dag_id == key[0], TaskInstance.run_id == key[1])
        ).all()
        audit = session.scalars(select(Log).where(Log.dag_id == key[0], Log.run_id == key[1])).all()
        return {
            "XCom": json.dumps([[x.task_id, x.map_index, x.key, x.value] for x in xcoms], default=str),
            "rendered template fields": json.dumps(
                [[r.task_id, r.map_index, r.rendered_fields, r.k8s_pod_yaml] for r in rendered], default=str
            ),
            "trigger kwargs": json.dumps([[t.classpath, t.kwargs] for t in triggers], default=str),
            "trigger rows as stored": json.dumps([t.encrypted_kwargs for t in triggers]),
            "task instances' next_kwargs": json.dumps([[t.task_id, t.next_kwargs] for t in tis], default=str),
            "DAG run conf": json.dumps(run.conf, default=str),
            "audit log": json.dumps([[a.event, a.extra] for a in audit], default=str),
        }


def collect_files(started: float) -> dict[str, str]:
    """Return the metadata database file's bytes and the log files written since ``started``.

    :param started: ``time.time()`` when the run started.
    """
    from airflow import settings
    from airflow.configuration import conf

    sources: dict[str, str] = {}
    database = Path((settings.SQL_ALCHEMY_CONN or "").removeprefix("sqlite:///"))
    for path in (database, database.with_name(database.name + "-wal")):
        if path.is_file():
            sources[f"database file {path.name}"] = path.read_bytes().decode("latin-1")
    logs = Path(conf.get("logging", "base_log_folder"))
    for path in sorted(logs.rglob("*")) if logs.is_dir() else []:
        if path.is_file() and path.stat().st_mtime >= started:
            sources[f"log file {path.relative_to(logs)}"] = path.read_text(errors="replace")
    return sources


@dataclass
class Example:
    """How one example DAG is run for the check, and what its sources must show.

    :param dag_id: the example DAG.
    :param conf: the run's conf.
    :param env: environment variables the DAG reads at parse time.
    :param faults: emulator fault rules set before the run.
    :param callees: emulator callee scripts set before the run (number -> fields).
    :param state: the run's expected end state.
    :param deferrable: whether tasks defer (so triggers run and leave kwargs and output).
    :param rendered: a value the rendered template fields must show (``{base_url}`` is filled).
    :param texted: a number the run must have texted (the path under test was taken).
    """

    dag_id: str
    conf: dict[str, Any] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    faults: list[dict[str, Any]] = field(default_factory=list)
    callees: dict[str, dict[str, Any]] = field(default_factory=dict)
    state: str = "success"
    deferrable: bool = False
    rendered: str = "{base_url}"
    texted: str | None = None


EXAMPLES = [
    Example("twilio2008_survey_call", conf={"recordings_dir": "{tmp_path}"}),
    # The callee speaks long enough (2 s at time scale 50) that the call is still going when the
    # task first checks it, however slow the machine: the task defers and its trigger polls.
    Example(
        "twilio2008_survey_call_deferrable",
        faults=[FAIL_ONE_CALL_ROUND],
        callees={"4155550134": {"record_seconds": 100}},
        deferrable=True,
    ),
    # The failing fan-out: error texts in the logs, and the failure notifier's rendering and SMS.
    Example(
        "twilio2008_sms_fanout",
        faults=[FAIL_FANOUT],
        state="failed",
        rendered="4155550101",
        texted="4155550199",
    ),
    # The primary stays silent: the SMS wait times out in its trigger, the secondary is called.
    Example(
        "twilio2008_oncall_escalation",
        env={"TWILIO2008_ACK_WAIT_SECONDS": "4"},
        conf={"twiml_url": "{base_url}/twiml/pause?length=60"},  # a call that lasts, as above
        faults=[FAIL_ONE_CALL_ROUND],
        deferrable=True,
    ),
]


def test_every_example_dag_is_checked() -> None:
    from tests.test_dags import EXAMPLES as ALL_EXAMPLES

    assert sorted(example.dag_id for example in EXAMPLES) == sorted(ALL_EXAMPLES)


@pytest.mark.parametrize("example", EXAMPLES, ids=[example.dag_id for example in EXAMPLES])
def test_no_source_of_an_example_run_holds_the_auth_token(
    example: Example,
    emulator_process: EmulatorProcess,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
    tmp_path: Path,
) -> None:
    emulator = emulator_process
    caplog.set_level(logging.DEBUG, logger="airflow_provider_twilio2008")
    for name, value in example.env.items():
        monkeypatch.setenv(name, value)
    if example.faults:
        emulator.control("POST", "faults", {"rules": example.faults, "replace": True})
    for number, script in example.callees.items():
        emulator.control("PUT", f"callees/{number}", script)
    conf = {
        name: str(value).format(tmp_path=tmp_path, base_url=emulator.base_url)
        for name, value in example.conf.items()
    }
    started_wall, started = time.time(), datetime.now(timezone.utc)
    result = run_dag(example.dag_id, **conf)
    assert result.state == example.state, result.states
    state = emulator.control("GET", "state")

    captured = capfd.readouterr()
    sources = {"task logs and trigger output": captured.out + captured.err + caplog.text}
    sources["emulator output"] = emulator.stop()
    sources.update(collect_metadata(result, started))
    sources.update(collect_files(started_wall))

    if example.texted:
        assert example.texted in [sms["to"] for sms in state["sms"]], state["sms"]

    # Each source was really collected: it shows a known non-secret value of this run.
    created = [call["sid"] for call in state["calls"]] + [sms["sid"] for sms in state["sms"]]
    assert created, state
    seen = {
        "task logs and trigger output": any(
            sid in sources["task logs and trigger output"] for sid in created
        ),
        "emulator output": f"/2008-08-01/Accounts/{emulator.account_sid}/" in sources["emulator output"],
        "XCom": any(sid in sources["XCom"] for sid in created),
        "rendered template fields": example.rendered.format(base_url=emulator.base_url)
        in sources["rendered template fields"],
        "database file": any(
            sid in text
            for name, text in sources.items()
            if name.startswith("database file")
            for sid in created
        ),
    }
    if example.deferrable:
        calls = [call["sid"] for call in state["calls"]]
        seen["trigger kwargs"] = any(sid in sources["trigger kwargs"] for sid in calls)
        seen["trigger output"] = POLLER_WARNING in sources["task logs and trigger output"]
    assert [source for source, ok in seen.items() if not ok] == []

    print(f"\n{example.dag_id}: scanned", {source: len(text) for source, text in sources.items()})
    found = credential_leaks(sources, secret_forms(emulator.account_sid, emulator.auth_token))
    assert not found, f"credentials found (source, form): {found}"
