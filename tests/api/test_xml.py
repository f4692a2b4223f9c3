"""The hardened reader and the writer of TwilioResponse documents."""

from __future__ import annotations

import pickle
import re
from decimal import Decimal

import pendulum
import pytest

from airflow_provider_twilio2008.api import xml
from airflow_provider_twilio2008.api.errors import (
    Twilio2008ApiError,
    Twilio2008BadRequestError,
    Twilio2008NotFoundError,
    Twilio2008ResponseError,
    Twilio2008ServerError,
)
from airflow_provider_twilio2008.api.records import (
    ALL_RECORDS,
    Account,
    Call,
    CallFlags,
    CallStatus,
    Participant,
    SmsMessage,
    SmsStatus,
    Transcription,
    TranscriptionStatus,
)

SID = "AC569f37a7882d4ae4b137dc01b69ca936"

# --- errors survive pickling and copying ------------------------------------------------------

BY_TAG = {record.TAG: record for record in ALL_RECORDS} | {r.LIST_TAG: r for r in ALL_RECORDS if r.LIST_TAG}


def test_every_reference_example_parses_into_its_record(reference_examples: list[str]) -> None:
    examples = reference_examples
    assert len(examples) >= 12
    seen = set()
    for example in examples:
        body = example.encode()
        child = re.search(r"<TwilioResponse>\s*<(\w+)", example).group(1)
        seen.add(child)
        if child == "RestException":
            found = xml.parse_rest_exception(body)
            assert found is not None and found.status in (400, 404) and found.message
            continue
        record_type = BY_TAG[child]
        if child == record_type.LIST_TAG:
            page = xml.parse_page(body, record_type)
            assert len(page.items) == page.end - page.start + 1 == page.total
        else:
            record = xml.parse_record(body, record_type)
            assert xml.parse_record(xml.render_record(record), record_type) == record
    assert {"Calls", "Call", "Account", "SMSMessage", "Recordings", "Transcription", "Notification"} <= seen
    assert {"ValidationRequest", "IncomingPhoneNumber", "Conferences", "Participant", "RestException"} <= seen


def test_call_list_example_values_are_typed(reference_examples: list[str]) -> None:
    example = next(e for e in reference_examples if "<Calls " in e)
    page = xml.parse_page(example.encode(), Call)
    first, second = page.items
    assert first.status is CallStatus.COMPLETED and first.status.succeeded and first.status.is_terminal
    assert first.duration == 162 and first.price == Decimal("-0.09000")
    assert first.start_time == pendulum.datetime(2009, 11, 6, 18, 2, 15, tz="UTC")
    assert first.call_segment_sid is None and not first.is_segment
    assert first.flags == CallFlags.API
    assert second.status is CallStatus.BUSY and second.status.is_terminal and not second.status.succeeded
    assert second.duration is None and second.price is None and second.start_time is None
    assert second.flags & CallFlags.INBOUND
    assert (page.page, page.num_pages, page.page_size, page.total) == (0, 1, 50, 2)
    assert page.is_last


def test_transcription_epoch_dates_and_participant_booleans(reference_examples: list[str]) -> None:
    examples = reference_examples
    transcription = xml.parse_record(
        next(e for e in examples if "<Transcription>" in e).encode(), Transcription
    )
    assert transcription.date_created == pendulum.from_timestamp(1257530690)
    assert transcription.status is TranscriptionStatus.COMPLETED and transcription.price == Decimal("-0.05")
    participant = xml.parse_record(next(e for e in examples if "<Participant>" in e).encode(), Participant)
    assert participant.muted is True and participant.start_conference_on_enter is True
    assert participant.end_conference_on_exit is False
    sms = xml.parse_record(next(e for e in examples if "<SMSMessage>" in e).encode(), SmsMessage)
    assert sms.status is SmsStatus.QUEUED and not sms.status.is_terminal and sms.date_sent is None
    assert sms.from_ == "4155550199" and sms.as_dict()["from"] == "4155550199"


def test_account_token_is_kept_out_of_repr_and_dict(reference_examples: list[str]) -> None:
    example = next(e for e in reference_examples if "<Account>" in e)
    account = xml.parse_record(example.encode(), BY_TAG["Account"])
    assert account.auth_token == "d4d8d0c009b46eb608f0984d9d971135"
    assert "d4d8d0c009" not in repr(account)
    assert "auth_token" not in account.as_dict()


def test_unknown_elements_are_ignored_and_order_does_not_matter() -> None:
    body = (
        b"<TwilioResponse><Call><Status>1</Status><Annotation/><Surprise>x</Surprise>"
        b"<Sid>CAa33daab7eae46930dbde97c13e86cb9d</Sid></Call></TwilioResponse>"
    )
    call = xml.parse_record(body, Call)
    assert call.sid == "CAa33daab7eae46930dbde97c13e86cb9d" and call.status is CallStatus.IN_PROGRESS


