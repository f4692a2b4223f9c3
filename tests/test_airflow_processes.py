"""The deferrable survey DAG under real Airflow processes: its waits run in ``airflow triggerer``.

``dag.test()`` (``tests/test_dags.py``) runs triggers in the test process. This test runs the
example DAG ``twilio2008_survey_call_deferrable`` the way a deployment does: ``airflow
api-server``, ``airflow scheduler`` (LocalExecutor), ``airflow dag-processor`` and ``airflow
triggerer``, each its own process, sharing a SQLite metadata database in a fresh
``AIRFLOW_HOME``; the run is started with ``airflow dags trigger``. The emulator runs in a
thread of the pytest process (``twilio2008_emulator``); the Airflow processes reach it through
``AIRFLOW_CONN_TWILIO2008_DEFAULT``.

What Airflow 3.3.2 needs for that (every variable is set explicitly; nothing ``AIRFLOW*`` is
inherited from the test session, whose ``conftest.py`` points Airflow at its own home and
bundles):

- SQLite with LocalExecutor works as it is: ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=
  sqlite:////abs/path/airflow.db`` (an absolute path), no other ``[database]`` option. Airflow 3
  no longer refuses this pair, and four processes plus the task runners share the file
  without "database is locked" errors at ``[core] parallelism`` 4.
- ``[core] execution_api_server_url`` = ``http://127.0.0.1:PORT/execution/`` of the api-server
  started here on a free loopback port (task runners and the triggerer talk to it), and one
  ``[api_auth] jwt_secret`` for all processes (the scheduler signs the task tokens the
  api-server checks; without it each process would make up its own).
- ``--skip-serve-logs`` for the scheduler and the triggerer: their log servers would take the
  fixed ports 8793 and 8794, which a parallel run (or another Airflow) may hold.
- Short intervals, so the hand-offs take fractions of a second: ``[dag_processor]
  refresh_interval`` / ``min_file_process_interval``, ``[scheduler]
  scheduler_idle_sleep_time``, ``[triggerer] job_heartbeat_sec``.
- ``[core] dags_are_paused_at_creation`` keeps its default; the test unpauses the DAG with
  ``airflow dags unpause`` once the dag-processor has stored it.

Each wait is made to happen in the triggerer whatever the machine's speed: emulator faults (503,
``Retry-After: 0``) on the GETs of the calls, then of the transcriptions, make the worker's
first check find nothing (a transient error means "still waiting"), so the task defers; the
triggerer's poller skips its rounds until the test lifts the fault, which it does once it has
seen, in the metadata database and the trigger's log, the task deferred and its trigger polling
in the triggerer job, and, in the emulator, the call (then the transcription) finished.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

import pytest

from airflow_provider_twilio2008.api.records import CallStatus

T = TypeVar("T")

REPO = Path(__file__).resolve().parent.parent
DAG_ID = "twilio2008_survey_call_deferrable"
RUN_ID = "manual__airflow_processes_test"
TRIGGERS = {
    "call_and_wait": "airflow_provider_twilio2008.triggers.calls.CallCompletedTrigger",
    "wait_for_answer": "airflow_provider_twilio2008.triggers.calls.RecordingAvailableTrigger",
}
STARTUP_TIMEOUT = 90.0
RUN_TIMEOUT = 240.0
GRACE = 10.0
#: What the poller logs when a round failed transiently (the trigger keeps waiting).
HELD_ROUND = "trying again next round"

HOLD_CALLS = {"kind": "error503", "method": "GET", "path": r"/Calls(/CA[0-9a-fA-F]{32})?$", "retry_after": 0}
HOLD_TRANSCRIPTIONS = {"kind": "error503", "method": "GET", "path": r"/Transcriptions$", "retry_after": 0}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _airflow_env(home: Path, conn_uri: str, api_port: int) -> dict[str, str]:
    """Return the processes' environment: this one without ``AIRFLOW*``, plus the test's settings."""
    env = {
        name: value for name, value in os.environ.items() if not name.startswith(("AIRFLOW", "TWILIO2008_"))
    }
    env.pop("PYTEST_CURRENT_TEST", None)
    env.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__DAGS_FOLDER": str(REPO / "dags_examples"),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
            "AIRFLOW__CORE__PARALLELISM": "4",
            "AIRFLOW__CORE__EXECUTION_API_SERVER_URL": f"http://127.0.0.1:{api_port}/execution/",
            "AIRFLOW__CORE__UNIT_TEST_MODE": "False",
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__API__HOST": "127.0.0.1",
            "AIRFLOW__API__PORT": str(api_port),
            "AIRFLOW__API__WORKERS": "1",
            "AIRFLOW__API__BASE_URL": f"http://127.0.0.1:{api_port}",
            "AIRFLOW__API__SECRET_KEY": "twilio2008-airflow-processes-test-key",
            "AIRFLOW__API_AUTH__JWT_SECRET": "twilio2008-airflow-processes-test-jwt-secret-"
            + "0123456789abcdef" * 4,
            "AIRFLOW__SCHEDULER__SCHEDULER_IDLE_SLEEP_TIME": "0.2",
            "AIRFLOW__SCHEDULER__JOB_HEARTBEAT_SEC": "1",
            "AIRFLOW__SCHEDULER__SCHEDULER_HEARTBEAT_SEC": "1",
            "AIRFLOW__SCHEDULER__ENABLE_HEALTH_CHECK": "False",
            "AIRFLOW__DAG_PROCESSOR__REFRESH_INTERVAL": "2",
            "AIRFLOW__DAG_PROCESSOR__MIN_FILE_PROCESS_INTERVAL": "2",
            "AIRFLOW__DAG_PROCESSOR__BUNDLE_REFRESH_CHECK_INTERVAL": "1",
            "AIRFLOW__TRIGGERER__JOB_HEARTBEAT_SEC": "1",
            "AIRFLOW_CONN_TWILIO2008_DEFAULT": conn_uri,
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def _signal_group(process: subprocess.Popen[bytes], sig: int) -> None:
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Airflow:
    """The Airflow processes of one test; their output goes to ``home / "proc" / NAME.log``."""

    def __init__(self, home: Path, env: dict[str, str]) -> None:
        self.home = home
        self.env = env
        self.db = home / "airflow.db"
        self.output = home / "proc"
        self.output.mkdir(parents=True)
        self.processes: dict[str, subprocess.Popen[bytes]] = {}

    def cli(self, *args: str, timeout: float = 120.0) -> str:
        """Run an ``airflow`` command to its end and return its stdout; fail with its output."""
        done = subprocess.run(
            [sys.executable, "-m", "airflow", *args],
            env=self.env,
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
        )
        if done.returncode != 0:
            raise AssertionError(
                f"airflow {' '.join(args)} exited {done.returncode}\n"
                f"stdout:\n{done.stdout[-3000:]}\nstderr:\n{done.stderr[-3000:]}"
            )
        return done.stdout

    def start(self, name: str, *args: str) -> None:
        """Start ``airflow NAME ARGS`` in a process group of its own."""
        with open(self.output / f"{name}.log", "wb") as out:
            self.processes[name] = subprocess.Popen(
                [sys.executable, "-m", "airflow", name, *args],
                env=self.env,
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    def stop(self) -> None:
        """SIGTERM every process group, then SIGKILL the groups after a grace period."""
        for process in self.processes.values():
            if process.poll() is None:
                _signal_group(process, signal.SIGTERM)
        deadline = time.monotonic() + GRACE
        for process in self.processes.values():
            try:
                process.wait(max(0.1, deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                pass
        for process in self.processes.values():
            _signal_group(process, signal.SIGKILL)  # also task runners left behind by their leader
            if process.poll() is None:
                process.wait(GRACE)

    def log(self, name: str) -> str:
        """Return what process ``name`` wrote so far."""
        path = self.output / f"{name}.log"
        return path.read_text(errors="replace") if path.exists() else ""

    def task_logs(self, task_id: str) -> tuple[str, dict[str, str]]:
        """Return the task runner's log of try 1 of ``task_id`` and its triggers' logs (by file name)."""
        folder = self.home / "logs" / f"dag_id={DAG_ID}" / f"run_id={RUN_ID}" / f"task_id={task_id}"
        worker = folder / "attempt=1.log"
        triggers = {
            path.name: path.read_text(errors="replace") for path in folder.glob("attempt=1.log.trigger.*")
        }
        return (worker.read_text(errors="replace") if worker.exists() else ""), triggers

    def tails(self, lines: int = 40) -> str:
        """Return the last lines of every process's output and of the run's task logs."""
        parts = []
        for name in self.processes:
            tail = "\n".join(self.log(name).splitlines()[-lines:])
            parts.append(f"----- airflow {name} (last {lines} lines) -----\n{tail}")
        for path in sorted((self.home / "logs").glob(f"dag_id={DAG_ID}/run_id=*/task_id=*/*")):
            tail = "\n".join(line[:500] for line in path.read_text(errors="replace").splitlines()[-10:])
            parts.append(f"----- {path.relative_to(self.home)} (last 10 lines) -----\n{tail}")
        return "\n".join(parts)

    @contextmanager
    def explained(self) -> Iterator[None]:
        """Add the tails of the logs to any assertion failing inside, so CI output explains it."""
        try:
            yield
        except AssertionError as exc:
            raise AssertionError(f"{exc}\n{self.tails()}") from None

    def check_alive(self) -> None:
        """Fail if one of the processes has exited."""
        for name, process in self.processes.items():
            if process.poll() is not None:
                raise AssertionError(f"airflow {name} exited with {process.returncode}")

    def query(self, sql: str, *params: Any) -> list[tuple[Any, ...]]:
        """Read the metadata database (read-only; waits out the processes' write locks)."""
        if not self.db.exists():
            return []
        with sqlite3.connect(f"file:{self.db}?mode=ro", uri=True, timeout=30) as db:
            try:
                return db.execute(sql, params).fetchall()
            except sqlite3.OperationalError as exc:
                if "no such table" in str(exc):
                    return []
                raise

    def wait(self, what: str, ready: Callable[[], T], timeout: float = RUN_TIMEOUT) -> T:
        """Poll ``ready()`` until it returns something true and return that; fail after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        while True:
            value = ready()
            if value:
                return value
            self.check_alive()
            if time.monotonic() > deadline:
                raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what}")
            time.sleep(0.25)

    def held_in_triggerer(self, task_id: str) -> tuple[Any, ...] | None:
        """Return ``(state, trigger classpath, job type)`` once ``task_id`` is deferred and its
        trigger, held by a triggerer job, has polled at least once (a held round in its log)."""
        rows = self.query(
            "SELECT ti.state, t.classpath, j.job_type FROM task_instance ti"
            " JOIN trigger t ON t.id = ti.trigger_id LEFT JOIN job j ON j.id = t.triggerer_id"
            " WHERE ti.dag_id = ? AND ti.run_id = ? AND ti.task_id = ?",
            DAG_ID,
            RUN_ID,
            task_id,
        )
        if not rows or rows[0][0] != "deferred" or rows[0][2] != "TriggererJob":
            return None
        _worker_log, trigger_logs = self.task_logs(task_id)
        return rows[0] if any(HELD_ROUND in text for text in trigger_logs.values()) else None

    def run_state(self) -> str | None:
        """Return the run's state once it has ended."""
        rows = self.query("SELECT state FROM dag_run WHERE dag_id = ? AND run_id = ?", DAG_ID, RUN_ID)
        return rows[0][0] if rows and rows[0][0] in ("success", "failed") else None


def _api_ready(port: int) -> bool:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/version", timeout=2) as response:
            return response.status == 200
    except OSError:  # refused, reset, timed out; urllib.error.URLError is an OSError
        return False


@pytest.fixture
def airflow_processes(tmp_path: Path, twilio2008_emulator: Any) -> Iterator[Airflow]:
    """A migrated Airflow home with the api-server, scheduler, dag-processor and triggerer running."""
    home = tmp_path / "airflow"
    home.mkdir()
    port = _free_port()
    airflow = Airflow(home, _airflow_env(home, twilio2008_emulator.conn_uri, port))
    airflow.cli("db", "migrate")
    try:
        airflow.start("api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1")
        airflow.start("scheduler", "--skip-serve-logs")
        airflow.start("dag-processor")
        airflow.start("triggerer", "--skip-serve-logs")
        with airflow.explained():
            airflow.wait("the api-server", lambda: _api_ready(port), STARTUP_TIMEOUT)
        yield airflow
    finally:
        airflow.stop()


@pytest.mark.twilio2008_time_scale(50)
def test_deferrable_survey_dag_waits_in_the_triggerer(
    airflow_processes: Airflow, twilio2008_emulator: Any
) -> None:
    airflow, emulator = airflow_processes, twilio2008_emulator
    with airflow.explained():
        airflow.wait(
            f"the dag-processor to store {DAG_ID}",
            lambda: airflow.query("SELECT 1 FROM serialized_dag WHERE dag_id = ?", DAG_ID),
            STARTUP_TIMEOUT,
        )
        emulator.control("POST", "faults", {"rules": [HOLD_CALLS, HOLD_TRANSCRIPTIONS], "replace": True})
        airflow.cli("dags", "unpause", DAG_ID)
        airflow.cli("dags", "trigger", DAG_ID, "--run-id", RUN_ID)

        # The call ends while call_and_wait is deferred and its trigger polls in the triggerer.
        held = {
            "call_and_wait": airflow.wait(
                "call_and_wait to wait in the triggerer", lambda: airflow.held_in_triggerer("call_and_wait")
            )
        }
        airflow.wait(
            "the call to end",
            lambda: [call for call in emulator.state()["calls"] if call["status"] == CallStatus.COMPLETED],
        )
        emulator.control("POST", "faults", {"rules": [HOLD_TRANSCRIPTIONS], "replace": True})
        # The transcription completes while wait_for_answer is deferred, its trigger in the triggerer.
        held["wait_for_answer"] = airflow.wait(
            "wait_for_answer to wait in the triggerer", lambda: airflow.held_in_triggerer("wait_for_answer")
        )
        airflow.wait(
            "the transcription",
            lambda: [text for text in emulator.state()["transcriptions"] if text["status"] == "completed"],
        )
        emulator.clear_faults()
        state = airflow.wait(f"run {RUN_ID} to end", airflow.run_state)

        tis = airflow.query(
            "SELECT task_id, state, try_number FROM task_instance WHERE dag_id = ? AND run_id = ?",
            DAG_ID,
            RUN_ID,
        )
        assert state == "success", f"the run ended {state}: {tis}"
        assert sorted(tis) == [
            ("call_and_wait", "success", 1),
            ("text_summary", "success", 1),
            ("wait_for_answer", "success", 1),
        ]
        assert held == {
            task_id: ("deferred", classpath, "TriggererJob") for task_id, classpath in TRIGGERS.items()
        }

        # Airflow's audit log: each wait ran, deferred, ran again to resume, and succeeded.
        events: dict[str, list[str]] = {}
        for task_id, event in airflow.query(
            "SELECT task_id, event FROM log WHERE dag_id = ? AND run_id = ? ORDER BY id", DAG_ID, RUN_ID
        ):
            events.setdefault(task_id, []).append(event)
        assert events == {
            "call_and_wait": ["running", "deferred", "running", "success"],
            "wait_for_answer": ["running", "deferred", "running", "success"],
            "text_summary": ["running", "success"],
        }

        # The triggerer wrote each trigger's log: it started, its poller (the provider's, logging
        # as airflow_provider_twilio2008.triggers.poller) was held, then it fired "done". The
        # task runner only checked once, deferred, and resumed from the event.
        for task_id in TRIGGERS:
            worker_log, trigger_logs = airflow.task_logs(task_id)
            assert len(trigger_logs) == 1, (task_id, sorted(trigger_logs))
            (trigger_log,) = trigger_logs.values()
            expected = (" starting", "airflow_provider_twilio2008.triggers.poller", HELD_ROUND)
            expected += ("Trigger fired event", "'status': 'done'", "trigger completed")
            assert [text for text in expected if text not in trigger_log] == [], (
                task_id,
                trigger_log[-3000:],
            )
            assert "Check failed, will try again" in worker_log, (task_id, worker_log[-3000:])
            assert "Pausing task as DEFERRED" in worker_log, (task_id, worker_log[-3000:])
            assert "twilio2008 poller" not in worker_log, (task_id, worker_log[-3000:])

        # What the emulator holds: the call, its recording and transcription, and the text.
        account = emulator.state()
        (call,) = account["calls"]
        assert (call["status"], call["called"]) == (CallStatus.COMPLETED, "4155550134"), call
        (recording,) = account["recordings"]
        assert recording["call_sid"] == call["sid"], recording
        (transcription,) = account["transcriptions"]
        assert transcription["recording_sid"] == recording["sid"], transcription
        assert transcription["status"] == "completed" and transcription["transcription_text"], transcription
        (sms,) = account["sms"]
        assert sms["to"] == "4155550199", sms
        assert sms["body"] == f"Survey answer: {transcription['transcription_text'][:140]}", sms
