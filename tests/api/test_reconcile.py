"""Reconciling a create: which errors created nothing, and which records an intent's window accepts."""

from __future__ import annotations

from datetime import timedelta

import pytest

from airflow_provider_twilio2008.api.errors import (
    Twilio2008ApiError,
    Twilio2008OutcomeUnknownError,
    Twilio2008RateLimitedError,
    Twilio2008ResponseError,
    Twilio2008ServerError,
    Twilio2008TransportError,
    Twilio2008ValidationError,
)
from airflow_provider_twilio2008.api.reconcile import (
    Intent,
    created_nothing,
    hold_seconds,
    matches,
    may_have_taken_effect,
)
from airflow_provider_twilio2008.api.records import CallFlags
from airflow_provider_twilio2008.api.xml import api_error_from_body
from tests.hooks.fakes import sample_call, sample_sms, when

SENT = when(6, 10, 2, 11)  # the sample call's DateCreated


def _call_intent(hold: float = 60) -> Intent:
    return Intent(kind="call", to="4155550134", from_="4155550199").stamped(SENT, hold)


def test_intents_round_trip_through_json() -> None:
    intent = Intent(kind="sms", to="+442071838750", from_="4155550199", body="hi").stamped(SENT, 30)
    assert Intent.from_json(intent.as_json()) == intent
    assert "sid" not in intent.as_json() and "ended" not in intent.as_json()
    ended = Intent.from_json({**intent.as_json(), "ended": True})
    assert ended.ended and ended.same_request(intent)


def test_a_stamp_rounds_down_to_the_second_and_holds_for_the_hold_plus_the_clock_precision() -> None:
    intent = Intent(kind="call", to="4155550134", from_="4155550199").stamped(
        SENT.add(microseconds=900_000), 10
    )
    assert intent.start == SENT
    assert intent.settled == SENT.add(microseconds=900_000) + timedelta(seconds=12)


def test_a_lost_answer_moves_the_settle_time_to_settle_seconds_after_the_failure_never_later() -> None:
    intent = _call_intent(hold=600)
    failed_at = SENT + timedelta(seconds=5)
    assert intent.unsettled_at(failed_at, 60).settled == failed_at + timedelta(seconds=62)
    short = _call_intent(hold=10)
    assert short.unsettled_at(failed_at, 60) == short  # already sooner than that


def test_the_hold_covers_every_attempt_and_the_settle_period() -> None:
    assert hold_seconds(60, timeout=30, retries=3, attempt_factor=3) == 60 + 4 * 90


def test_the_call_created_inside_the_window_matches() -> None:
    call = sample_call()  # created 10:02:11, to 4155550134 from 4155550199
    assert matches(_call_intent(), [call]) == [call]


def test_numbers_compare_in_the_form_the_api_writes_them() -> None:
    intent = Intent(kind="call", to="+1 (415) 555-0134", from_="14155550199").stamped(SENT, 60)
    assert len(matches(intent, [sample_call()])) == 1


def test_a_call_made_one_second_before_the_intent_is_never_taken_for_it() -> None:
    # Another task called the same person a second earlier: that call is not this task's.
    assert matches(_call_intent(), [sample_call(date_created=SENT - timedelta(seconds=1))]) == []


def test_calls_to_another_number_from_another_caller_or_after_the_window_do_not_match() -> None:
    others = [
        sample_call(called="4155550135"),
        sample_call(caller="4155550100"),
        sample_call(date_created=SENT + timedelta(seconds=63)),
        sample_call(flags=CallFlags.INBOUND),
        sample_call(call_segment_sid="CA" + "0" * 32),
    ]
    assert matches(_call_intent(), others) == []


def test_two_candidates_are_both_returned_so_the_caller_can_refuse_to_guess() -> None:
    first = sample_call("CA" + "1" * 32)
    second = sample_call("CA" + "2" * 32, date_created=SENT + timedelta(seconds=30))
    assert [call.sid for call in matches(_call_intent(), [first, second])] == [first.sid, second.sid]


def test_an_sms_must_also_have_the_same_body() -> None:
    sms = sample_sms()
    same = Intent(kind="sms", to=sms.to, from_=sms.from_, body=sms.body).stamped(sms.date_created, 60)
    other = Intent(kind="sms", to=sms.to, from_=sms.from_, body="another text").stamped(sms.date_created, 60)
    assert matches(same, [sms]) == [sms]
    assert matches(other, [sms]) == []


def test_the_intent_of_a_create_request_is_read_from_its_form() -> None:
    from airflow_provider_twilio2008.api import operations as ops
    from airflow_provider_twilio2008.api.reconcile import intent_for
    from tests.hooks.fakes import ACCOUNT_SID

    call = ops.make_call(ACCOUNT_SID, to="+1 415 555 0134", from_="4155550199", url="https://example.com/t")
    assert intent_for(call) == Intent(kind="call", to="4155550134", from_="4155550199")
    sms = ops.send_sms(ACCOUNT_SID, to="4155550134", body="hi", from_="4155550199")
    assert intent_for(sms) == Intent(kind="sms", to="4155550134", from_="4155550199", body="hi")
    with pytest.raises(ValueError, match="creates neither"):
        intent_for(ops.get_account(ACCOUNT_SID))


_TWILIO_500 = (
    b"<TwilioResponse><RestException><Status>500</Status><Message>boom</Message></RestException>"
    b"</TwilioResponse>"
)


@pytest.mark.parametrize(
    "error",
    [
        Twilio2008ValidationError("to", "bad", "a number"),
        Twilio2008ApiError(400, "bad To", code=21211),
        Twilio2008RateLimitedError(429, "slow down"),
        Twilio2008ServerError(503, "unavailable"),
        api_error_from_body(500, _TWILIO_500, method="POST", path="/Calls"),
        Twilio2008TransportError("connection refused", method="POST", path="/Calls"),
    ],
    ids=["validation", "400", "429", "503", "500-with-RestException", "connect-refused"],
)
def test_a_refused_or_unprocessed_create_created_nothing(error: BaseException) -> None:
    assert created_nothing(error) and not may_have_taken_effect(error)


@pytest.mark.parametrize(
    "error",
    [
        Twilio2008OutcomeUnknownError("read timed out", method="POST", path="/Calls"),
        Twilio2008ResponseError("not XML", method="POST", path="/Calls"),
        api_error_from_body(502, b"<html>Bad Gateway</html>", method="POST", path="/Calls"),
        api_error_from_body(504, b"", method="POST", path="/Calls"),
        RuntimeError("unexpected"),
    ],
    ids=["lost-answer", "unreadable-2xx", "502-from-a-proxy", "504-empty", "unexpected"],
)
def test_a_create_whose_outcome_is_unknown_may_have_taken_effect(error: BaseException) -> None:
    assert may_have_taken_effect(error) and not created_nothing(error)


def test_whether_the_body_was_twilios_survives_pickling() -> None:
    import pickle

    error = api_error_from_body(500, _TWILIO_500, method="POST", path="/Calls")
    assert pickle.loads(pickle.dumps(error)).rest_exception is True
