"""Property tests of every check in ``api.validate``: on any input, a typed refusal or a safe value.

For arbitrary input (text with any code point, lone surrogates included, ints of any size,
floats, bools, bytes, ``None``, containers), each check either returns a value of the promised
shape or raises :class:`Twilio2008ValidationError` naming the field it was given; never another
exception. What a text check accepts can always be carried by an XML document, and what the
number checks accept holds only ASCII digits.

Hypothesis runs derandomized (the same examples on every run) with a modest number of examples,
so the suite stays quick and deterministic in CI.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime, timezone
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lxml import etree

from airflow_provider_twilio2008.api import validate
from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.api.records import CallStatus, ConferenceStatus, NotificationLog

QUICK = settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow],
)
FIELD = "the_field"

#: Any text: every code point, lone surrogates included.
ANY_TEXT = st.text(alphabet=st.characters(codec=None, categories=None), max_size=80)
#: Text made of the pieces checks look for, so accepted values are found, not only refusals.
DIGITISH = st.text(alphabet="0123456789+()-. \t\n\r٤١٥²³４#*abc/:\x00\ufffe\ud800", max_size=24)
URLISH = st.builds(
    lambda scheme, host, path: f"{scheme}{host}{path}",
    st.sampled_from(["http://", "https://", "ftp://", "javascript:", "file://", "//", "http:///", ""]),
    st.sampled_from(["example.com", "127.0.0.1", "[::1]", "exämple.com", "a b", "", "host:99999", "[::1"]),
    ANY_TEXT,
)
DATEISH = st.one_of(
    st.dates().map(date.isoformat),
    st.text(alphabet="0123456789-٢T:+Z ", max_size=30),
    st.datetimes(timezones=st.timezones()).map(datetime.isoformat),
)
ANYTHING = st.one_of(
    ANY_TEXT,
    DIGITISH,
    st.integers(),
    st.integers(min_value=-(10**5000), max_value=10**5000),
    st.floats(allow_nan=True),
    st.booleans(),
    st.none(),
    st.binary(max_size=20),
    st.lists(st.integers(), max_size=2),
    st.dates(),
    st.datetimes(timezones=st.one_of(st.none(), st.timezones())),
)


def outcome(check: Callable[..., Any], value: Any, *args: Any, **kwargs: Any) -> Any:
    """Run ``check``; return its value, or ``None`` after a refusal that names ``FIELD``."""
    try:
        return check(value, FIELD, *args, **kwargs)
    except Twilio2008ValidationError as exc:
        assert exc.field == FIELD
        assert str(exc).startswith(FIELD)
        assert str(exc).isprintable()
        return None


def carried_by_xml(text: str) -> bool:
    """Whether ``text`` survives as an XML element's text (lxml refuses what XML cannot hold)."""
    element = etree.Element("Body")
    element.text = text
    return etree.fromstring(etree.tostring(element, encoding="utf-8")).text == text


@QUICK
@given(st.one_of(ANYTHING, st.sampled_from([validate.CALL, validate.SMS]).map(lambda k: k.prefix + "a" * 32)))
def test_sid_accepts_only_its_34_character_shape(value: Any) -> None:
    result = outcome(lambda v, field: validate.sid(v, validate.CALL, field), value)
    if result is not None:
        assert result == value and re.fullmatch(r"CA[0-9a-f]{32}", result)


@QUICK
@given(st.one_of(ANYTHING, DIGITISH), st.booleans())
def test_phone_number_returns_ascii_digits_and_is_idempotent(value: Any, short: bool) -> None:
    result = outcome(validate.phone_number, value, allow_short_code=short)
    if result is not None:
        assert re.fullmatch(r"\+?[0-9]{5,15}", result)
        assert validate.phone_number(result, FIELD, allow_short_code=short) == result
        assert not isinstance(value, bool | float) and not (isinstance(value, int) and value <= 0)


@QUICK
@given(st.one_of(ANYTHING, URLISH))
def test_url_accepts_only_printable_absolute_http_urls(value: Any) -> None:
    result = outcome(validate.url, value)
    if result is not None:
        assert result == value and result.startswith(("http://", "https://"))
        assert result.isprintable() and not any(ch.isspace() for ch in result)
        assert len(result) <= validate.URL_MAX
        assert result.encode("utf-8")


@QUICK
@given(st.one_of(ANYTHING, st.text(max_size=170)))
def test_sms_body_accepts_only_text_xml_can_carry(value: Any) -> None:
    result = outcome(validate.sms_body, value)
    if result is not None:
        assert result == value and 0 < len(result) <= validate.SMS_BODY_MAX and result.strip()
        assert carried_by_xml(result)


