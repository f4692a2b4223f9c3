"""``MakeCallOperator`` and ``RedirectCallOperator`` in real Airflow against the emulator."""

from __future__ import annotations

import time
from typing import Any

import pytest

from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from tests.helpers import run_dag


@pytest.fixture
def emulator(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Any:
    """The emulator, with the default connection pointing at it and a metadata DB."""
    twilio2008_emulator.set_connection_env(monkeypatch, create_settle=1)
    return twilio2008_emulator


def _calls(emulator: Any) -> list[Any]:
    with Twilio2008Hook() as hook:
        return list(hook.list_calls())


def test_a_call_is_placed_and_returned_as_a_json_safe_dict(emulator: Any) -> None:
    result = run_dag("twilio2008_test_make_call")
    assert result.state == "success", result.states
    call = result.xcom("call")
    (placed,) = _calls(emulator)
    assert call["sid"] == placed.sid and call["status"] in (0, 1, 2)
    assert call["to"] == "4155550134" and call["from"] == "5005550006"
    assert call["date_created"].startswith("20")  # ISO-8601
    assert result.xcom("call", key="_link_Twilio2008Link").endswith(placed.sid)


@pytest.mark.parametrize("mode", ["poke", "deferrable"])
def test_waiting_for_completion_returns_the_completed_call(
    emulator: Any, mode: str, capfd: pytest.CaptureFixture[str]
) -> None:
    result = run_dag(f"twilio2008_test_call_and_wait_{mode}")
    assert result.state == "success", result.states
    call = result.xcom("call")
    assert call["status_name"] == "completed" and call["duration"] > 0
    # The task log ends with how the call ended, after a deferral too.
    assert f"Call {call['sid']} to 4155550134 ended completed after {call['duration']} s" in "".join(
        capfd.readouterr()
    )


@pytest.mark.parametrize("mode", ["poke", "deferrable"])
def test_a_call_whose_twiml_cannot_be_fetched_fails_quoting_twilios_notification(
    emulator: Any, mode: str, capfd: pytest.CaptureFixture[str]
) -> None:
    # The call ends "failed"; why (11200: the TwiML URL answered 404) is only in a Notification.
    result = run_dag(f"twilio2008_test_call_and_wait_{mode}", twiml="no-such-document")
    assert result.state == "failed"
    assert result.tries("call") == 1
    text = "".join(capfd.readouterr())
    assert (
        "ended failed (status 4), which is in failed_statuses. Twilio's notifications for the call: " in text
    )
    assert "11200 HTTP retrieval failure: status 404 (requesting " in text
    assert "/twiml/no-such-document); see http://www.twilio.com/docs/errors/11200" in text


@pytest.mark.parametrize("mode", ["poke", "deferrable"])
@pytest.mark.parametrize(("number", "outcome"), [("5005550001", "busy"), ("5005550002", "no-answer")])
def test_a_call_that_is_not_answered_fails_naming_the_outcome_once(
    emulator: Any, mode: str, number: str, outcome: str, capfd: pytest.CaptureFixture[str]
) -> None:
    result = run_dag(f"twilio2008_test_call_and_wait_{mode}", to=number)
    assert result.state == "failed"
    assert result.tries("call") == 1  # a busy line is not retried into a second call
    assert len(_calls(emulator)) == 1
    assert f"ended {outcome}" in "".join(capfd.readouterr())


def test_bad_input_fails_before_anything_is_sent(emulator: Any, capfd: pytest.CaptureFixture[str]) -> None:
    emulator.control("DELETE", "requests")
    result = run_dag("twilio2008_test_make_call", to="911")
    assert result.state == "failed"
    assert emulator.control("GET", "requests")["count"] == 0
    # The task created nothing, so it has no Twilio link; looking one up must not log a warning.
    text = "".join(capfd.readouterr())
    assert "to (Called): " in text and "_link_Twilio2008Link" not in text


def test_a_lost_answer_to_the_create_adopts_the_call_instead_of_calling_again(emulator: Any) -> None:
    emulator.add_fault("drop", after=True, count=1, method="POST", path="/Calls")
    result = run_dag("twilio2008_test_make_call")
    assert result.state == "success", result.states
    (placed,) = _calls(emulator)
    assert result.xcom("call")["sid"] == placed.sid


def test_a_retry_after_a_lost_answer_finds_the_call_the_first_try_placed(emulator: Any) -> None:
    # The answer to the POST is lost and the same try cannot check (the list fails too): the
    # try fails; the retry finds the intent without a SID, reconciles, and adopts the call.
    emulator.add_fault("drop", after=True, count=1, method="POST", path="/Calls")
    emulator.add_fault("error500", count=4, method="GET", path="/Calls")  # the first try's check
    result = run_dag("twilio2008_test_make_call")
    assert result.state == "success", result.states
    assert result.tries("call") == 2
    (placed,) = _calls(emulator)
    assert result.xcom("call")["sid"] == placed.sid


def test_redirecting_a_live_call_to_hangup_ends_it(emulator: Any) -> None:
    with Twilio2008Hook() as hook:
        call = hook.make_call("4155550134", None, f"{emulator.base_url}/twiml/pause?length=3000")
        deadline = time.monotonic() + 10
        while hook.get_call(call.sid).status.label != "in-progress" and time.monotonic() < deadline:
            time.sleep(0.05)
        result = run_dag("twilio2008_test_redirect_call", call_sid=call.sid)
        assert result.state == "success", result.states
        assert result.xcom("hang_up")["sid"] == call.sid
        while not hook.get_call(call.sid).status.is_terminal and time.monotonic() < deadline:
            time.sleep(0.05)
        ended = hook.get_call(call.sid)
    assert ended.status.label == "completed" and ended.duration < 3000


def test_redirecting_a_call_that_is_not_live_fails_with_twilio_code_21220(
    emulator: Any, capfd: pytest.CaptureFixture[str]
) -> None:
    with Twilio2008Hook() as hook:
        call = hook.make_call("5005550001", None, f"{emulator.base_url}/twiml/say")  # busy: never live
        while not hook.get_call(call.sid).status.is_terminal:
            time.sleep(0.05)
    result = run_dag("twilio2008_test_redirect_call", call_sid=call.sid)
    assert result.state == "failed"
    assert "21220" in "".join(capfd.readouterr())


@pytest.mark.parametrize("mode", ["poke", "deferrable"])
def test_waiting_on_a_call_that_never_ends_stops_at_the_timeout_and_calls_once(
    emulator: Any, mode: str, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    # The DAG waits 4 s (timeout=4, polling every 0.5 s) on a call that lasts an hour.
    started = time.monotonic()
    result = run_dag(f"twilio2008_test_deadline_make_call_{mode}")
    elapsed = time.monotonic() - started
    assert result.state == "failed"
    assert result.tries("call") == 1  # a timeout is not retried into a second call
    assert len(_calls(emulator)) == 1
    # The deadline and one poll, plus what dag.test() costs around it: ~5 s alone, twice that on a
    # machine busy with the suite's other workers. A wait that missed its deadline lasts an hour.
    assert elapsed < 4 + 0.5 + 15
    text = caplog.text + "".join(capfd.readouterr())
    assert "AirflowSensorTimeout" in text and "waiting for call CA" in text


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"poll_interval": -1}, "^poll_interval: -1 is out of range"),
        ({"timeout": 0}, "^timeout: 0 is out of range"),
        ({"ring_timeout": 1000}, r"^ring_timeout \(Timeout\): 1000 is out of range"),
        ({"wait_for_completion": True, "failed_statuses": None}, "^failed_statuses: None is not a list"),
    ],
    ids=["poll-negative", "timeout-zero", "ring-timeout-1000", "statuses-none"],
)
def test_literal_bad_arguments_fail_when_the_dag_is_parsed_naming_the_field(
    kwargs: dict[str, Any], message: str
) -> None:
    from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
    from airflow_provider_twilio2008.operators.calls import MakeCallOperator

    with pytest.raises(Twilio2008ValidationError, match=message):
        MakeCallOperator(task_id="call", to="4155550134", url="https://example.com/t", **kwargs)
