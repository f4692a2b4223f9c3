"""Every sensor's ``timeout`` holds in poke and deferrable mode, whatever the API does meanwhile.

An outside test left deferred waits running at 45-60 s past a 4 s ``timeout`` while every
``GET`` answered 503 or the API was down: the triggers only looked at the deadline when a poll
succeeded. Here each wait of the deadline DAGs (a call, a recording, an SMS reply; 4 s each,
polling every 0.5 s) must end failed, by its deadline, within one poll interval and one
request deadline of it.
"""

from __future__ import annotations

import socket
import time
from typing import Any

import pytest

from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from tests.helpers import run_dag

#: Each wait's timeout (the DAG's DEADLINE), its poll interval, and the connection's request bound.
DEADLINE, POLL, REQUEST_BOUND = 4.0, 0.5, 3 * 1.0
#: What dag.test() itself costs per task (parsing, starting, recording states), measured at ~1 s.
OVERHEAD = 2.0
WAITS = ("call", "recording", "reply")


def _live_call(emulator: Any) -> str:
    with Twilio2008Hook() as hook:
        return hook.make_call("4155550134", None, f"{emulator.base_url}/twiml/pause?length=3600").sid


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture
def emulator(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Any:
    """The emulator behind a connection that bounds each request at 3 s and never re-tries."""
    twilio2008_emulator.set_connection_env(monkeypatch, timeout=1, retries=0)
    return twilio2008_emulator


def _assert_every_wait_ended_at_its_deadline(result: Any, elapsed: float, text: str) -> None:
    assert result.states == dict.fromkeys(WAITS, "failed")
    assert all(result.tries(task) == 1 for task in WAITS)  # a timeout is not retried
    assert elapsed < len(WAITS) * (DEADLINE + POLL + REQUEST_BOUND + OVERHEAD)
    assert text.count("AirflowSensorTimeout") >= len(WAITS)


@pytest.mark.parametrize("mode", ["poke", "deferrable"])
def test_every_wait_ends_at_its_deadline_while_every_get_answers_503(
    emulator: Any, mode: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    call_sid = _live_call(emulator)
    emulator.add_fault("error503", method="GET", retry_after=0)
    started = time.monotonic()
    result = run_dag(f"twilio2008_test_deadline_sensors_{mode}", call_sid=call_sid)
    elapsed = time.monotonic() - started
    _assert_every_wait_ended_at_its_deadline(result, elapsed, caplog.text + "".join(capfd.readouterr()))
    assert emulator.control("GET", "faults")["injected"] > 0  # the API really was failing


@pytest.mark.parametrize("mode", ["poke", "deferrable"])
def test_every_wait_ends_at_its_deadline_while_the_api_is_down(
    emulator: Any,
    mode: str,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    call_sid = _live_call(emulator)
    import json

    down = json.loads(emulator.conn_json)
    down["host"] = f"http://127.0.0.1:{_closed_port()}"
    down["extra"].update(timeout=1, retries=0)
    monkeypatch.setenv("AIRFLOW_CONN_TWILIO2008_DEFAULT", json.dumps(down))
    started = time.monotonic()
    result = run_dag(f"twilio2008_test_deadline_sensors_{mode}", call_sid=call_sid)
    elapsed = time.monotonic() - started
    _assert_every_wait_ended_at_its_deadline(result, elapsed, caplog.text + "".join(capfd.readouterr()))
