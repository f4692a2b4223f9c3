"""100 calls and 100 SMS through the operators, with one REST request in five faulted: none twice.

The DAG ``twilio2008_test_faults`` (``tests/dags/twilio2008_test_faults.py``) runs under
``dag.test()`` against an emulator whose fault rules hit about 20 % of the REST requests (the
creates, and the lists and fetches the operators make to reconcile): 500s and 503s (with
``Retry-After``) that did not run the request, connections dropped before the request ran, and
answers lost after it ran (dropped, truncated mid-body, or cut into unparseable XML), plus
latency past the client's timeout. The emulator's fault dice are seeded. Every task must
succeed (with retries), and the emulator must hold exactly one call per number called and one
SMS per number texted: a create that may have taken effect is adopted, never sent again.

Also here: a task whose process is killed with ``SIGKILL`` right after its create got its 201,
under a real scheduler and LocalExecutor (``tests/dags/twilio2008_test_sigkill.py``), adopts
the call or SMS on its retry; and a failed try of an SMS list says, per number, whether it was
not sent, may have been sent, or was sent by an earlier try but could not be read back.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import time
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.emulator.control.faults import KINDS, FaultRule
from airflow_provider_twilio2008.emulator.server import EmulatorConfig, EmulatorServer
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.dags.twilio2008_test_faults import (
    BATCHES,
    BODY,
    CALLED,
    CALLS_CONN,
    RETRIES,
    RETRY_DELAY,
    TEXTED,
)
from tests.helpers import credential_leaks, run_dag, secret_forms
from tests.process_helpers import STARTUP_TIMEOUT, Airflow, airflow_env, api_ready, free_port

#: Seconds the client waits for an answer (the connections' ``timeout`` extra).
CLIENT_TIMEOUT = 1.0
#: The hook's re-tries of a failed GET (the ``retries`` extra): none for the calls, so a faulted
#: list fails the try that looks for a create whose answer was lost, and only what that try
#: noted before sending lets a later one adopt the call; two for the SMS, whose retries fetch
#: again each message an earlier try sent.
HOOK_RETRIES = {CALLS_CONN: 0, "twilio2008_default": 2}
#: Latency of the ``latency`` fault, past the client's timeout. Twilio may still run a create
#: after its client gave up (the emulator runs none whose client left first); the retry comes
#: ``RETRY_DELAY`` later, after such a late create, and must find it.
LATENCY_MS = 1500
#: The fault rules: chances add up to 0.20 (each rule rolls on its own for each REST request).
FAULTS: list[dict[str, Any]] = [
    {"kind": "error500", "probability": 0.03},
    {"kind": "error503", "probability": 0.03, "retry_after": 1},
    {"kind": "drop", "probability": 0.02},
    {"kind": "drop", "probability": 0.04, "after": True},
    {"kind": "truncate", "probability": 0.03},
    {"kind": "cut", "probability": 0.03},
    {"kind": "latency", "probability": 0.02, "latency_ms": LATENCY_MS, "method": "POST"},
]
#: Seed of the emulator's fault dice (set TWILIO2008_FAULT_SEED to try others).
SEED = int(os.environ.get("TWILIO2008_FAULT_SEED", "20080801"))
#: Generous bound for the whole run (it takes about a minute on a 2-core machine).
RUN_BOUND = 600.0


@pytest.fixture
def faulty_emulator(monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Iterator[EmulatorHandle]:
    """An emulator with seeded fault dice, and the DAG's two connections to it (1 s timeout)."""
    server = EmulatorServer(EmulatorConfig(time_scale=500.0, fault_seed=SEED)).start()
    try:
        emulator = EmulatorHandle(server)
        for conn_id, retries in HOOK_RETRIES.items():
            connection = {
                "conn_type": "twilio2008",
                "host": emulator.base_url,
                "login": emulator.account_sid,
                "password": emulator.auth_token,
                "extra": {"default_from": "5005550006", "timeout": CLIENT_TIMEOUT, "retries": retries},
            }
            monkeypatch.setenv(f"AIRFLOW_CONN_{conn_id.upper()}", json.dumps(connection))
        yield emulator
    finally:
        server.stop()


def test_the_dag_fits_the_faults() -> None:
    # A create the server runs late (after LATENCY_MS) must have happened before the retry looks.
    assert RETRY_DELAY > LATENCY_MS / 1000 - CLIENT_TIMEOUT + 1
    assert len(set(CALLED)) == len(set(TEXTED)) == 100 and sum(map(len, BATCHES)) == 100
    assert {FaultRule.from_json(rule).kind for rule in FAULTS} == set(KINDS)  # every kind of fault
    assert {rule.get("after", False) for rule in FAULTS if rule["kind"] == "drop"} == {False, True}
    assert round(sum(rule["probability"] for rule in FAULTS), 6) == 0.2


