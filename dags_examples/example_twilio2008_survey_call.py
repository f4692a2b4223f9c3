"""Call someone, wait for the call to end, read their recorded answer, and text a summary.

Runs as it is against the emulator (``./dev demo``): with no ``twiml_url`` param the call runs
the emulator's built-in survey TwiML, which says a question and records the answer with
transcription. Against real Twilio, set ``twiml_url`` to your own TwiML document.
"""

from __future__ import annotations

import time
from typing import Any

import pendulum
from airflow.sdk import dag, task
from airflow.sdk.exceptions import AirflowException, AirflowFailException

from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

BUILT_IN_SURVEY = "/twiml/say-and-record"


def _wait(check: Any, *, what: str, timeout: float, every: float) -> Any:
    """Call ``check()`` until it returns something truthy, or fail after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AirflowException(f"gave up waiting for {what} after {timeout:.0f} s")
        time.sleep(every)


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
        "poll_seconds": 0.5,
        "timeout_seconds": 300,
    },
)
def twilio2008_survey_call() -> None:
    """Place a survey call, wait for it, fetch the answer's transcription, text a summary."""

    @task
    def place_call(params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Place the call and return its record."""
        assert params is not None
        hook = Twilio2008Hook()
        url = params["twiml_url"] or hook.config.base_url + BUILT_IN_SURVEY
        call = hook.make_call(params["to"], None, url)
        return call.as_dict()

    @task
    def wait_for_call(call: dict[str, Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Poll the call until it ends; fail unless it completed."""
        assert params is not None
        hook = Twilio2008Hook()

        def ended() -> Any:
            current = hook.get_call(call["sid"])
            return current if current.status.is_terminal else None

        final = _wait(
            ended, what=f"call {call['sid']}", timeout=params["timeout_seconds"], every=params["poll_seconds"]
        )
        if not final.status.succeeded:
            raise AirflowFailException(f"call {final.sid} ended {final.status.name.lower()}")
        return final.as_dict()

    @task
    def fetch_answer(call: dict[str, Any], params: dict[str, Any] | None = None) -> dict[str, Any]:
        """Return the call's recording and the text of its finished transcription."""
        assert params is not None
        hook = Twilio2008Hook()
        recording = _wait(
            lambda: next(iter(hook.list_recordings(call["sid"])), None),
            what="the recording",
            timeout=params["timeout_seconds"],
            every=params["poll_seconds"],
        )

        def transcribed() -> Any:
            found = next(iter(hook.list_transcriptions(recording.sid)), None)
            return found if found is not None and found.status.is_terminal else None

        transcription = _wait(
            transcribed,
            what="the transcription",
            timeout=params["timeout_seconds"],
            every=params["poll_seconds"],
        )
        return {
            "recording_sid": recording.sid,
            "duration": recording.duration,
            "transcription_status": transcription.status.value,
            "text": transcription.transcription_text or "",
        }

    @task
    def text_summary(
        call: dict[str, Any], answer: dict[str, Any], params: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        """Text the answer to the person who asked for the survey."""
        assert params is not None
        body = f"Survey {call['sid'][-6:]} ({call['duration']}s): {answer['text']}"
        sms = Twilio2008Hook().send_sms(params["notify"], body[:160])
        return sms.as_dict()

    call = place_call()
    ended = wait_for_call(call)
    text_summary(ended, fetch_answer(ended))


twilio2008_survey_call()
