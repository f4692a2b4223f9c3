"""Call someone, wait for the call to end, wait for their recorded answer, keep it, text a summary.

Runs as it is against the emulator (``./dev demo``): with no ``twiml_url`` param the call runs
the emulator's built-in ``/twiml/say-and-record``, which asks a question and records the answer
with transcription. Against real Twilio, set ``twiml_url`` to your own TwiML document.

No task holds a worker slot while it waits longer than a poke: the sensors poke every
``poke_interval`` seconds (set ``deferrable=True``, as the deferrable example does, to wait
in the triggerer instead).
"""

from __future__ import annotations

import tempfile

import pendulum
from airflow.sdk import dag

from airflow_provider_twilio2008.operators.calls import MakeCallOperator
from airflow_provider_twilio2008.operators.recordings import DownloadRecordingOperator
from airflow_provider_twilio2008.operators.sms import SendSMSOperator
from airflow_provider_twilio2008.sensors.calls import CallCompletedSensor, RecordingAvailableSensor

#: The emulator's own survey TwiML, relative to the connection's host.
SURVEY_TWIML = "{{ params.twiml_url or conn.twilio2008_default.host ~ '/twiml/say-and-record' }}"


@dag(
    dag_id="twilio2008_survey_call",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["twilio2008", "example"],
    params={
        "to": "4155550134",
        "notify": "4155550199",
        "twiml_url": "",
        "recordings_dir": tempfile.gettempdir(),
    },
    default_args={"retries": 2, "retry_delay": pendulum.duration(seconds=1)},
)
def twilio2008_survey_call() -> None:
    """Place a survey call, wait for it and its transcribed answer, keep the audio, text a summary."""
    call = MakeCallOperator(task_id="place_call", to="{{ params.to }}", url=SURVEY_TWIML)
    ended = CallCompletedSensor(
        task_id="wait_for_call",
        call_sid="{{ ti.xcom_pull(task_ids='place_call')['sid'] }}",
        poke_interval=0.5,
        timeout=300,
    )
    answer = RecordingAvailableSensor(
        task_id="wait_for_answer",
        call_sid="{{ ti.xcom_pull(task_ids='place_call')['sid'] }}",
        wait_for_transcription=True,
        poke_interval=0.5,
        timeout=300,
    )
    keep = DownloadRecordingOperator(
        task_id="download_answer",
        recording_sid="{{ ti.xcom_pull(task_ids='wait_for_answer')['sid'] }}",
        destination="{{ params.recordings_dir }}/",
    )
    summary = SendSMSOperator(
        task_id="text_summary",
        to="{{ params.notify }}",
        body=(
            "Survey {{ ti.xcom_pull(task_ids='wait_for_call')['sid'][-6:] }} "
            "({{ ti.xcom_pull(task_ids='wait_for_call')['duration'] }}s): "
            "{{ (ti.xcom_pull(task_ids='wait_for_answer')['transcription_text'] or '')[:100] }}"
        ),
    )
    call >> ended >> answer >> [keep, summary]


twilio2008_survey_call()
