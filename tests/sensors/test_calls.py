"""The sensors behave the same in poke, reschedule and deferrable mode, in real Airflow (``dag.test()``)."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from airflow_provider_twilio2008.sensors.calls import CallCompletedSensor, RecordingAvailableSensor
from tests.helpers import run_dag

#: A well-formed call SID (no such call needs to exist for a DAG to be parsed).
CALL = "CA" + "a" * 32

MODES = ("poke", "reschedule", "deferrable")


def _call(emulator: Any, to: str = "4155550134", twiml: str = "say") -> str:
    with Twilio2008Hook() as hook:
        return hook.make_call(to, None, f"{emulator.base_url}/twiml/{twiml}").sid


@pytest.fixture
def emulator(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Any:
    """The emulator, with the default connection pointing at it and a metadata DB."""
    twilio2008_emulator.set_connection_env(monkeypatch)
    return twilio2008_emulator


@pytest.mark.parametrize("mode", MODES)
def test_a_completed_call_succeeds_with_the_call_as_xcom(emulator: Any, mode: str) -> None:
    sid = _call(emulator)
    result = run_dag(f"twilio2008_test_call_{mode}", call_sid=sid)
    assert result.state == "success", result.states
    call = result.xcom("wait")
    assert call["sid"] == sid and call["status"] == 2 and call["status_name"] == "completed"
    assert call["to"] == "4155550134" and call["duration"] > 0
    # The task's Twilio link opens the call it waited on (the emulator's inbox for a loopback connection).
    link = result.xcom("wait", key="_link_Twilio2008Link")
    assert link.startswith(emulator.base_url) and link.endswith(sid)


@pytest.mark.parametrize("mode", MODES)
def test_a_busy_call_fails_at_once_without_retries(emulator: Any, mode: str) -> None:
    sid = _call(emulator, to="5005550001")
    result = run_dag(f"twilio2008_test_call_{mode}", call_sid=sid)
    assert result.state == "failed"
    assert result.states == {"wait": "failed"}
    assert result.tries("wait") == 1  # retries=2 in the DAG, and none was used


@pytest.mark.parametrize("mode", MODES)
def test_a_call_that_failed_fails_the_wait_quoting_twilios_notification(
    emulator: Any, mode: str, capfd: pytest.CaptureFixture[str]
) -> None:
    sid = _call(emulator, twiml="no-such-document")  # the TwiML URL answers 404: the call fails
    result = run_dag(f"twilio2008_test_call_{mode}", call_sid=sid)
    assert result.state == "failed"
    assert result.tries("wait") == 1
    text = "".join(capfd.readouterr())
    assert f"call {sid} to 4155550134 ended failed (status 4), which is in failed_statuses. " in text
    assert "Twilio's notifications for the call: 11200 HTTP retrieval failure: status 404" in text


@pytest.mark.parametrize("mode", MODES)
def test_transient_api_errors_do_not_fail_the_wait(emulator: Any, mode: str) -> None:
    sid = _call(emulator, twiml="pause?length=20")
    emulator.add_fault("error503", count=4, method="GET", path="/Calls", retry_after=0)
    result = run_dag(f"twilio2008_test_call_{mode}", call_sid=sid)
    assert result.state == "success", result.states
    assert result.tries("wait") == 1
    assert emulator.control("GET", "faults")["injected"] >= 4


@pytest.mark.parametrize("mode", MODES)
def test_wrong_credentials_fail_at_once_without_retries(
    emulator: Any, mode: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    sid = _call(emulator)
    monkeypatch.setenv(
        "AIRFLOW_CONN_TWILIO2008_DEFAULT", emulator.conn_uri.replace(emulator.auth_token, "0" * 32)
    )
    result = run_dag(f"twilio2008_test_call_{mode}", call_sid=sid)
    assert result.state == "failed"
    assert result.tries("wait") == 1


@pytest.mark.parametrize("mode", MODES)
def test_the_sensor_timeout_holds_in_every_mode(emulator: Any, mode: str) -> None:
    sid = _call(emulator, twiml="pause?length=3000")
    result = run_dag(f"twilio2008_test_timeout_{mode}", call_sid=sid)
    assert result.state == "failed"
    assert result.tries("wait") == 1  # a sensor timeout is not retried


@pytest.mark.parametrize("mode", MODES)
def test_the_recording_and_its_transcription_are_returned(emulator: Any, mode: str) -> None:
    sid = _call(emulator, twiml="say-and-record")
    result = run_dag(f"twilio2008_test_recording_{mode}", call_sid=sid)
    assert result.state == "success", result.states
    recording = result.xcom("wait")
    assert recording["sid"].startswith("RE") and recording["call_sid"] == sid and recording["duration"] > 0
    assert recording["transcription_status"] == "completed" and recording["transcription_text"]
    assert result.xcom("wait", key="_link_Twilio2008Link").endswith(sid)  # the call recorded


@pytest.mark.parametrize("mode", MODES)
def test_a_call_that_ended_without_recording_fails_after_the_grace_period(emulator: Any, mode: str) -> None:
    sid = _call(emulator, twiml="say")
    result = run_dag(f"twilio2008_test_recording_{mode}", call_sid=sid)
    assert result.state == "failed"
    assert result.tries("wait") == 1


@pytest.mark.parametrize("mode", ["poke", "deferrable"])
@pytest.mark.parametrize("bad_sid", ["CA123", "SM" + "a" * 32, "CA" + "A" * 32])
def test_a_malformed_call_sid_fails_at_once_without_a_request_or_a_retry(
    emulator: Any,
    mode: str,
    bad_sid: str,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    emulator.control("DELETE", "requests")
    result = run_dag(f"twilio2008_test_call_{mode}", call_sid=bad_sid)
    assert result.state == "failed"
    assert result.tries("wait") == 1  # the DAG allows 2 retries: none is spent on a typo
    assert emulator.control("GET", "requests")["count"] == 0
    text = caplog.text + "".join(capfd.readouterr())
    assert "call_sid: " in text and "expected a call SID: 'CA' followed by 32" in text


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: CallCompletedSensor(task_id="w", call_sid="CA123"), "^call_sid: "),
        (lambda: CallCompletedSensor(task_id="w", call_sid=CALL, failed_statuses=None), "^failed_statuses: "),
        (
            lambda: RecordingAvailableSensor(task_id="w", call_sid=CALL, recording_grace_period="1"),
            "^recording_grace_period: '1' is not a number",
        ),
        (
            lambda: RecordingAvailableSensor(task_id="w", call_sid=CALL, wait_for_transcription="false"),
            "^wait_for_transcription: ",
        ),
    ],
    ids=["short-sid", "statuses-none", "grace-as-text", "flag-as-text"],
)
def test_literal_bad_arguments_fail_when_the_dag_is_parsed_naming_the_field(make: Any, message: str) -> None:
    with pytest.raises(Twilio2008ValidationError, match=message):
        make()
