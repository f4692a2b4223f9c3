"""Finding what an earlier attempt created: one match adopted, none created, several refused."""

from __future__ import annotations

from datetime import timedelta

import pytest

from airflow_provider_twilio2008.api.reconcile import Intent, matches
from airflow_provider_twilio2008.api.records import CallFlags
from tests.hooks.fakes import sample_call, sample_sms, when

STARTED = when(6, 10, 2, 0)


def _call_intent() -> Intent:
    return Intent(kind="call", to="4155550134", from_="4155550199", created_after=STARTED.isoformat())


def test_intents_round_trip_through_json() -> None:
    intent = Intent(
        kind="sms", to="+442071838750", from_="4155550199", created_after=STARTED.isoformat(), body="hi"
    )
    assert Intent.from_json(intent.as_json()) == intent
    assert "sid" not in intent.as_json()


def test_the_call_created_inside_the_window_matches() -> None:
    call = sample_call()  # created 10:02:11, to 4155550134 from 4155550199
    assert matches(_call_intent(), [call]) == [call]


def test_numbers_compare_in_the_form_the_api_writes_them() -> None:
    intent = Intent(
        kind="call", to="+1 (415) 555-0134", from_="14155550199", created_after=STARTED.isoformat()
    )
    assert len(matches(intent, [sample_call()])) == 1


def test_calls_to_another_number_from_another_caller_or_outside_the_window_do_not_match() -> None:
    others = [
        sample_call(called="4155550135"),
        sample_call(caller="4155550100"),
        sample_call(date_created=STARTED - timedelta(minutes=10)),
        sample_call(date_created=STARTED + timedelta(hours=2)),
        sample_call(flags=CallFlags.INBOUND),
        sample_call(call_segment_sid="CA" + "0" * 32),
    ]
    assert matches(_call_intent(), others) == []


def test_two_candidates_are_both_returned_so_the_caller_can_refuse_to_guess() -> None:
    first = sample_call("CA" + "1" * 32)
    second = sample_call("CA" + "2" * 32, date_created=STARTED + timedelta(seconds=30))
    assert [call.sid for call in matches(_call_intent(), [first, second])] == [first.sid, second.sid]


def test_an_sms_must_also_have_the_same_body() -> None:
    sms = sample_sms()
    start = (sms.date_created - timedelta(seconds=5)).isoformat()
    same = Intent(kind="sms", to=sms.to, from_=sms.from_, created_after=start, body=sms.body)
    other = Intent(kind="sms", to=sms.to, from_=sms.from_, created_after=start, body="another text")
    assert matches(same, [sms]) == [sms]
    assert matches(other, [sms]) == []


def test_the_intent_of_a_create_request_is_read_from_its_form() -> None:
    from airflow_provider_twilio2008.api import operations as ops
    from airflow_provider_twilio2008.api.reconcile import intent_for
    from tests.hooks.fakes import ACCOUNT_SID

    call = ops.make_call(ACCOUNT_SID, to="+1 415 555 0134", from_="4155550199", url="https://example.com/t")
    assert intent_for(call) == Intent(kind="call", to="4155550134", from_="4155550199", created_after="")
    sms = ops.send_sms(ACCOUNT_SID, to="4155550134", body="hi", from_="4155550199")
    assert intent_for(sms) == Intent(
        kind="sms", to="4155550134", from_="4155550199", created_after="", body="hi"
    )
    with pytest.raises(ValueError, match="creates neither"):
        intent_for(ops.get_account(ACCOUNT_SID))
