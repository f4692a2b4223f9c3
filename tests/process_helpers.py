"""Helpers of the tests that run real Airflow processes (api-server, scheduler, dag-processor, triggerer).

``tests/test_airflow_processes.py`` explains what Airflow 3.3 needs to run them side by side on
one SQLite database; ``tests/integration`` uses the same harness.
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

T = TypeVar("T")

REPO = Path(__file__).resolve().parent.parent
STARTUP_TIMEOUT = 90.0
RUN_TIMEOUT = 240.0
GRACE = 10.0
#: What the poller logs when a round failed transiently (the trigger keeps waiting).
HELD_ROUND = "trying again next round"


def free_port() -> int:
    """Return a TCP port free on loopback now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def airflow_env(home: Path, conn_uri: str, api_port: int) -> dict[str, str]:
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
    """Send ``sig`` to the process group ``process`` leads (gone already is fine)."""
    try:
        os.killpg(process.pid, sig)
    except (ProcessLookupError, PermissionError):
        pass


class Airflow:
    """The Airflow processes of one test; their output goes to ``home / "proc" / NAME.log``.

    :param home: the ``AIRFLOW_HOME`` (created by the caller).
    :param env: the processes' environment (:func:`airflow_env`).
    :param dag_id: the DAG the test runs (its task logs are shown when an assertion fails).
    :param run_id: the run the test triggers.
    """

    def __init__(self, home: Path, env: dict[str, str], *, dag_id: str, run_id: str) -> None:
        self.home = home
        self.env = env
        self.dag_id = dag_id
        self.run_id = run_id
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
        folder = self.home / "logs" / f"dag_id={self.dag_id}" / f"run_id={self.run_id}" / f"task_id={task_id}"
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
        for path in sorted((self.home / "logs").glob(f"dag_id={self.dag_id}/run_id=*/task_id=*/*")):
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
            self.dag_id,
            self.run_id,
            task_id,
        )
        if not rows or rows[0][0] != "deferred" or rows[0][2] != "TriggererJob":
            return None
        _worker_log, trigger_logs = self.task_logs(task_id)
        return rows[0] if any(HELD_ROUND in text for text in trigger_logs.values()) else None

    def run_state(self) -> str | None:
        """Return the run's state once it has ended."""
        rows = self.query(
            "SELECT state FROM dag_run WHERE dag_id = ? AND run_id = ?", self.dag_id, self.run_id
        )
        return rows[0][0] if rows and rows[0][0] in ("success", "failed") else None


def api_ready(port: int) -> bool:
    """Return whether the api-server on ``port`` answers its version."""
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/api/v2/version", timeout=2) as response:
            return response.status == 200
    except OSError:  # refused, reset, timed out; urllib.error.URLError is an OSError
        return False
