"""``SMSReplySensor`` behaves alike in poke, reschedule and deferrable mode, in real Airflow (dag.test()).

The DAGs (``tests/dags/twilio2008_test_sms_replies.py``) text the account first (task
``text_in``, after the DAG run started and before the sensor starts), then wait; a text that
should arrive while the sensor waits is posted from a timer thread of the test.
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Iterator
from datetime import datetime, timezone
from typing import Any

import pytest

from tests.helpers import run_dag, text_in

MODES = ("poke", "reschedule", "deferrable")
PERSON = "4155550134"
YES = {"From": PERSON, "Body": "Yes, see you at 9"}


@pytest.fixture
def emulator(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Any:
    """The emulator, with the default connection pointing at it and a metadata DB."""
    twilio2008_emulator.set_connection_env(monkeypatch)
    return twilio2008_emulator


@pytest.fixture
def later(emulator: Any) -> Iterator[Any]:
    """Post texts from a timer thread, as if people replied while the sensor waits."""
    timers: list[threading.Timer] = []
    sids: list[str] = []

    def schedule(delay: float, **text: str) -> list[str]:
        timer = threading.Timer(delay, lambda: sids.append(text_in(emulator, **text)["sid"]))
        timer.start()
        timers.append(timer)
        return sids

    yield schedule
    for timer in timers:
        timer.cancel()
        timer.join()


def _sms_requests(emulator: Any) -> list[dict[str, str]]:
    return [r for r in emulator.control("GET", "requests")["requests"] if "/SMS/" in r["path"]]


@pytest.mark.parametrize("mode", MODES)
def test_a_matching_reply_succeeds_with_the_message_and_groups(emulator: Any, mode: str) -> None:
    result = run_dag(f"twilio2008_test_sms_reply_{mode}", texts=[YES])
    assert result.state == "success", result.states
    (sid,) = result.xcom("text_in")
    reply = result.xcom("wait")
    assert (
        reply["sid"] == sid
        and reply["from"] == PERSON
        and "from_" not in reply
        and reply["to"] == "5005550006"
    )
    assert reply["body"] == "Yes, see you at 9" and reply["flags"] & 1
    assert reply["match"] == "Yes, see you at 9"
    assert reply["groups"] == ["Yes", ", see you at 9"] and reply["groupdict"] == {"answer": "Yes"}
    assert result.tries("wait") == 1
    # The task's Twilio link opens the reply that ended the wait.
    link = result.xcom("wait", key="_link_Twilio2008Link")
    assert link.startswith(emulator.base_url) and link.endswith(sid)


@pytest.mark.parametrize("mode", MODES)
def test_texts_from_another_number_or_not_matching_are_ignored(emulator: Any, mode: str, later: Any) -> None:
    ignored = [
        {"From": "4155550199", "Body": "yes"},  # someone else
        {"From": PERSON, "Body": "maybe tomorrow"},  # does not match
    ]
    arrived = later(1.5, From=PERSON, Body="no thanks")
    result = run_dag(f"twilio2008_test_sms_reply_{mode}", texts=ignored)
    assert result.state == "success", result.states
    reply = result.xcom("wait")
    assert reply["sid"] == arrived[0] and reply["groupdict"] == {"answer": "no"}
    assert not set(result.xcom("text_in")) & {reply["sid"]}
    # Pokes list only this person's texts to us (server-side filters); the deferred wait lists
    # the account's SMS for every waiter at once, after the first poke before deferring.
    filtered = [f"From={PERSON}", "To=5005550006", "DateSent%3E=", "num=1000"]
    queries = [r["query"] for r in _sms_requests(emulator)]
    pokes = queries[:1] if mode == "deferrable" else queries
    assert queries and all(part in query for query in pokes for part in filtered), queries
    if mode == "deferrable":
        assert all("From=" not in query and "num=1000" in query for query in queries[1:]), queries


@pytest.mark.parametrize("mode", MODES)
def test_a_reply_older_than_the_dag_run_does_not_count(emulator: Any, mode: str, later: Any) -> None:
    stale = text_in(emulator, From=PERSON, Body="yes (to last week's question)")
    time.sleep(1.1)  # DateCreated has whole seconds: the next second starts the run
    arrived = later(1.5, From=PERSON, Body="yes")
    result = run_dag(f"twilio2008_test_sms_reply_{mode}")
    assert result.state == "success", result.states
    assert result.xcom("wait")["sid"] == arrived[0] != stale["sid"]


@pytest.mark.parametrize("mode", MODES)
def test_an_explicit_since_replaces_the_start_of_the_run(emulator: Any, mode: str) -> None:
    since = datetime.now(timezone.utc).isoformat()
    earlier = text_in(emulator, From=PERSON, Body="YES")  # before the run, after since
    result = run_dag(f"twilio2008_test_sms_reply_{mode}", since=since)
    assert result.state == "success", result.states
    assert result.xcom("wait")["sid"] == earlier["sid"]


@pytest.mark.parametrize("mode", MODES)
def test_a_reply_older_than_an_explicit_since_does_not_count(emulator: Any, mode: str) -> None:
    text_in(emulator, From=PERSON, Body="yes")
    time.sleep(1.1)
    since = datetime.now(timezone.utc).isoformat()
    result = run_dag(f"twilio2008_test_sms_reply_timeout_{mode}", since=since)
    assert result.state == "failed"
    assert result.tries("wait") == 1


@pytest.mark.parametrize("mode", MODES)
def test_no_reply_times_out_without_retries(emulator: Any, mode: str) -> None:
    result = run_dag(f"twilio2008_test_sms_reply_timeout_{mode}", texts=[{"From": PERSON, "Body": "hm"}])
    assert result.state == "failed"
    assert result.states == {"text_in": "success", "wait": "failed"}
    assert result.tries("wait") == 1  # retries=2 in the DAG, and none was used


@pytest.mark.parametrize("mode", MODES)
def test_no_reply_with_soft_fail_is_skipped(
    emulator: Any, mode: str, capfd: pytest.CaptureFixture[str]
) -> None:
    result = run_dag(f"twilio2008_test_sms_reply_soft_{mode}")
    assert result.states == {"text_in": "success", "wait": "skipped"}
    assert result.tries("wait") == 1
    # Airflow logs only that it skips; the task log also says what was awaited.
    text = "".join(capfd.readouterr())
    assert re.search(r"\[warning *\] (?i:timed out).* (an SMS|reply).* from 4155550134", text), text[-3000:]


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize(
    ("field", "conf"),
    [
        ("from_", {"from": "555-0134"}),
        ("body_pattern", {"pattern": "^(yes|no"}),
        ("since", {"since": "soon"}),
    ],
)
def test_bad_input_fails_at_once_naming_the_field_before_any_request(
    emulator: Any, mode: str, field: str, conf: dict[str, str], capfd: pytest.CaptureFixture[str]
) -> None:
    emulator.control("DELETE", "requests")
    result = run_dag(f"twilio2008_test_sms_reply_{mode}", texts=[YES], **conf)
    assert result.state == "failed"
    assert result.tries("wait") == 1
    assert _sms_requests(emulator) == []
    assert f"Twilio2008ValidationError: {field}" in "".join(capfd.readouterr())


@pytest.mark.parametrize("mode", MODES)
def test_transient_api_errors_do_not_fail_the_wait(emulator: Any, mode: str) -> None:
    emulator.add_fault("error503", count=3, method="GET", path="/SMS/Messages", retry_after=0)
    result = run_dag(f"twilio2008_test_sms_reply_{mode}", texts=[YES])
    assert result.state == "success", result.states
    assert result.tries("wait") == 1
    assert emulator.control("GET", "faults")["injected"] >= 3


@pytest.mark.parametrize("mode", MODES)
def test_wrong_credentials_fail_at_once_without_retries(
    emulator: Any, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    text_in(emulator, From=PERSON, Body="yes")
    monkeypatch.setenv(
        "AIRFLOW_CONN_TWILIO2008_DEFAULT", emulator.conn_uri.replace(emulator.auth_token, "0" * 32)
    )
    result = run_dag(f"twilio2008_test_sms_reply_{mode}", since="2000-01-01T00:00:00Z")
    assert result.state == "failed"
    assert result.tries("wait") == 1


@pytest.mark.parametrize(
    ("field", "arguments"),
    [
        ("from_", 'from_="12"'),
        ("to", 'from_="4155550134", to="911"'),
        ("body_pattern", 'from_="4155550134", body_pattern="(x"'),
    ],
)
def test_a_literal_bad_field_is_an_import_error_of_the_dag_naming_it(
    field: str, arguments: str, tmp_path: Any
) -> None:
    from airflow.dag_processing.dagbag import DagBag

    (tmp_path / "bad.py").write_text(
        "import pendulum\n"
        "from airflow.sdk import DAG\n"
        "from airflow_provider_twilio2008.sensors.sms import SMSReplySensor\n"
        "with DAG('twilio2008_test_bad_reply', schedule=None, start_date=pendulum.datetime(2026, 1, 1)):\n"
        f"    SMSReplySensor(task_id='wait', {arguments})\n"
    )
    bag = DagBag(dag_folder=str(tmp_path))
    (error,) = bag.import_errors.values()
    assert f"Twilio2008ValidationError: {field}" in error


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("after", [0.0, 60.0], ids=["at-once", "while-waiting"])
def test_a_texted_person_answers_and_the_answer_is_returned(emulator: Any, mode: str, after: float) -> None:
    emulator.script_callee(PERSON, sms_reply="no, sorry", sms_reply_after=after)  # simulated seconds
    result = run_dag(f"twilio2008_test_ask_and_wait_{mode}")
    assert result.state == "success", result.states
    question, answer = result.xcom("ask"), result.xcom("wait")
    assert answer["from"] == PERSON == question["to"] and answer["to"] == question["from"]
    assert answer["body"] == "no, sorry" and answer["groups"] == ["no"]
    assert answer["date_created"] >= question["date_created"]


@pytest.mark.parametrize("mode", ["poke", "deferrable"])
def test_a_backtracking_pattern_and_a_hostile_text_cannot_stall_the_wait(emulator: Any, mode: str) -> None:
    # With re, r"^(a+)+$" against "a" * 34 + "!" runs for minutes: a text anyone can send would
    # hold the worker, or in deferrable mode the triggerer's loop and every wait in it.
    texts = [{"From": PERSON, "Body": "a" * 34 + "!"}, {"From": PERSON, "Body": "aaaa"}]
    started = time.monotonic()
    result = run_dag(f"twilio2008_test_sms_reply_{mode}", texts=texts, pattern=r"^(a+)+$")
    elapsed = time.monotonic() - started
    assert result.state == "success", result.states
    reply = result.xcom("wait")
    assert reply["body"] == "aaaa" and reply["groups"] == ["aaaa"]
    assert elapsed < 15