def test_100_calls_and_100_sms_through_20_percent_faults_are_each_created_once(
    faulty_emulator: EmulatorHandle,
) -> None:
    emulator = faulty_emulator
    emulator.control("POST", "faults", {"rules": FAULTS, "replace": True})
    started = time.monotonic()
    result = run_dag("twilio2008_test_faults")
    elapsed = time.monotonic() - started
    faults = emulator.control("GET", "faults")
    emulator.clear_faults()
    handled = emulator.control("GET", "requests")["count"]

    tis = result.run.get_task_instances()
    states = Counter((ti.task_id, str(ti.state)) for ti in tis)
    assert states == {("place_calls", "success"): 100, ("send_sms", "success"): 10}, states
    assert result.state == "success"

    account = emulator.state()
    calls = Counter(call["called"] for call in account["calls"])
    texts = Counter(sms["to"] for sms in account["sms"])
    assert [number for number, count in calls.items() if count > 1] == []  # nobody called twice
    assert [number for number, count in texts.items() if count > 1] == []  # nobody texted twice
    assert sorted(calls) == sorted(CALLED) and len(account["calls"]) == 100
    assert sorted(texts) == sorted(TEXTED) and len(account["sms"]) == 100
    assert {sms["body"] for sms in account["sms"]} == {BODY}

    # What each task returned is the record the emulator holds (an adopted create is the real one).
    by_number = {call["called"]: call["sid"] for call in account["calls"]}
    returned = {ti.map_index: ti.xcom_pull(task_ids="place_calls", map_indexes=ti.map_index) for ti in tis}
    for ti in tis:
        if ti.task_id == "place_calls":
            assert returned[ti.map_index]["sid"] == by_number[CALLED[ti.map_index]], ti.map_index
    sms_sids = {sms["to"]: sms["sid"] for sms in account["sms"]}
    for ti in tis:
        if ti.task_id == "send_sms":
            sent = ti.xcom_pull(task_ids="send_sms", map_indexes=ti.map_index)
            assert [(m["to"], m["sid"]) for m in sent] == [
                (number, sms_sids[number]) for number in BATCHES[ti.map_index]
            ]

    tries = Counter(ti.task_id for ti in tis for _ in range(ti.try_number))
    print(
        f"\nfaults end to end: {elapsed:.1f} s, {faults['injected']} faults injected (latency not "
        f"counted), {handled} REST requests reached the API, task tries {dict(tries)} for 110 task "
        f"instances, at most {max(ti.try_number for ti in tis)} tries of {RETRIES + 1}"
    )
    assert faults["injected"] >= 20  # the faults really happened
    assert max(ti.try_number for ti in tis) > 1  # and some tasks needed their retries
    assert elapsed < RUN_BOUND


# --- SIGKILL right after a create: real Airflow processes ---------------------------------------

SIGKILL_DAG = "twilio2008_test_sigkill"
SIGKILL_RUN = "manual__sigkill_after_create"


@pytest.fixture
def airflow_without_triggerer(tmp_path: Path, twilio2008_emulator: EmulatorHandle) -> Iterator[Airflow]:
    """The api-server, scheduler (LocalExecutor) and dag-processor as processes; only the SIGKILL DAG.

    The harness (environment, process groups, log tails) is ``tests/process_helpers.py``;
    the DAGs folder holds a copy of ``tests/dags/twilio2008_test_sigkill.py`` alone.
    """
    home = tmp_path / "airflow"
    dags = tmp_path / "dags"
    dags.mkdir()
    shutil.copy(Path(__file__).resolve().parent.parent / "dags" / f"{SIGKILL_DAG}.py", dags)
    port = free_port()
    env = airflow_env(home, twilio2008_emulator.conn_uri, port)
    env["AIRFLOW__CORE__DAGS_FOLDER"] = str(dags)
    home.mkdir()
    airflow = Airflow(home, env, dag_id=SIGKILL_DAG, run_id=SIGKILL_RUN)
    airflow.cli("db", "migrate")
    try:
        airflow.start("api-server", "--host", "127.0.0.1", "--port", str(port), "--workers", "1")
        airflow.start("scheduler", "--skip-serve-logs")
        airflow.start("dag-processor")
        with airflow.explained():
            airflow.wait("the api-server", lambda: api_ready(port), STARTUP_TIMEOUT)
        yield airflow
    finally:
        airflow.stop()


def _attempt_log(airflow: Airflow, task_id: str, attempt: int) -> str:
    path = airflow.home / "logs" / f"dag_id={SIGKILL_DAG}" / f"run_id={SIGKILL_RUN}" / f"task_id={task_id}"
    path = path / f"attempt={attempt}.log"
    return path.read_text(errors="replace") if path.exists() else ""


