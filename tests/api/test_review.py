"""Review findings in the protocol core, each pinned by the test that first failed."""

from __future__ import annotations

import copy
import json
import pickle
import re
from datetime import datetime, timedelta, timezone

import pendulum
import pytest

from airflow_provider_twilio2008.api import codecs, retry, validate, xml
from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api.config import ClientConfig
from airflow_provider_twilio2008.api.errors import (
    Twilio2008ApiError,
    Twilio2008Error,
    Twilio2008OutcomeUnknownError,
    Twilio2008ResponseError,
    Twilio2008TransportError,
    Twilio2008ValidationError,
)
from airflow_provider_twilio2008.api.records import ALL_RECORDS, Account, Transcription

BY_TAG = {record.TAG: record for record in ALL_RECORDS} | {r.LIST_TAG: r for r in ALL_RECORDS if r.LIST_TAG}


SID = "AC569f37a7882d4ae4b137dc01b69ca936"
TOKEN = "f00dfeedc0ffee00d15ea5edeadbeef1"


# --- errors survive pickling and copying ------------------------------------------------------


@pytest.mark.parametrize(
    "error",
    [
        Twilio2008ValidationError("to", "'123' is not a phone number", "E.164", param="Called", code=21211),
        Twilio2008TransportError("ConnectionError: refused", method="GET", path="/2008-08-01/Accounts"),
        Twilio2008OutcomeUnknownError("ReadTimeout: answer lost", method="POST", path="/p/Calls"),
        Twilio2008ResponseError("response body is cut short", method="GET", path="/p", malformed=True),
    ],
    ids=lambda e: type(e).__name__,
)
def test_every_error_survives_pickling_and_copying_with_its_fields(error: Twilio2008Error) -> None:
    # Airflow (and multiprocessing, celery, deepcopy) rebuild exceptions from their pickled form;
    # a rebuild that raises TypeError replaces the user's real error with a confusing one.
    for rebuilt in (pickle.loads(pickle.dumps(error)), copy.deepcopy(error)):
        assert type(rebuilt) is type(error)
        assert str(rebuilt) == str(error)
        assert vars(rebuilt) == vars(error)


# --- non-ASCII digits: refused clearly, never a crash, never sent ------------------------------


def test_retry_after_with_non_ascii_digits_is_ignored_not_a_crash() -> None:
    # "²".isdigit() is True but float("²") raises: a hostile header must not crash the transport.
    assert retry.parse_retry_after("²") is None
    assert retry.parse_retry_after("١٢") is None
    assert retry.parse_retry_after(" 7 ") == 7.0


def test_integer_with_non_ascii_digits_is_a_validation_error() -> None:
    with pytest.raises(Twilio2008ValidationError, match="retries"):
        validate.integer_in_range("²", "retries", 0, 10)
    with pytest.raises(Twilio2008ValidationError, match="page_size"):
        ops.list_calls(SID, page_size="١٠")  # type: ignore[arg-type]


@pytest.mark.parametrize("number", ["4١٥٥٥٥٠١٣٤", "+44２０７９４６０９５８", "1234５"])
def test_phone_number_with_non_ascii_digits_never_reaches_the_form(number: str) -> None:
    with pytest.raises(Twilio2008ValidationError, match="to"):
        validate.phone_number(number, "to", allow_short_code=True)


def test_rest_exception_with_odd_digits_still_becomes_the_typed_error() -> None:
    body = (
        "<TwilioResponse><RestException><Status>²</Status><Message>Bad</Message>"
        "<Code>2¹</Code></RestException></TwilioResponse>"
    ).encode()
    error = xml.api_error_from_body(400, body, method="GET", path="/x")
    assert isinstance(error, Twilio2008ApiError) and error.message == "Bad" and error.code is None


# --- dates the server sends that cannot be dates ----------------------------------------------


@pytest.mark.parametrize("text", ["99999999999999999999", "-99999999999999999999"])
def test_epoch_date_out_of_range_is_a_response_error(text: str) -> None:
    body = (
        "<TwilioResponse><Transcription><Sid>TR4179d4e2cb681f3a0c380174d4d8050a</Sid>"
        f"<DateCreated>{text}</DateCreated></Transcription></TwilioResponse>"
    ).encode()
    with pytest.raises(Twilio2008ResponseError, match="DateCreated"):
        xml.parse_record(body, Transcription)


