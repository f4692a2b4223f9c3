"""The element codecs on hostile text: only ``ValueError``, and only ASCII digits are numbers.

A server's element text goes through :mod:`airflow_provider_twilio2008.api.codecs`; the XML reader
turns a codec's ``ValueError`` into ``Twilio2008ResponseError``, so a codec must raise nothing
else, whatever the text. Look-alike digits (``٣``, ``²``, ``３``) are not numbers on the wire.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from airflow_provider_twilio2008.api import codecs
from airflow_provider_twilio2008.api.errors import Twilio2008ResponseError
from airflow_provider_twilio2008.api.records import Call, CallStatus, SmsStatus
from airflow_provider_twilio2008.api.xml import parse_record

QUICK = settings(max_examples=200, deadline=None, derandomize=True, database=None)
CODECS = {
    "INT": codecs.INT,
    "EPOCH": codecs.EPOCH,
    "MONEY": codecs.MONEY,
    "RFC2822": codecs.RFC2822,
    "BOOL_TRUE_FALSE": codecs.BOOL_TRUE_FALSE,
    "BOOL_ONE_ZERO": codecs.BOOL_ONE_ZERO,
    "CallStatus": codecs.enum_codec(CallStatus, integer=True),
    "SmsStatus": codecs.enum_codec(SmsStatus, integer=False),
}
TEXTS = st.one_of(
    st.text(min_size=1, max_size=40),
    st.text(alphabet="0123456789+-., :٣²３eENaInfyFriNovGMT", min_size=1, max_size=40),
    st.sampled_from(["9" * 5000, "NaN", "-Infinity", "1e999999", "Fri, 06 Nov 9999 23:59:59 -2359"]),
)


@pytest.mark.parametrize("name", sorted(CODECS))
@QUICK
@given(text=TEXTS)
def test_decoding_any_text_gives_a_value_or_a_value_error(name: str, text: str) -> None:
    try:
        CODECS[name].decode(text)
    except ValueError as exc:
        assert len(str(exc)) < 300  # a 5,000-digit text is quoted, not copied


LOOK_ALIKES = ["٣", "²", "３", "३", "1٣", "٠.٠٢"]


@pytest.mark.parametrize("name", ["INT", "EPOCH", "MONEY", "CallStatus"])
@pytest.mark.parametrize("text", LOOK_ALIKES)
def test_look_alike_digits_are_not_numbers(name: str, text: str) -> None:
    with pytest.raises(ValueError, match="ASCII digits|decimal amount"):
        CODECS[name].decode(text)


@pytest.mark.parametrize("text", ["NaN", "Infinity", "-inf", "1e3", "0x10", "1_000"])
def test_amounts_are_plain_decimals(text: str) -> None:
    with pytest.raises(ValueError, match="decimal amount"):
        codecs.MONEY.decode(text)


@pytest.mark.parametrize(
    ("text", "amount"), [("-0.02000", "-0.02000"), ("0.03", "0.03"), (" 1 ", "1"), (".5", ".5")]
)
def test_plain_amounts_are_read(text: str, amount: str) -> None:
    assert codecs.MONEY.decode(text) == Decimal(amount)


def test_a_date_with_look_alike_digits_is_not_a_date() -> None:
    with pytest.raises(ValueError, match="RFC 2822"):
        codecs.RFC2822.decode("Fri, ٠٦ Nov 2009 10:02:11 -0800")


@pytest.mark.parametrize(
    ("element", "text"),
    [("Status", "٢"), ("Duration", "³⁰"), ("Price", "NaN"), ("StartTime", "Fri, ٠٦ Nov 2009 10:02:11 -0800")],
)
def test_a_call_with_look_alike_digits_is_a_response_error(element: str, text: str) -> None:
    body = (
        "<TwilioResponse><Call><Sid>CAa33daab7eae46930dbde97c13e86cb9d</Sid>"
        f"<{element}>{text}</{element}></Call></TwilioResponse>"
    ).encode()

    with pytest.raises(Twilio2008ResponseError, match=element):
        parse_record(body, Call)


@QUICK
@given(st.integers(min_value=-(10**30), max_value=10**30))
def test_integers_round_trip(value: int) -> None:
    assert codecs.INT.decode(codecs.INT.encode(value)) == value


@QUICK
@given(st.decimals(min_value=-1000, max_value=1000, places=5, allow_nan=False, allow_infinity=False))
def test_amounts_round_trip(value: Any) -> None:
    assert codecs.MONEY.decode(codecs.MONEY.encode(value)) == value
