"""The example DAGs import cleanly and run end to end in real Airflow against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.api.records import CallStatus
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from tests.helpers import run_dag

DAGS = Path(__file__).resolve().parent.parent / "dags_examples"
EXAMPLES = {
    "twilio2008_survey_call": {
        "place_call",
        "wait_for_call",
        "wait_for_answer",
        "download_answer",
        "text_summary",
    },
    "twilio2008_sms_fanout": {"announce"},
    "twilio2008_survey_call_deferrable": {"call_and_wait", "wait_for_answer", "text_summary"},
    "twilio2008_oncall_escalation": {"page_primary", "wait_for_ack", "call_secondary", "tell_team"},
}
PRIMARY, SECONDARY, TEAM = "4155550111", "4155550122", ["4155550133", "4155550144"]


@pytest.fixture
def emulator(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Any:
    """The emulator, with the default connection pointing at it and a metadata DB."""
    twilio2008_emulator.set_connection_env(monkeypatch)
    return twilio2008_emulator


def test_example_dags_import_without_errors() -> None:
    from airflow.dag_processing.dagbag import DagBag

    dagbag = DagBag(dag_folder=str(DAGS))
    assert dagbag.import_errors == {}
    assert {dag_id: {task.task_id for task in dag.tasks} for dag_id, dag in dagbag.dags.items()} == EXAMPLES


def _survey_checks(emulator: Any, summary: str) -> None:
    hook = Twilio2008Hook()
    (call,) = list(hook.list_calls())
    assert call.status is CallStatus.COMPLETED and call.called == "4155550134" and call.duration > 0
    (recording,) = list(hook.list_recordings(call.sid))
    (transcription,) = list(hook.list_transcriptions(recording.sid))
    (sms,) = list(hook.list_sms(to="4155550199"))
    assert transcription.transcription_text and transcription.transcription_text[:100] in sms.body
    assert sms.body.startswith(summary)


def test_survey_call_runs_end_to_end(emulator: Any, tmp_path: Path) -> None:
    result = run_dag("twilio2008_survey_call", recordings_dir=str(tmp_path))
    assert result.state == "success", result.states
    _survey_checks(emulator, "Survey ")
    saved = Path(result.xcom("download_answer"))
    assert saved.parent == tmp_path and saved.name == f"{result.xcom('wait_for_answer')['sid']}.wav"
    assert saved.read_bytes()[:4] == b"RIFF"


def test_survey_call_deferrable_runs_end_to_end(emulator: Any) -> None:
    result = run_dag("twilio2008_survey_call_deferrable")
    assert result.state == "success", result.states
    _survey_checks(emulator, "Survey answer: ")


def test_sms_fanout_texts_everyone_once(emulator: Any) -> None:
    result = run_dag("twilio2008_sms_fanout")
    assert result.state == "success", result.states
    texted = sorted(sms.to for sms in Twilio2008Hook().list_sms())
    assert texted == ["4155550101", "4155550102", "4155550103", "4155550104", "4155550105"]


def test_sms_fanout_pages_on_call_when_it_fails(emulator: Any) -> None:
    # A 500 to a create is not re-sent by the hook: one per try, and the DAG allows two tries.
    emulator.add_fault("error500", method="POST", path="/SMS/Messages", count=2)
    result = run_dag("twilio2008_sms_fanout", recipients=["4155550101"])
    assert result.state == "failed" and result.tries("announce") == 2
    (page,) = list(Twilio2008Hook().list_sms(to="4155550199"))  # on failure only, not on retry
    assert page.body == "twilio2008_sms_fanout.announce failed (try 2): announcement not sent"


def _team_texts() -> list[str]:
    bodies = {sms.to: sms.body for sms in Twilio2008Hook().list_sms() if sms.to in TEAM}
    assert sorted(bodies) == TEAM
    assert len(set(bodies.values())) == 1
    return list(bodies.values())[:1]


def test_oncall_escalation_stops_when_the_primary_acks(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO2008_ACK_WAIT_SECONDS", "60")
    emulator.script_callee(PRIMARY, sms_reply="ack, on it", sms_reply_after=2)
    result = run_dag("twilio2008_oncall_escalation")
    assert result.state == "success", result.states
    assert result.states["call_secondary"] == "skipped"
    reply = result.xcom("wait_for_ack")
    assert (reply["from"], reply["body"], reply["match"]) == (PRIMARY, "ack, on it", "ack")
    hook = Twilio2008Hook()
    assert list(hook.list_calls()) == []
    (page,) = list(hook.list_sms(to=PRIMARY))
    assert page.body == "Incident INC-4521 is open. Reply ACK to take it."
    (inbound,) = list(hook.list_sms(from_=PRIMARY))
    assert inbound.flags == 1 and inbound.to == "5005550006"
    assert _team_texts() == [f"Incident INC-4521 is taken by {PRIMARY} (primary, acknowledged)."]


def test_oncall_escalation_calls_the_secondary_when_the_primary_is_silent(
    emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("TWILIO2008_ACK_WAIT_SECONDS", "4")
    result = run_dag("twilio2008_oncall_escalation")
    assert result.state == "success", result.states
    assert result.states["wait_for_ack"] == "skipped"
    hook = Twilio2008Hook()
    (call,) = list(hook.list_calls())
    assert call.called == SECONDARY and call.status is CallStatus.COMPLETED and call.duration > 0
    assert result.xcom("call_secondary")["sid"] == call.sid
    assert [sms.flags for sms in hook.list_sms(from_=PRIMARY)] == []
    assert _team_texts() == [f"Incident INC-4521 is taken by {SECONDARY} (secondary, by phone)."]


def test_oncall_escalation_fails_when_nobody_takes_it(emulator: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TWILIO2008_ACK_WAIT_SECONDS", "4")
    result = run_dag("twilio2008_oncall_escalation", secondary="5005550001")  # busy
    assert result.state == "failed", result.states
    assert (result.states["call_secondary"], result.states["tell_team"]) == ("failed", "upstream_failed")
    assert [sms.to for sms in Twilio2008Hook().list_sms()] == [PRIMARY]