@pytest.mark.parametrize("offset", ["+9999", "-2400", "+0160"])
def test_rfc2822_date_with_an_impossible_offset_is_refused_when_read(offset: str) -> None:
    # Accepted, it would only fail later, far away: in as_dict() when the task pushes to XCom.
    with pytest.raises(ValueError):
        codecs.RFC2822.decode(f"Fri, 06 Nov 2009 10:02:11 {offset}")
    assert codecs.RFC2822.decode("Fri, 06 Nov 2009 10:02:11 +1400").utcoffset() == timedelta(hours=14)


# --- as_dict is JSON-safe for every record of the reference -----------------------------------


def test_as_dict_of_every_reference_record_is_json_safe(reference_examples: list[str]) -> None:
    seen = set()
    for example in reference_examples:
        child = re.search(r"<TwilioResponse>\s*<(\w+)", example).group(1)
        if child == "RestException":
            continue
        record_type = BY_TAG[child]
        body = example.encode()
        records = (
            xml.parse_page(body, record_type).items
            if child == record_type.LIST_TAG
            else (xml.parse_record(body, record_type),)
        )
        for record in records:
            seen.add(type(record))
            data = record.as_dict()
            assert json.loads(json.dumps(data)) == data
            assert pickle.loads(pickle.dumps(record)) == record
    assert len(seen) >= 10
    assert {r.TAG for r in ALL_RECORDS} >= {r.TAG for r in seen}


# --- hardened parsing: a DTD is refused in any encoding ---------------------------------------


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-be", "utf-32"])
def test_dtd_is_refused_in_any_encoding(encoding: str) -> None:
    text = (
        f'<?xml version="1.0" encoding="{encoding.upper()}"?>'
        '<!DOCTYPE r [<!ENTITY a "HELLO">]>'
        f"<TwilioResponse><Account><Sid>{SID}</Sid><FriendlyName>&a;</FriendlyName></Account>"
        "</TwilioResponse>"
    )
    body = text.encode(encoding)
    assert not re.search(rb"<!\s*DOCTYPE", body)  # the byte-level pre-check cannot see it
    with pytest.raises(Twilio2008ResponseError, match="DTD"):
        xml.parse_record(body, Account)


def test_utf16_document_without_a_dtd_still_parses() -> None:
    text = (
        '<?xml version="1.0" encoding="UTF-16"?>'
        f"<TwilioResponse><Account><Sid>{SID}</Sid></Account></TwilioResponse>"
    )
    assert xml.parse_record(text.encode("utf-16"), Account).sid == SID


# --- connection extras --------------------------------------------------------------------------


@pytest.mark.parametrize("empty", [None, ""])
def test_null_or_empty_timeout_and_retries_extras_mean_the_defaults(empty: object) -> None:
    # The conn-fields schema declares both as nullable, so the connection form can save null.
    config = ClientConfig.from_connection(
        host=None, port=None, login=SID, password=TOKEN, extra={"timeout": empty, "retries": empty}
    )
    assert (config.timeout, config.retries) == (30.0, 3)


@pytest.mark.parametrize("flag", [True, False])
def test_boolean_timeout_extra_is_refused(flag: bool) -> None:
    with pytest.raises(Twilio2008ValidationError, match="timeout"):
        ClientConfig.from_connection(host=None, port=None, login=SID, password=TOKEN, extra={"timeout": flag})


# --- date filters from aware datetimes are UTC days -------------------------------------------


def test_aware_datetime_filter_is_the_utc_date() -> None:
    # 23:30 in Los Angeles on 6 July is 7 July in UTC; the emulator (and Airflow's data intervals)
    # read filter days in UTC, so the local calendar day would select the wrong day's calls.
    late_evening = pendulum.datetime(2009, 7, 6, 23, 30, tz="America/Los_Angeles")
    assert validate.filter_date(late_evening, "started_on") == "2009-07-07"
    stdlib = datetime(2009, 7, 7, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    assert validate.filter_date(stdlib, "started_on") == "2009-07-06"
    assert validate.filter_date(datetime(2009, 7, 6, 23, 30), "started_on") == "2009-07-06"
    request = ops.list_calls(SID, started_after=late_evening)
    assert ("StartTime>", "2009-07-07") in request.query
