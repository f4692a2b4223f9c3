"""What the request builders put on the wire once a value passed the checks (no I/O: pure descriptions)."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api.operations import ApiRequest, NumberSettings
from airflow_provider_twilio2008.api.records import CallStatus, ConferenceStatus

ACCOUNT = "AC569f37a7882d4ae4b137dc01b69ca936"
CONFERENCE = "CF322ba14a5bf9e95c818604ef033311bf"
CALL = "CAa33daab7eae46930dbde97c13e86cb9d"
TWIML = "https://app.example.com/twiml"


def sent(request: ApiRequest) -> dict[str, str]:
    """Return the request's form and query as one dict (each key once)."""
    pairs = request.form + request.query
    assert len(dict(pairs)) == len(pairs)
    return dict(pairs)


def test_positive_int_numbers_are_sent_as_their_digits() -> None:
    request = ops.make_call(ACCOUNT, to=4155550134, from_=5005550006, url=TWIML)  # type: ignore[arg-type]

    assert sent(request)["Called"] == "4155550134" and sent(request)["Caller"] == "5005550006"


@pytest.mark.parametrize(("muted", "text"), [(True, "true"), (False, "false")])
def test_muted_flags_are_sent_as_true_or_false(muted: bool, text: str) -> None:
    assert sent(ops.list_participants(ACCOUNT, CONFERENCE, muted=muted))["Muted"] == text
    assert sent(ops.set_participant_muted(ACCOUNT, CONFERENCE, CALL, muted))["Muted"] == text


@pytest.mark.parametrize(("lookup", "text"), [(True, "true"), (False, "false")])
def test_caller_name_lookup_is_sent_as_true_or_false(lookup: bool, text: str) -> None:
    request = ops.buy_phone_number(ACCOUNT, "local", settings=NumberSettings(voice_caller_id_lookup=lookup))

    assert sent(request)["VoiceCallerIdLookup"] == text


@pytest.mark.parametrize(("area", "text"), [("415", "415"), (415, "415"), (" 866 ", "866")])
def test_area_codes_are_sent_as_three_digits(area: Any, text: str) -> None:
    assert sent(ops.buy_phone_number(ACCOUNT, "local", area_code=area))["AreaCode"] == text


@pytest.mark.parametrize(
    ("build", "key", "value"),
    [
        (lambda: ops.list_calls(ACCOUNT, status="no-answer"), "Status", "5"),
        (lambda: ops.list_calls(ACCOUNT, status=CallStatus.BUSY), "Status", "3"),
        (lambda: ops.list_conferences(ACCOUNT, status="completed"), "Status", "2"),
        (lambda: ops.list_conferences(ACCOUNT, status=ConferenceStatus.INIT), "Status", "0"),
        (lambda: ops.list_notifications(ACCOUNT, log="warning"), "Log", "1"),
        (lambda: ops.list_notifications(ACCOUNT, log=0), "Log", "0"),
    ],
    ids=["call-name", "call-member", "conference-name", "conference-member", "log-name", "log-number"],
)
def test_status_filters_are_sent_as_their_numbers(build: Any, key: str, value: str) -> None:
    assert sent(build())[key] == value


@pytest.mark.parametrize(
    "build",
    [
        lambda: ops.list_conferences(ACCOUNT, friendly_name="standup-room " + "x" * 200),
        lambda: ops.list_outgoing_caller_ids(ACCOUNT, friendly_name="Dana mobile"),
        lambda: ops.list_incoming_phone_numbers(ACCOUNT, friendly_name="Équipe \U0001f6a8"),
    ],
    ids=["room-name-213-chars", "caller-id", "number-non-ascii"],
)
def test_name_filters_are_sent_as_given(build: Any) -> None:
    request = build()
    name = sent(request)["FriendlyName"]

    assert name.strip() and request.target.isascii()  # percent-encoded on the way out
