"""The survey call of ``example_twilio2008_survey_call``, waiting in the triggerer.

Every wait defers: the worker slot is free while the call rings and the answer is
transcribed, and all waiting tasks of one account share one poller in the triggerer (one
list request per interval for all of them). Needs a running ``airflow triggerer``;
``dag.test()`` runs the triggers in-process.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag

from airflow_provider_twilio2008.operators.calls import MakeCallOperator
from airflow_provider_twilio2008.operators.sms import SendSMSOperator
from airflow_provider_twilio2008.sensors.calls import RecordingAvailableSensor

SURVEY_TWIML = "{{ params.twiml_url or conn.twilio2008_default.host ~ '/twiml/say-and-record' }}"


@dag(
    dag_id="twilio2008_survey_call_deferrable",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["twilio2008", "example"],
    params={"to": "4155550134", "notify": "4155550199", "twiml_url": ""},
)
def twilio2008_survey_call_deferrable() -> None:
    """Call and wait for completion (deferred), wait for the transcription (deferred), text it."""
    call = MakeCallOperator(
        task_id="call_and_wait",
        to="{{ params.to }}",
        url=SURVEY_TWIML,
        wait_for_completion=True,
        poll_interval=0.5,
        deferrable=True,
    )
    answer = RecordingAvailableSensor(
        task_id="wait_for_answer",
        call_sid="{{ ti.xcom_pull(task_ids='call_and_wait')['sid'] }}",
        wait_for_transcription=True,
        poke_interval=0.5,
        timeout=300,
        deferrable=True,
    )
    summary = SendSMSOperator(
        task_id="text_summary",
        to="{{ params.notify }}",
        body=(
            "Survey answer: "
            "{{ (ti.xcom_pull(task_ids='wait_for_answer')['transcription_text'] or '')[:140] }}"
        ),
    )
    call >> answer >> summary


twilio2008_survey_call_deferrable()
