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

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.api.records import CallStatus
from tests.process_helpers import (
    HELD_ROUND,
    STARTUP_TIMEOUT,
    Airflow,
    airflow_env,
    api_ready,
    free_port,
)

DAG_ID = "twilio2008_survey_call_deferrable"
RUN_ID = "manual__airflow_processes_test"
TRIGGERS = {
    "call_and_wait": "airflow_provider_twilio2008.triggers.calls.CallCompletedTrigger",
    "wait_for_answer": "airflow_provider_twilio2008.triggers.calls.RecordingAvailableTrigger",
}

HOLD_CALLS = {"kind": "error503", "method": "GET", "path": r"/Calls(/CA[0-9a-fA-F]{32})?$", "retry_after": 0}
HOLD_TRANSCRIPTIONS = {"kind": "error503", "method": "GET", "path": r"/Transcriptions$", "retry_after": 0}


@pytest.fixture
def airflow_processes(tmp_path: Path, twilio2008_emulator: Any) -> Iterator[Airflow]:
    """A migrated Airflow home with the api-server, scheduler, dag-processor and triggerer running."""
    home = tmp_path / "airflow"
    home.mkdir()
    port = free_port()
    airflow = Airflow(
        home, airflow_env(home, twilio2008_emulator.conn_uri, port), dag_id=DAG_ID, run_id=RUN_ID
    )
    airflow.cli("db", "migrate")
    try:
        airflow.start("api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1")
        airflow.start("scheduler", "--skip-serve-logs")
        airflow.start("dag-processor")
        airflow.start("triggerer", "--skip-serve-logs")
        with airflow.explained():
            airflow.wait("the api-server", lambda: api_ready(port), STARTUP_TIMEOUT)
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
