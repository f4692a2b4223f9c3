"""The example DAGs import cleanly and run end to end in real Airflow against the emulator."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.api.records import CallStatus, SmsStatus
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

DAGS = Path(__file__).resolve().parent.parent / "dags_examples"


@pytest.fixture(scope="module")
def dagbag() -> Any:
    """Parse the example DAG folder once."""
    from airflow.dag_processing.dagbag import DagBag

    return DagBag(dag_folder=str(DAGS))


@pytest.fixture(scope="module")
def airflow_db() -> None:
    """Create a fresh metadata database (dag.test() needs one)."""
    from airflow.utils import db

    db.resetdb()


def test_example_dags_import_without_errors(dagbag: Any) -> None:
    assert dagbag.import_errors == {}
    assert "twilio2008_survey_call" in dagbag.dag_ids
    dag = dagbag.dags["twilio2008_survey_call"]
    assert {task.task_id for task in dag.tasks} == {
        "place_call",
        "wait_for_call",
        "fetch_answer",
        "text_summary",
    }


def test_survey_call_dag_runs_end_to_end_against_the_emulator(
    dagbag: Any, airflow_db: None, twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("AIRFLOW_CONN_TWILIO2008_DEFAULT", twilio2008_emulator.conn_uri)
    run = dagbag.dags["twilio2008_survey_call"].test()
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert run.state == "success", states
    assert set(states.values()) == {"success"}

    hook = Twilio2008Hook()
    (call,) = list(hook.list_calls())
    assert call.status is CallStatus.COMPLETED and call.called == "4155550134" and call.duration > 0
    (recording,) = list(hook.list_recordings(call.sid))
    (transcription,) = list(hook.list_transcriptions(recording.sid))
    (sms,) = list(hook.list_sms(to="4155550199"))
    assert transcription.transcription_text and transcription.transcription_text in sms.body
    assert sms.status in (SmsStatus.QUEUED, SmsStatus.SENDING, SmsStatus.SENT)
    assert call.sid[-6:] in sms.body