@QUICK
@given(st.one_of(ANYTHING, st.text(max_size=70)))
def test_friendly_name_accepts_only_one_line_labels_xml_can_carry(value: Any) -> None:
    result = outcome(validate.friendly_name, value)
    if result is not None:
        assert result == value and len(result) <= validate.FRIENDLY_NAME_MAX
        assert "\n" not in result and "\r" not in result and "\t" not in result
        assert carried_by_xml(result)


@QUICK
@given(ANYTHING, st.integers(min_value=1, max_value=300), st.booleans())
def test_text_accepts_only_what_xml_can_carry_within_its_length(value: Any, most: int, line: bool) -> None:
    result = outcome(validate.text, value, param="P", max_length=most, one_line=line)
    if result is not None:
        assert result == value and len(result) <= most and carried_by_xml(result)


@QUICK
@given(ANYTHING)
def test_choice_and_http_method_return_a_canonical_option(value: Any) -> None:
    assert outcome(validate.choice, value, ("Continue", "Hangup")) in (None, "Continue", "Hangup")
    assert outcome(validate.http_method, value) in (None, "GET", "POST")


@QUICK
@given(st.one_of(ANYTHING, DIGITISH), st.integers(-5, 5), st.integers(0, 2000))
def test_integer_in_range_returns_an_int_in_range(value: Any, low: int, high: int) -> None:
    result = outcome(validate.integer_in_range, value, low, high)
    if result is not None:
        assert type(result) is int and low <= result <= high
        assert not isinstance(value, bool | float)
        assert not isinstance(value, str) or value.strip(" \t").lstrip("-").isascii()


@QUICK
@given(st.one_of(ANYTHING, DIGITISH))
def test_send_digits_returns_only_dtmf_keys(value: Any) -> None:
    result = outcome(validate.send_digits, value)
    if result is not None:
        assert re.fullmatch(r"[0-9#*]{1,32}", result)


@QUICK
@given(st.one_of(ANYTHING, DATEISH))
def test_filter_date_returns_an_ascii_iso_day(value: Any) -> None:
    result = outcome(validate.filter_date, value)
    if result is not None:
        assert re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", result)
        date.fromisoformat(result)


@QUICK
@given(st.one_of(ANYTHING, DATEISH))
def test_instant_returns_an_aware_utc_datetime(value: Any) -> None:
    result = outcome(validate.instant, value)
    if result is not None:
        assert isinstance(result, datetime) and result.utcoffset() == timezone.utc.utcoffset(None)


@QUICK
@given(st.one_of(ANYTHING, st.text(alphabet="()[]{}*+?|\\^$.a-z0-9", max_size=40)))
def test_pattern_compiles_or_refuses(value: Any) -> None:
    from airflow_provider_twilio2008.api.pattern import Pattern

    result = outcome(validate.pattern, value, ignore_case=True)
    if result is not None:
        assert isinstance(result, Pattern) and result.pattern == value


@pytest.mark.parametrize("members", [CallStatus, ConferenceStatus, NotificationLog])
@QUICK
@given(value=st.one_of(ANYTHING, st.sampled_from(["completed", "no-answer", "IN PROGRESS", "warning", "٣"])))
def test_enumeration_returns_a_member(members: Any, value: Any) -> None:
    result = outcome(validate.enumeration, value, members)
    if result is not None:
        assert isinstance(result, members)
        assert not isinstance(value, bool | float)


@QUICK
@given(ANYTHING)
def test_flag_accepts_only_bools(value: Any) -> None:
    result = outcome(validate.flag, value)
    assert result is (value if isinstance(value, bool) else None)


@QUICK
@given(st.one_of(ANYTHING, DIGITISH))
def test_area_code_returns_three_ascii_digits(value: Any) -> None:
    result = outcome(validate.area_code, value)
    if result is not None:
        assert re.fullmatch(r"[0-9]{3}", result)


@QUICK
@given(ANYTHING)
def test_require_refuses_only_missing_values(value: Any) -> None:
    missing = value is None or (isinstance(value, str) and not value.strip())
    try:
        validate.require(value, FIELD, param="P")
    except Twilio2008ValidationError as exc:
        assert missing and exc.field == FIELD
    else:
        assert not missing


@QUICK
@given(st.one_of(ANY_TEXT, st.sampled_from(["localhost", "127.0.0.1", "::1", "127.1.2.3", "LOCALHOST"])))
def test_is_loopback_host_answers_a_bool_for_any_text(value: str) -> None:
    assert isinstance(validate.is_loopback_host(value), bool)
