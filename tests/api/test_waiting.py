"""What a wait on a call or recording comes to: the rules every sensor mode shares."""

from __future__ import annotations

from datetime import timedelta

import pytest

from airflow_provider_twilio2008.api.errors import (
    Twilio2008AuthenticationError,
    Twilio2008NotFoundError,
    Twilio2008OutcomeUnknownError,
    Twilio2008RateLimitedError,
    Twilio2008ResponseError,
    Twilio2008ServerError,
    Twilio2008TransportError,
    Twilio2008ValidationError,
)
from airflow_provider_twilio2008.api.records import CallStatus, TranscriptionStatus
from airflow_provider_twilio2008.api.waiting import (
    MAX_QUOTED_NOTIFICATIONS,
    call_outcome,
    call_summary,
    is_transient,
    parse_failed_statuses,
    recording_outcome,
    with_notifications,
)
from tests.hooks.fakes import CALL_SID, sample_call, sample_recording, sample_transcription, when

DEFAULT = parse_failed_statuses(("busy", "no-answer", "failed"))


def test_failed_statuses_read_names_integers_and_members() -> None:
    assert parse_failed_statuses(["busy", 5, CallStatus.FAILED]) == {
        CallStatus.BUSY,
        CallStatus.NO_ANSWER,
        CallStatus.FAILED,
    }
    assert parse_failed_statuses("no-answer") == {CallStatus.NO_ANSWER}


@pytest.mark.parametrize("bad", ["bogus", 9, "queued", "in-progress", "٣", "²", True, 3.0])
def test_failed_statuses_refuse_unknown_or_non_final_values(bad: object) -> None:
    with pytest.raises(Twilio2008ValidationError, match="failed_statuses"):
        parse_failed_statuses([bad])  # type: ignore[list-item]


@pytest.mark.parametrize("status", [CallStatus.QUEUED, CallStatus.IN_PROGRESS])
def test_a_call_still_going_keeps_the_wait_going(status: CallStatus) -> None:
    assert call_outcome(sample_call(status=status, end_time=None), DEFAULT).state == "waiting"


def test_a_completed_call_ends_the_wait_with_its_dict() -> None:
    outcome = call_outcome(sample_call(), DEFAULT)
    assert outcome.state == "done"
    assert outcome.value is not None
    assert outcome.value["sid"] == CALL_SID
    assert outcome.value["status"] == 2 and outcome.value["status_name"] == "completed"
    assert outcome.value["to"] == "4155550134" and outcome.value["from"] == "4155550199"
    assert outcome.value["date_created"].startswith("2009-11-06T10:02:11")


@pytest.mark.parametrize(
    ("status", "name"),
    [(CallStatus.BUSY, "busy"), (CallStatus.NO_ANSWER, "no-answer"), (CallStatus.FAILED, "failed")],
)
def test_a_call_ending_in_a_failed_status_fails_naming_it(status: CallStatus, name: str) -> None:
    outcome = call_outcome(sample_call(status=status), DEFAULT)
    assert outcome.state == "failed"
    assert f"ended {name}" in outcome.message and CALL_SID in outcome.message


def test_a_final_status_left_out_of_failed_statuses_counts_as_success() -> None:
    assert (
        call_outcome(sample_call(status=CallStatus.BUSY), parse_failed_statuses(["failed"])).state == "done"
    )


def test_call_summary_is_json_safe() -> None:
    import json

    assert json.loads(json.dumps(call_summary(sample_call()))) == call_summary(sample_call())


def _recording_outcome(**kwargs: object) -> str:
    values: dict[str, object] = {
        "call": sample_call(),
        "recordings": [sample_recording()],
        "transcriptions": {},
        "wait_for_transcription": False,
        "grace_seconds": 60.0,
        "now": when(6, 10, 5, 0),
    }
    values.update(kwargs)
    return recording_outcome(**values).state  # type: ignore[arg-type]


