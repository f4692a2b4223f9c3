"""The local checks of ``api.validate`` on the edges: what is accepted, and how a refusal reads."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api import validate
from airflow_provider_twilio2008.api.errors import (
    Twilio2008ValidationError,
)
from airflow_provider_twilio2008.api.records import CallStatus, ConferenceStatus, NotificationLog

SID = "AC" + "a" * 32

# --- errors survive pickling and copying ------------------------------------------------------


def refusal(check: Any, *args: Any, **kwargs: Any) -> Twilio2008ValidationError:
    """Return the validation error ``check(*args, **kwargs)`` raises."""
    with pytest.raises(Twilio2008ValidationError) as raised:
        check(*args, **kwargs)
    return raised.value


@pytest.mark.parametrize(
    ("written", "sent"),
    [
        ("4155550134", "4155550134"),
        ("(415) 555-0134", "4155550134"),
        ("+1 415.555.0134", "4155550134"),
        ("1-415-555-0134", "4155550134"),
        ("415\u00a0555\u00a00134", "4155550134"),  # no-break spaces from a web page
        ("4155550134\n", "4155550134"),  # a line read from a file
        (4155550134, "4155550134"),  # a template rendered as a native object
        ("+44 20 7183 8750", "+442071838750"),
    ],
)
def test_phone_numbers_people_write_are_accepted(written: Any, sent: str) -> None:
    assert validate.phone_number(written, "to") == sent


@pytest.mark.parametrize(
    "value",
    [-4155550134, 0, 10**15, 10**5000, True, 4155550134.0, "-4155550134", ".4155550134", "415555\r\n0134"],
    ids=["negative", "zero", "16-digits", "5001-digits", "bool", "float", "minus-text", "dot-text", "crlf"],
)
def test_signed_huge_and_non_integer_phone_numbers_are_refused(value: Any) -> None:
    error = refusal(validate.phone_number, value, "to", param="Called", code=21211)

    assert (error.field, error.param, error.code) == ("to", "Called", 21211)
    assert "E.164" in str(error) and len(str(error)) < 300


@pytest.mark.parametrize(
    ("value", "where"),
    [("hi\x00", "U+0000 (a control character) at position 2"), ("a\ud800b", "U+D800 (a lone surrogate")],
)
def test_a_refused_character_is_named_with_its_position(value: str, where: str) -> None:
    assert where in str(refusal(validate.sms_body, value))


@pytest.mark.parametrize(
    "body", ["line one\nline two", "tab\there", "crlf\r\nok", "\U0001f6a8" * 160, "é" * 160]
)
def test_sms_bodies_with_line_breaks_or_160_characters_are_accepted(body: str) -> None:
    assert validate.sms_body(body) == body


def test_sms_body_of_another_type_says_which() -> None:
    assert "got int" in str(refusal(validate.sms_body, 42))


@pytest.mark.parametrize("name", ["Ops\tTeam", "Ops\nTeam", "Ops\x7f", "Ops\x00"])
def test_labels_are_one_line(name: str) -> None:
    assert "one line" in str(refusal(validate.friendly_name, name))


def test_labels_may_hold_any_printable_text() -> None:
    assert validate.friendly_name("Équipe d'astreinte \U0001f6a8") == "Équipe d'astreinte \U0001f6a8"


@pytest.mark.parametrize(
    "value",
    ["https://exämple.com/twiml", "http://127.0.0.1:8080/twiml?a=1&b=%20", "https://a.example/" + "x" * 2000],
)
def test_printable_http_urls_are_accepted(value: str) -> None:
    assert validate.url(value, "url") == value


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("https://example.com/a\u202eb", "U+202E"),
        ("https://example.com/a\x0bb", "U+000B"),
        ("https://example.com/a\u2028b", "U+2028 (white space)"),
        ("https://example.com/" + "x" * 2048, "characters long"),
    ],
)
def test_unprintable_or_long_urls_are_refused_saying_why(value: str, problem: str) -> None:
    assert problem in str(refusal(validate.url, value, "url"))


@pytest.mark.parametrize(
    ("value", "problem"),
    [("abc", "is not a whole number"), ("-5", "is out of range"), (10**5000, "out of range")],
    ids=["letters", "negative", "5001-digits"],
)
def test_integer_in_range_tells_a_non_number_from_an_out_of_range_one(value: Any, problem: str) -> None:
    assert problem in str(refusal(validate.integer_in_range, value, "page_size", 1, 1000))


@pytest.mark.parametrize(
    ("members", "value", "expected"),
    [
        (CallStatus, "no-answer", CallStatus.NO_ANSWER),
        (CallStatus, "IN PROGRESS", CallStatus.IN_PROGRESS),
        (CallStatus, " 2 ", CallStatus.COMPLETED),
        (ConferenceStatus, 1, ConferenceStatus.IN_PROGRESS),
        (NotificationLog, "warning", NotificationLog.WARNING),
    ],
)
def test_enumerations_take_members_numbers_and_names(members: Any, value: Any, expected: Any) -> None:
    assert validate.enumeration(value, "status", members) is expected


def test_an_unknown_enumeration_value_lists_the_accepted_ones() -> None:
    error = refusal(validate.enumeration, "ringing", "status", ConferenceStatus, param="Status")

    assert str(error) == (
        "status (Status): 'ringing' is not allowed; expected a ConferenceStatus: "
        "one of 0 (init), 1 (in-progress), 2 (completed), as a number or a name"
    )


@pytest.mark.parametrize(("value", "area"), [("415", "415"), (866, "866"), (" 212 ", "212")])
def test_area_codes_are_three_ascii_digits(value: Any, area: str) -> None:
    assert validate.area_code(value) == area


@pytest.mark.parametrize(
    "value",
    ["9999-12-31T23:59:59-01:00", "0001-01-01T00:00:00+01:00", datetime(1, 1, 1, tzinfo=timezone.utc)],
)
def test_moments_outside_utc_years_1_to_9999_are_refused(value: Any) -> None:
    moment = value if isinstance(value, datetime) else datetime.fromisoformat(value)
    if moment.utcoffset() == timedelta(0):  # year 1 in UTC itself is fine
        assert validate.instant(value, "since").year == 1
        return
    assert "years 1-9999" in str(refusal(validate.instant, value, "since"))


def test_a_filter_day_past_year_9999_in_utc_is_refused() -> None:
    late = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))
    assert "years 1-9999" in str(refusal(validate.filter_date, late, "started_on"))


@pytest.mark.parametrize(
    ("pattern", "problem"),
    [
        ("(" * 17 + ")" * 17, "nested deeper than 16"),
        ("x" * 257, "longer than 256 characters"),
        ("[yes", "unterminated character set"),
        (r"(a)\1", r"escape \1 is not supported"),
        ("(?=yes)", "only (...), (?P<name>...) and (?:...) groups"),
    ],
)
def test_patterns_outside_the_linear_subset_are_refused_naming_the_field(pattern: str, problem: str) -> None:
    error = refusal(validate.pattern, pattern, "body_pattern", ignore_case=True)
    assert error.field == "body_pattern" and problem in str(error)


def test_flags_name_the_accepted_values() -> None:
    error = refusal(validate.flag, "false", "muted", param="Muted")

    assert str(error) == "muted (Muted): 'false' is not a bool; expected True or False"


@pytest.mark.parametrize(
    ("kind", "words"),
    [
        (validate.ACCOUNT, "is not an account SID.*expected an account SID: 'AC'"),
        (validate.SMS, "is not an SMS message SID.*expected an SMS message SID: 'SM'"),
        (validate.CALL, "is not a call SID.*expected a call SID: 'CA'"),
    ],
)
def test_sid_errors_use_the_right_article(kind: validate.SidKind, words: str) -> None:
    with pytest.raises(Twilio2008ValidationError, match=words):
        validate.sid("nope", kind, "sid")


def test_sms_body_of_exactly_160_characters_is_accepted() -> None:
    assert validate.sms_body("x" * 160) == "x" * 160


def test_integer_with_non_ascii_digits_is_a_validation_error() -> None:
    with pytest.raises(Twilio2008ValidationError, match="retries"):
        validate.integer_in_range("²", "retries", 0, 10)
    with pytest.raises(Twilio2008ValidationError, match="page_size"):
        ops.list_calls(SID, page_size="١٠")  # type: ignore[arg-type]