def test_a_task_killed_by_sigkill_right_after_its_create_adopts_it_on_the_retry(
    airflow_without_triggerer: Airflow, twilio2008_emulator: EmulatorHandle
) -> None:
    from tests.dags.twilio2008_test_sigkill import CALLED as KILLED_CALL
    from tests.dags.twilio2008_test_sigkill import TEXTED as KILLED_TEXTS

    airflow, emulator = airflow_without_triggerer, twilio2008_emulator
    with airflow.explained():
        airflow.wait(
            f"the dag-processor to store {SIGKILL_DAG}",
            lambda: airflow.query("SELECT 1 FROM serialized_dag WHERE dag_id = ?", SIGKILL_DAG),
            STARTUP_TIMEOUT,
        )
        airflow.cli("dags", "unpause", SIGKILL_DAG)
        airflow.cli("dags", "trigger", SIGKILL_DAG, "--run-id", SIGKILL_RUN)

        def ended() -> str | None:
            rows = airflow.query(
                "SELECT state FROM dag_run WHERE dag_id = ? AND run_id = ?", SIGKILL_DAG, SIGKILL_RUN
            )
            return rows[0][0] if rows and rows[0][0] in ("success", "failed") else None

        state = airflow.wait(f"run {SIGKILL_RUN} to end", ended)
        tis = airflow.query(
            "SELECT task_id, state, try_number FROM task_instance WHERE dag_id = ? AND run_id = ?",
            SIGKILL_DAG,
            SIGKILL_RUN,
        )
        assert state == "success", f"the run ended {state}: {tis}"
        assert sorted(tis) == [("call", "success", 2), ("texts", "success", 2)]

        # Try 1 of each task really died by SIGKILL, after its create (the supervisor says so).
        for task_id in ("call", "texts"):
            first = _attempt_log(airflow, task_id, 1)
            assert "Process terminated by signal" in first and "SIGKILL" in first, first[-3000:]

        # Nobody was called or texted twice: try 2 adopted what try 1 created, and sent the rest.
        account = emulator.state()
        assert [call["called"] for call in account["calls"]] == [KILLED_CALL], account["calls"]
        (call,) = account["calls"]
        assert sorted(sms["to"] for sms in account["sms"]) == sorted(KILLED_TEXTS)
        second = _attempt_log(airflow, "call", 2)
        assert f"was created by an earlier try as {call['sid']}: adopting it" in second, second[-3000:]
        first_text = next(sms for sms in account["sms"] if sms["to"] == KILLED_TEXTS[0])
        second = _attempt_log(airflow, "texts", 2)
        assert f"to {KILLED_TEXTS[0]} sent at" in second, second[-3000:]
        assert f"was created by an earlier try as {first_text['sid']}: adopting it" in second, second[-3000:]
        # Try 1 died before it noted the other two, so try 2 sends them without waiting.
        assert "may still be on its way" not in second, second[-3000:]

    # Nothing the real processes wrote holds the credentials: their output, the task logs (the
    # supervisor's account of the kill included), the metadata database: every file of the home.
    written = {
        str(path.relative_to(airflow.home)): path.read_bytes().decode("latin-1")
        for path in sorted(airflow.home.rglob("*"))
        if path.is_file()
    }
    assert {"proc/scheduler.log", "airflow.db"} <= set(written), sorted(written)
    assert any(call["sid"] in text for name, text in written.items() if name.startswith("logs/"))
    forms = secret_forms(emulator.account_sid, emulator.auth_token)
    assert credential_leaks(written, forms) == []


# --- What a failed try says about each message ----------------------------------------------------


@pytest.fixture
def emulator(twilio2008_emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Any:
    """The emulator, with the default connection pointing at it and a metadata DB."""
    twilio2008_emulator.set_connection_env(monkeypatch)
    return twilio2008_emulator


def test_a_retry_that_cannot_read_back_an_earlier_sms_says_it_was_sent_not_that_it_was_not(
    emulator: EmulatorHandle, capfd: pytest.CaptureFixture[str]
) -> None:
    numbers = ["4155550181", "4155550182"]
    # Try 1: one of the two creates gets a 500 (nothing sent); the other is sent.
    emulator.add_fault("error500", count=1, method="POST", path="/SMS/Messages$")
    # Try 2: reading back the message try 1 sent fails, the hook's re-tries included.
    emulator.add_fault("error503", count=4, method="GET", path="/SMS/Messages/SM", retry_after=0)
    result = run_dag("twilio2008_test_send_sms", to=numbers)
    assert result.state == "success", result.states
    assert result.tries("sms") == 3

    sent = {sms["to"]: sms["sid"] for sms in emulator.state()["sms"]}
    assert sorted(sent) == numbers
    output = "".join(capfd.readouterr())
    # Try 2's summary says which message an earlier try sent, with the SID the emulator holds.
    said = set(
        re.findall(
            r"(\d{10}): sent by an earlier try as (SM[0-9a-f]{32}), but reading it back failed", output
        )
    )
    assert len(said) == 1, said
    ((earlier, sid),) = said
    assert sent[earlier] == sid
    assert "were not sent" not in output and f"{earlier}: not sent" not in output
    (other,) = set(numbers) - {earlier}
    assert f"{other}: not sent (Twilio2008ServerError: POST " in output  # try 1's summary