@pytest.mark.parametrize(
    ("body", "words"),
    [
        (b"<TwilioResponse><Call><Sid>CA1</Sid><Status>nine</Status></Call></TwilioResponse>", "Status"),
        (
            b"<TwilioResponse><Call><Status>2</Status></Call></TwilioResponse>",
            "lacks required element(s) Sid",
        ),
        (b"<TwilioResponse><Recording/></TwilioResponse>", "has no <Call>"),
        (b"<Other/>", "expected <TwilioResponse>"),
        (b"<TwilioResponse><Call><Sid>CA1</Sid>", "not well-formed"),
        (b"", "not well-formed"),
    ],
)
def test_malformed_documents_are_refused_clearly(body: bytes, words: str) -> None:
    with pytest.raises(Twilio2008ResponseError, match=re.escape(words)):
        xml.parse_record(body, Call, method="GET", path="/2008-08-01/Accounts/AC1/Calls/CA1")


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<TwilioResponse><Call><Sid>&xxe;</Sid><Status>2</Status></Call></TwilioResponse>"""
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
<!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">]>
<TwilioResponse><Call><Sid>&lol4;</Sid><Status>2</Status></Call></TwilioResponse>"""
EXTERNAL_DTD = b"""<?xml version="1.0"?>
<!DOCTYPE TwilioResponse SYSTEM "http://127.0.0.1:9/evil.dtd">
<TwilioResponse><Call><Sid>CAa33daab7eae46930dbde97c13e86cb9d</Sid><Status>2</Status></Call></TwilioResponse>"""
PARAMETER_ENTITY = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/x"> %remote;]>
<TwilioResponse/>"""


@pytest.mark.parametrize(
    "body", [XXE, BILLION_LAUGHS, EXTERNAL_DTD, PARAMETER_ENTITY], ids=["xxe", "billion-laughs", "dtd", "pe"]
)
def test_hostile_xml_is_refused_before_any_expansion(body: bytes) -> None:
    with pytest.raises(Twilio2008ResponseError, match="DTD or entities"):
        xml.parse_record(body, Call)
    assert xml.parse_rest_exception(body) is None


def test_oversized_body_is_refused_before_parsing() -> None:
    filler = b"<Call><Sid>CAa33daab7eae46930dbde97c13e86cb9d</Sid><Status>2</Status></Call>" * 700_000
    body = b"<TwilioResponse><Calls>" + filler + b"</Calls></TwilioResponse>"
    assert len(body) > 50_000_000
    with pytest.raises(Twilio2008ResponseError, match="exceeds the 16777216-byte limit"):
        xml.parse_page(body, Call)


def test_error_bodies_become_typed_errors() -> None:
    body = xml.render_rest_exception(
        xml.RestException(
            400, "No called number is specified", 21201, "http://www.twilio.com/docs/errors/21201"
        )
    )
    error = xml.api_error_from_body(400, body, method="POST", path="/2008-08-01/Accounts/AC1/Calls")
    assert isinstance(error, Twilio2008BadRequestError)
    assert (error.status, error.code, error.method) == (400, 21201, "POST")
    assert error.more_info == "http://www.twilio.com/docs/errors/21201"
    assert "21201" in str(error) and "No called number is specified" in str(error)
    missing = xml.api_error_from_body(404, b"<html>nope</html>", method="GET", path="/x", reason="Not Found")
    assert isinstance(missing, Twilio2008NotFoundError) and missing.message == "Not Found"
    busy = xml.api_error_from_body(
        503, b"", method="GET", path="/x", reason="Service Unavailable", retry_after=2
    )
    assert isinstance(busy, Twilio2008ServerError) and busy.retry_after == 2


def test_errors_survive_pickling_with_their_fields() -> None:

    error = Twilio2008BadRequestError(400, "bad", code=21211, more_info="u", method="POST", path="/p")
    copy = pickle.loads(pickle.dumps(error))
    assert type(copy) is Twilio2008BadRequestError and (copy.code, copy.path, str(copy)) == (
        21211,
        "/p",
        str(error),
    )


def test_rendered_list_carries_paging_attributes_in_order() -> None:
    from airflow_provider_twilio2008.api.records import Page

    call = Call(sid="CAa33daab7eae46930dbde97c13e86cb9d", status=CallStatus.QUEUED)
    page = Page((call,), page=0, num_pages=2, page_size=1, total=2, start=0, end=0, next_page_uri="/n")
    text = xml.render_page(page, Call).decode()
    assert '<Calls page="0" numpages="2" pagesize="1" total="2" start="0" end="0"' in text
    assert 'nextpageuri="/n"' in text and "<CallSegmentSid/>" in text
    assert xml.parse_page(text.encode(), Call) == page


@pytest.mark.parametrize("page", ["٣", "²", "1e3", "-1", "9" * 5000])
def test_a_paging_attribute_must_be_ascii_digits(page: str) -> None:
    body = f'<TwilioResponse><Calls page="{page}" numpages="1"/></TwilioResponse>'.encode()
    with pytest.raises(Twilio2008ResponseError, match="paging attribute page="):
        xml.parse_page(body, Call)


def test_a_rest_exception_with_a_megabyte_of_digits_reads_as_no_number() -> None:
    digits = "9" * 5000
    body = (
        f"<TwilioResponse><RestException><Status>{digits}</Status><Message>m</Message>"
        f"<Code>{digits}</Code></RestException></TwilioResponse>"
    ).encode()
    found = xml.parse_rest_exception(body)
    assert found is not None and (found.status, found.code, found.message) == (0, None, "m")


def test_rest_exception_with_odd_digits_still_becomes_the_typed_error() -> None:
    body = (
        "<TwilioResponse><RestException><Status>²</Status><Message>Bad</Message>"
        "<Code>2¹</Code></RestException></TwilioResponse>"
    ).encode()
    error = xml.api_error_from_body(400, body, method="GET", path="/x")
    assert isinstance(error, Twilio2008ApiError) and error.message == "Bad" and error.code is None


@pytest.mark.parametrize("text", ["99999999999999999999", "-99999999999999999999"])
def test_epoch_date_out_of_range_is_a_response_error(text: str) -> None:
    body = (
        "<TwilioResponse><Transcription><Sid>TR4179d4e2cb681f3a0c380174d4d8050a</Sid>"
        f"<DateCreated>{text}</DateCreated></Transcription></TwilioResponse>"
    ).encode()
    with pytest.raises(Twilio2008ResponseError, match="DateCreated"):
        xml.parse_record(body, Transcription)


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