def test_a_recording_ends_the_wait_with_the_newest_one() -> None:
    older = sample_recording("RE" + "1" * 32, date_created=when(6, 10, 3, 0))
    newer = sample_recording("RE" + "2" * 32, date_created=when(6, 10, 4, 0))
    outcome = recording_outcome(
        sample_call(), [older, newer], {}, wait_for_transcription=False, grace_seconds=60, now=when(6, 10, 5)
    )
    assert outcome.state == "done" and outcome.value is not None
    assert outcome.value["sid"] == newer.sid
    assert outcome.value["call_sid"] == CALL_SID and outcome.value["duration"] == 37


def test_no_recording_yet_waits_while_the_call_runs_and_during_the_grace_period() -> None:
    running = sample_call(status=CallStatus.IN_PROGRESS, end_time=None)
    assert _recording_outcome(call=running, recordings=[]) == "waiting"
    ended = sample_call(end_time=when(6, 10, 4, 30))
    assert _recording_outcome(call=ended, recordings=[], now=when(6, 10, 5, 0)) == "waiting"


def test_no_recording_after_the_grace_period_fails_clearly() -> None:
    ended = sample_call(end_time=when(6, 10, 4, 0))
    outcome = recording_outcome(
        ended,
        [],
        {},
        wait_for_transcription=False,
        grace_seconds=60,
        now=when(6, 10, 4, 0) + timedelta(seconds=61),
    )
    assert outcome.state == "failed" and "no recording" in outcome.message


def test_transcription_wait_passes_through_in_progress_to_completed() -> None:
    recording = sample_recording()
    running = sample_transcription(status=TranscriptionStatus.IN_PROGRESS, transcription_text=None)
    done = sample_transcription()
    assert _recording_outcome(wait_for_transcription=True) == "waiting"
    assert (
        _recording_outcome(wait_for_transcription=True, transcriptions={recording.sid: [running]})
        == "waiting"
    )
    outcome = recording_outcome(
        sample_call(), [recording], {recording.sid: [done]}, wait_for_transcription=True, grace_seconds=60
    )
    assert outcome.state == "done" and outcome.value is not None
    assert outcome.value["transcription_status"] == "completed"
    assert outcome.value["transcription_text"] == done.transcription_text


def test_a_failed_transcription_fails_the_wait() -> None:
    recording = sample_recording()
    failed = sample_transcription(status=TranscriptionStatus.FAILED)
    outcome = recording_outcome(
        sample_call(), [recording], {recording.sid: [failed]}, wait_for_transcription=True, grace_seconds=60
    )
    assert outcome.state == "failed" and "failed" in outcome.message


@pytest.mark.parametrize(
    ("error", "transient"),
    [
        (Twilio2008ServerError(503, "busy", method="GET", path="/x"), True),
        (Twilio2008RateLimitedError(429, "slow", method="GET", path="/x"), True),
        (Twilio2008TransportError("reset", method="GET", path="/x"), True),
        (Twilio2008ResponseError("cut", method="GET", path="/x", malformed=True), True),
        (Twilio2008AuthenticationError(401, "no", method="GET", path="/x"), False),
        (Twilio2008NotFoundError(404, "gone", method="GET", path="/x"), False),
        (Twilio2008OutcomeUnknownError("lost", method="POST", path="/x"), False),
        (Twilio2008ValidationError("call_sid", "bad", "CA + 32 hex"), False),
    ],
)
def test_only_passing_failures_keep_a_wait_going(error: Exception, transient: bool) -> None:
    assert is_transient(error) is transient  # type: ignore[arg-type]


def test_a_failed_calls_message_quotes_its_newest_notifications() -> None:
    from airflow_provider_twilio2008.api.records import Notification

    notes = [
        Notification(
            sid="NO" + str(n) * 32,
            error_code=11200,
            message_text=f"HTTP retrieval failure {n}",
            request_url=f"https://app.example.com/{n}",
            more_info="http://www.twilio.com/docs/errors/11200",
        )
        for n in range(1, 6)
    ]
    message = with_notifications("call CA1 ended failed", notes)
    assert message == (
        "call CA1 ended failed. Twilio's notifications for the call: "
        + " | ".join(
            f"11200 HTTP retrieval failure {n} (requesting https://app.example.com/{n}); "
            "see http://www.twilio.com/docs/errors/11200"
            for n in range(1, MAX_QUOTED_NOTIFICATIONS + 1)
        )
    )
    assert with_notifications("call CA1 ended failed", []) == "call CA1 ended failed"
