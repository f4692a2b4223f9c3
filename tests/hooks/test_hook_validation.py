"""Bad input is refused locally, naming the argument and the accepted form, before any request."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.api.operations import NumberSettings
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

from .fakes import (
    API,
    CALL_SID,
    CONFERENCE_SID,
    NOTIFICATION_SID,
    NUMBER_SID,
    QUEUED_CALL_XML,
    RECORDING_SID,
    SMS_SID,
    TRANSCRIPTION_SID,
    XML_TYPE,
    HookFactory,
    only_values,
    render_sms,
)

TWIML = "https://app.example.com/twiml/start"
HEX = CALL_SID[2:]
CALL_SID_FORM = "'CA' followed by 32 lower-case hex digits"

#: A handler that would answer any request, so that only the validation can stop one.
ANYTHING = re.compile(".*")

Invoke = Callable[[Twilio2008Hook], Any]


def consume(result: Any) -> Any:
    """Run a lazy list to its end, so that a late validation would show."""
    return list(result) if hasattr(result, "__next__") else result


SID_INJECTIONS: list[tuple[str, Invoke, str]] = [
    ("path-traversal", lambda h: h.get_call(f"../{CALL_SID}"), "call_sid"),
    ("query-injection", lambda h: h.get_call("CA123?x=1"), "call_sid"),
    ("sms-sid-for-a-call", lambda h: h.get_call(SMS_SID), "call_sid"),
    ("35-characters", lambda h: h.get_call(CALL_SID + "0"), "call_sid"),
    ("33-characters", lambda h: h.get_call(CALL_SID[:-1]), "call_sid"),
    ("upper-case-hex", lambda h: h.get_call("CA" + HEX.upper()), "call_sid"),
    ("lower-case-prefix", lambda h: h.get_call("ca" + HEX), "call_sid"),
    ("encoded-slash", lambda h: h.get_call(f"CA{HEX[:29]}%2f"), "call_sid"),
    ("trailing-newline", lambda h: h.get_call(CALL_SID + "\n"), "call_sid"),
    ("not-a-string", lambda h: h.get_call(12345), "call_sid"),
    ("redirect-call", lambda h: h.redirect_call(f"{CALL_SID}/../x", TWIML), "call_sid"),
    ("segments", lambda h: h.list_call_segments(f"{CALL_SID}#"), "call_sid"),
    ("segment-sid", lambda h: h.get_call_segment(CALL_SID, f"../{CALL_SID}"), "segment_sid"),
    ("get-sms", lambda h: h.get_sms(CALL_SID), "sms_sid"),
    ("recording", lambda h: h.get_recording(f"{RECORDING_SID}/.."), "recording_sid"),
    ("download", lambda h: h.download_recording(f"../{RECORDING_SID}", "/tmp/never.wav"), "recording_sid"),
    ("delete-recording", lambda h: h.delete_recording(RECORDING_SID + "?_method=GET"), "recording_sid"),
    ("recording-filter", lambda h: h.list_recordings(RECORDING_SID), "call_sid"),
    ("transcriptions", lambda h: h.list_transcriptions(f"{RECORDING_SID}/x"), "recording_sid"),
    ("transcription", lambda h: h.get_transcription(RECORDING_SID), "transcription_sid"),
    (
        "transcription-recording",
        lambda h: h.get_transcription_text(TRANSCRIPTION_SID, "RE../"),
        "recording_sid",
    ),
    ("notifications", lambda h: h.list_notifications(NOTIFICATION_SID), "call_sid"),
    ("notification", lambda h: h.get_notification(f"NO{HEX[:31]}"), "notification_sid"),
    ("delete-notification", lambda h: h.delete_notification(""), "notification_sid"),
    ("caller-id", lambda h: h.get_outgoing_caller_id(f"{NUMBER_SID}\x00"), "caller_id_sid"),
    ("update-caller-id", lambda h: h.update_outgoing_caller_id("PN", "x"), "caller_id_sid"),
    ("delete-caller-id", lambda h: h.delete_outgoing_caller_id(CALL_SID), "caller_id_sid"),
    ("number", lambda h: h.get_incoming_phone_number(f"{NUMBER_SID} "), "number_sid"),
    ("release-number", lambda h: h.release_incoming_phone_number(f"/{NUMBER_SID}"), "number_sid"),
    (
        "update-number",
        lambda h: h.update_incoming_phone_number("Local", NumberSettings(url=TWIML)),
        "number_sid",
    ),
    ("conference", lambda h: h.get_conference(CALL_SID), "conference_sid"),
    ("participants", lambda h: h.list_participants(f"{CONFERENCE_SID}/.."), "conference_sid"),
    ("participant", lambda h: h.get_participant(CONFERENCE_SID, f"{CONFERENCE_SID}"), "call_sid"),
    ("mute", lambda h: h.mute_participant(CONFERENCE_SID, "../../Calls"), "call_sid"),
    ("unmute", lambda h: h.unmute_participant(f"CF{HEX.upper()}", CALL_SID), "conference_sid"),
    ("kick", lambda h: h.kick_participant(CONFERENCE_SID, f"{CALL_SID}?"), "call_sid"),
]


@pytest.mark.parametrize(
    ("invoke", "field"), [case[1:] for case in SID_INJECTIONS], ids=[c[0] for c in SID_INJECTIONS]
)
def test_malformed_sid_is_refused_before_any_request(
    invoke: Invoke, field: str, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(ANYTHING).respond_with_data(QUEUED_CALL_XML, content_type=XML_TYPE)

    with pytest.raises(Twilio2008ValidationError) as raised:
        consume(invoke(hook))

    assert raised.value.field == field
    assert str(raised.value).startswith(field)
    assert "32 lower-case hex digits (34 characters)" in str(raised.value)
    assert len(httpserver.log) == 0


def test_sid_error_names_the_expected_prefix(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    with pytest.raises(Twilio2008ValidationError) as raised:
        hook.get_call(SMS_SID)

    assert CALL_SID_FORM in str(raised.value)
    assert len(httpserver.log) == 0


BAD_INPUTS: list[tuple[str, Invoke, str, str]] = [
    # (id, call, field named, accepted form quoted in the message)
    ("to-too-short", lambda h: h.make_call("555-1234", "4155550199", TWIML), "to", "E.164"),
    ("to-letters", lambda h: h.make_call("call me", "4155550199", TWIML), "to", "10 US digits"),
    ("to-service-number", lambda h: h.make_call("911", "4155550199", TWIML), "to", "E.164"),
    ("to-empty", lambda h: h.make_call("", "4155550199", TWIML), "to", "a value for Called"),
    ("from-bad", lambda h: h.make_call("4155550134", "+1 (415) 555-01", TWIML), "from_", "E.164"),
    ("url-relative", lambda h: h.make_call("4155550134", "4155550199", "/twiml/start"), "url", "absolute"),
    ("url-ftp", lambda h: h.make_call("4155550134", "4155550199", "ftp://example.com/t.xml"), "url", "http"),
    (
        "url-no-host",
        lambda h: h.make_call("4155550134", "4155550199", "https:///twiml"),
        "url",
        "with a host",
    ),
    (
        "url-space",
        lambda h: h.make_call("4155550134", "4155550199", "https://a.example/ x"),
        "url",
        "absolute",
    ),
    ("method", lambda h: h.make_call("4155550134", "4155550199", TWIML, method="PUT"), "method", "GET, POST"),
    ("timeout-0", lambda h: h.make_call("4155550134", "4155550199", TWIML, timeout=0), "timeout", "1 to 999"),
    (
        "timeout-1000",
        lambda h: h.make_call("4155550134", "4155550199", TWIML, timeout=1000),
        "timeout",
        "1 to 999",
    ),
    (
        "send-digits",
        lambda h: h.make_call("4155550134", "4155550199", TWIML, send_digits="12a"),
        "send_digits",
        "0-9, # and *",
    ),
    (
        "if-machine",
        lambda h: h.make_call("4155550134", "4155550199", TWIML, if_machine="maybe"),
        "if_machine",
        "one of Continue, Hangup",
    ),
    ("redirect-url", lambda h: h.redirect_call(CALL_SID, "twiml/hangup.xml"), "url", "absolute"),
    ("sms-empty", lambda h: h.send_sms("6505550123", "", from_="4155550199"), "body", "non-blank text"),
    ("sms-blank", lambda h: h.send_sms("6505550123", "  \n ", from_="4155550199"), "body", "non-blank text"),
    ("sms-161", lambda h: h.send_sms("6505550123", "x" * 161, from_="4155550199"), "body", "at most 160"),
    ("sms-to", lambda h: h.send_sms("12", "hi", from_="4155550199"), "to", "short code"),
    (
        "sms-callback-relative",
        lambda h: h.send_sms("6505550123", "hi", from_="4155550199", status_callback="/sms/status"),
        "status_callback",
        "absolute http:// or https:// URL",
    ),
    (
        "sms-callback-ftp",
        lambda h: h.send_sms("6505550123", "hi", from_="4155550199", status_callback="ftp://example.com/s"),
        "status_callback",
        "absolute http:// or https:// URL",
    ),
    ("page-size-0", lambda h: h.list_calls(page_size=0), "page_size", "from 1 to 1000"),
    ("page-size-1001", lambda h: h.list_calls(page_size=1001), "page_size", "from 1 to 1000"),
    ("page-size-sms", lambda h: h.list_sms(page_size=-1), "page_size", "from 1 to 1000"),
    ("call-status", lambda h: h.list_calls(status="ringing"), "status", "CallStatus"),
    ("date-us-style", lambda h: h.list_calls(started_after="07/04/2009"), "started_after", "YYYY-MM-DD"),
    ("date-impossible", lambda h: h.list_sms(sent_on="2009-02-30"), "sent_on", "YYYY-MM-DD"),
    ("filter-number", lambda h: h.list_calls(to="nobody"), "to", "E.164"),
    ("account-name-long", lambda h: h.update_account("x" * 65), "friendly_name", "1 to 64"),
    ("account-name-blank", lambda h: h.update_account(" "), "friendly_name", "1 to 64"),
    ("fmt", lambda h: h.download_recording(RECORDING_SID, "/tmp/never.ogg", fmt="ogg"), "fmt", "wav, mp3"),
    ("area-code", lambda h: h.buy_local_number("41"), "area_code", "three digits"),
    (
        "toll-free-sms",
        lambda h: h.buy_toll_free_number(settings=NumberSettings(sms_url=TWIML)),
        "sms_url",
        "only voice settings",
    ),
    (
        "number-settings-url",
        lambda h: h.buy_local_number(settings=NumberSettings(url="www.example.com/x")),
        "url",
        "absolute",
    ),
    (
        "update-number-without-url",
        lambda h: h.update_incoming_phone_number(NUMBER_SID, NumberSettings(friendly_name="x")),
        "url",
        "a value for Url",
    ),
    ("kind", lambda h: h.list_incoming_phone_numbers(kind="mobile"), "kind", "local, toll-free"),
    (
        "call-delay",
        lambda h: h.start_caller_id_validation("6505550123", call_delay=61),
        "call_delay",
        "0 to 60",
    ),
    ("validate-number", lambda h: h.start_caller_id_validation("123"), "phone_number", "E.164"),
    ("conference-status", lambda h: h.list_conferences(status=3), "status", "2 (completed)"),
    ("notification-log", lambda h: h.list_notifications(log=2), "log", "1 (warning)"),
]


@pytest.mark.parametrize(
    ("invoke", "field", "accepted"), [case[1:] for case in BAD_INPUTS], ids=[case[0] for case in BAD_INPUTS]
)
def test_bad_argument_is_refused_naming_the_field_and_the_accepted_form(
    invoke: Invoke, field: str, accepted: str, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(ANYTHING).respond_with_data(QUEUED_CALL_XML, content_type=XML_TYPE)

    with pytest.raises(Twilio2008ValidationError) as raised:
        consume(invoke(hook))

    assert raised.value.field == field
    message = str(raised.value)
    assert message.startswith(field), message
    assert accepted in message
    assert len(httpserver.log) == 0


def test_list_arguments_are_checked_when_called_not_when_iterated(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    with pytest.raises(Twilio2008ValidationError):
        hook.list_calls(page_size=0)  # not even iterated

    assert len(httpserver.log) == 0


@pytest.mark.parametrize(("timeout", "sent"), [(1, "1"), (999, "999")])
def test_call_timeout_bounds_are_accepted(
    timeout: int, sent: str, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(f"{API}/Calls", method="POST").respond_with_data(
        QUEUED_CALL_XML, status=201, content_type=XML_TYPE
    )

    hook.make_call("4155550134", "4155550199", TWIML, timeout=timeout)

    assert only_values(httpserver.log[0][0].form)["Timeout"] == sent


@pytest.mark.parametrize(
    ("invoke", "code"),
    [
        (lambda h: h.make_call("+14155550134", None, TWIML), 21213),  # Caller required
        (lambda h: h.make_call("+14155550134", "", TWIML), 21213),
        (lambda h: h.send_sms("+16505550123", "hello"), 21603),  # From required
    ],
    ids=["make_call-None", "make_call-empty", "send_sms"],
)
def test_missing_sender_without_default_from_is_a_clear_error(
    invoke: Invoke, code: int, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    with pytest.raises(Twilio2008ValidationError) as raised:
        invoke(hook)

    assert (raised.value.field, raised.value.code) == ("from_", code)  # the code Twilio answers
    assert "or a default_from extra on the connection" in str(raised.value)
    assert len(httpserver.log) == 0


def test_default_from_extra_is_the_caller_of_a_call(make_hook: HookFactory, httpserver: HTTPServer) -> None:
    hook = make_hook(extra={"retries": 0, "default_from": "+1 (500) 555-0006"})
    httpserver.expect_request(f"{API}/Calls", method="POST").respond_with_data(
        QUEUED_CALL_XML, status=201, content_type=XML_TYPE
    )

    hook.make_call("+14155550134", None, TWIML)

    form = only_values(httpserver.log[0][0].form)
    assert form["Caller"] == "5005550006"
    assert form["Called"] == "4155550134"


def test_default_from_extra_is_the_sender_of_an_sms(make_hook: HookFactory, httpserver: HTTPServer) -> None:
    hook = make_hook(extra={"retries": 0, "default_from": "5005550006"})
    httpserver.expect_request(f"{API}/SMS/Messages", method="POST").respond_with_data(
        render_sms(), status=201, content_type=XML_TYPE
    )

    hook.send_sms("+16505550123", "hello")

    assert only_values(httpserver.log[0][0].form) == {
        "From": "5005550006",
        "To": "6505550123",
        "Body": "hello",
    }


def test_explicit_sender_wins_over_default_from(make_hook: HookFactory, httpserver: HTTPServer) -> None:
    hook = make_hook(extra={"retries": 0, "default_from": "5005550006"})
    httpserver.expect_request(f"{API}/SMS/Messages", method="POST").respond_with_data(
        render_sms(), status=201, content_type=XML_TYPE
    )

    hook.send_sms("+16505550123", "hello", from_="+14155550199")

    assert only_values(httpserver.log[0][0].form)["From"] == "4155550199"


def test_bad_default_from_extra_is_refused_naming_it(make_hook: HookFactory, httpserver: HTTPServer) -> None:
    hook = make_hook(extra={"default_from": "front desk"})

    with pytest.raises(Twilio2008ValidationError) as raised:
        hook.make_call("+14155550134", None, TWIML)

    assert raised.value.field == "default_from"
    assert len(httpserver.log) == 0


# --- issue #8 findings: free text, non-ASCII digits, signed and non-bool values ---------------

#: Characters an XML 1.0 document cannot carry: stored by a server, they poison every later read.
XML_ILLEGAL = ["\x00", "\x01", "\x0b", "\x1f", "\ufffe", "\uffff"]

#: Every free-text value the hook sends, as (id, call with the text, field named, request param).
FREE_TEXT: list[tuple[str, Callable[[Twilio2008Hook, str], Any], str]] = [
    ("sms-body", lambda h, t: h.send_sms("6505550123", f"hi{t}there", from_="4155550199"), "body"),
    ("account-name", lambda h, t: h.update_account(f"Ops{t}"), "friendly_name"),
    ("caller-id-name", lambda h, t: h.update_outgoing_caller_id(NUMBER_SID, f"Dana{t}"), "friendly_name"),
    (
        "validation-name",
        lambda h, t: h.start_caller_id_validation("6505550123", friendly_name=f"Dana{t}"),
        "friendly_name",
    ),
    (
        "number-name",
        lambda h, t: h.buy_local_number(settings=NumberSettings(friendly_name=f"line{t}")),
        "friendly_name",
    ),
    ("conference-filter", lambda h, t: h.list_conferences(friendly_name=f"room{t}"), "friendly_name"),
    ("caller-id-filter", lambda h, t: h.list_outgoing_caller_ids(friendly_name=f"x{t}"), "friendly_name"),
    ("number-filter", lambda h, t: h.list_incoming_phone_numbers(friendly_name=f"x{t}"), "friendly_name"),
    ("call-url", lambda h, t: h.make_call("4155550134", "4155550199", f"{TWIML}{t}"), "url"),
    ("redirect-url", lambda h, t: h.redirect_call(CALL_SID, f"{TWIML}?a={t}"), "url"),
    (
        "sms-callback",
        lambda h, t: h.send_sms("6505550123", "hi", from_="4155550199", status_callback=f"{TWIML}{t}"),
        "status_callback",
    ),
    (
        "number-sms-url",
        lambda h, t: h.update_incoming_phone_number(NUMBER_SID, NumberSettings(url=TWIML, sms_url=TWIML + t)),
        "sms_url",
    ),
]


@pytest.mark.parametrize("character", XML_ILLEGAL, ids=[f"U+{ord(c):04X}" for c in XML_ILLEGAL])
@pytest.mark.parametrize(("invoke", "field"), [c[1:] for c in FREE_TEXT], ids=[c[0] for c in FREE_TEXT])
def test_xml_illegal_character_in_free_text_is_refused_before_any_request(
    invoke: Callable[[Twilio2008Hook, str], Any],
    field: str,
    character: str,
    hook: Twilio2008Hook,
    httpserver: HTTPServer,
) -> None:
    httpserver.expect_request(ANYTHING).respond_with_data(QUEUED_CALL_XML, content_type=XML_TYPE)

    with pytest.raises(Twilio2008ValidationError) as raised:
        consume(invoke(hook, character))

    assert raised.value.field == field
    assert str(raised.value).startswith(field)
    assert f"U+{ord(character):04X}" in str(raised.value)
    assert len(httpserver.log) == 0


@pytest.mark.parametrize(("invoke", "field"), [c[1:] for c in FREE_TEXT], ids=[c[0] for c in FREE_TEXT])
def test_lone_surrogate_is_a_validation_error_naming_the_field_not_an_encoding_crash(
    invoke: Callable[[Twilio2008Hook, str], Any], field: str, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(ANYTHING).respond_with_data(QUEUED_CALL_XML, content_type=XML_TYPE)

    with pytest.raises(Twilio2008ValidationError) as raised:
        consume(invoke(hook, "a\ud800b"))

    assert raised.value.field == field
    assert "surrogate" in str(raised.value)
    assert len(httpserver.log) == 0


NON_ASCII_DIGITS: list[tuple[str, Invoke, str]] = [
    ("area-code-arabic-indic", lambda h: h.buy_local_number("٤١٥"), "area_code"),
    ("area-code-superscript", lambda h: h.buy_local_number("²³⁴"), "area_code"),
    ("area-code-full-width", lambda h: h.buy_local_number("４１５"), "area_code"),
    ("toll-free-area-code", lambda h: h.buy_toll_free_number("٨٦٦"), "area_code"),
    ("call-status", lambda h: h.list_calls(status="٣"), "status"),
    ("conference-status", lambda h: h.list_conferences(status="١"), "status"),  # type: ignore[arg-type]
    ("notification-log", lambda h: h.list_notifications(log="٠"), "log"),  # type: ignore[arg-type]
    ("timeout", lambda h: h.make_call("4155550134", "4155550199", TWIML, timeout="٦٠"), "timeout"),  # type: ignore[arg-type]
    ("call-delay", lambda h: h.start_caller_id_validation("6505550123", call_delay="٥"), "call_delay"),  # type: ignore[arg-type]
    ("page-size", lambda h: h.list_sms(page_size="５０"), "page_size"),  # type: ignore[arg-type]
    ("phone", lambda h: h.make_call("٤١٥٥٥٥٠١٣٤", "4155550199", TWIML), "to"),
    ("short-code", lambda h: h.send_sms("١٢٣٤٥", "hi", from_="4155550199"), "to"),
    ("date", lambda h: h.list_calls(started_on="٢٠٢٦-٠١-٠٢"), "started_on"),
]


@pytest.mark.parametrize(
    ("invoke", "field"), [c[1:] for c in NON_ASCII_DIGITS], ids=[c[0] for c in NON_ASCII_DIGITS]
)
def test_only_ascii_digits_count_as_digits(
    invoke: Invoke, field: str, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(ANYTHING).respond_with_data(QUEUED_CALL_XML, content_type=XML_TYPE)

    with pytest.raises(Twilio2008ValidationError) as raised:
        consume(invoke(hook))

    assert raised.value.field == field
    assert str(raised.value).startswith(field)
    assert len(httpserver.log) == 0


NEGATIVE = -4155550134

SIGNED_NUMBERS: list[tuple[str, Invoke, str]] = [
    ("make-call-to", lambda h: h.make_call(NEGATIVE, "4155550199", TWIML), "to"),  # type: ignore[arg-type]
    ("make-call-from", lambda h: h.make_call("4155550134", NEGATIVE, TWIML), "from_"),  # type: ignore[arg-type]
    ("send-sms-to", lambda h: h.send_sms(NEGATIVE, "hi", from_="4155550199"), "to"),  # type: ignore[arg-type]
    ("send-sms-from", lambda h: h.send_sms("6505550123", "hi", from_=NEGATIVE), "from_"),  # type: ignore[arg-type]
    ("list-calls-to", lambda h: h.list_calls(to=NEGATIVE), "to"),  # type: ignore[arg-type]
    (
        "caller-id-validation",
        lambda h: h.start_caller_id_validation(NEGATIVE),  # type: ignore[arg-type]
        "phone_number",
    ),
    ("bool", lambda h: h.make_call(True, "4155550199", TWIML), "to"),  # type: ignore[arg-type]
    ("float", lambda h: h.send_sms(4155550134.0, "hi", from_="4155550199"), "to"),  # type: ignore[arg-type]
    ("negative-string", lambda h: h.make_call("-4155550134", "4155550199", TWIML), "to"),
]


@pytest.mark.parametrize(
    ("invoke", "field"), [c[1:] for c in SIGNED_NUMBERS], ids=[c[0] for c in SIGNED_NUMBERS]
)
def test_negative_bool_and_float_phone_numbers_are_refused(
    invoke: Invoke, field: str, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(ANYTHING).respond_with_data(QUEUED_CALL_XML, content_type=XML_TYPE)

    with pytest.raises(Twilio2008ValidationError) as raised:
        consume(invoke(hook))

    assert raised.value.field == field
    assert "E.164" in str(raised.value)
    assert len(httpserver.log) == 0


def test_a_positive_int_phone_number_is_still_accepted(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    """A DAG rendering templates as native objects turns "4155550134" into an int: keep sending it."""
    httpserver.expect_request(f"{API}/Calls", method="POST").respond_with_data(
        QUEUED_CALL_XML, status=201, content_type=XML_TYPE
    )

    hook.make_call(4155550134, 4155550199, TWIML)  # type: ignore[arg-type]

    form = only_values(httpserver.log[0][0].form)
    assert (form["Called"], form["Caller"]) == ("4155550134", "4155550199")


ENUMERATIONS: list[tuple[str, Invoke, str, str]] = [
    ("conference-bogus", lambda h: h.list_conferences(status="bogus"), "status", "completed"),  # type: ignore[arg-type]
    ("conference-bool", lambda h: h.list_conferences(status=True), "status", "completed"),  # type: ignore[arg-type]
    ("conference-float", lambda h: h.list_conferences(status=1.0), "status", "completed"),  # type: ignore[arg-type]
    ("notification-bogus", lambda h: h.list_notifications(log="loud"), "log", "warning"),  # type: ignore[arg-type]
    ("call-status-bool", lambda h: h.list_calls(status=False), "status", "completed"),
    ("call-status-huge", lambda h: h.list_calls(status=10**5000), "status", "completed"),
]


@pytest.mark.parametrize(
    ("invoke", "field", "accepted"), [c[1:] for c in ENUMERATIONS], ids=[c[0] for c in ENUMERATIONS]
)
def test_bad_status_filter_is_a_validation_error_listing_the_accepted_values(
    invoke: Invoke, field: str, accepted: str, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    with pytest.raises(Twilio2008ValidationError) as raised:
        consume(invoke(hook))

    assert raised.value.field == field
    assert str(raised.value).startswith(field)
    assert accepted in str(raised.value)
    assert len(httpserver.log) == 0


NON_BOOL_FLAGS: list[tuple[str, Invoke, str]] = [
    ("muted-string", lambda h: h.list_participants(CONFERENCE_SID, muted="false"), "muted"),  # type: ignore[arg-type]
    ("muted-int", lambda h: h.list_participants(CONFERENCE_SID, muted=0), "muted"),  # type: ignore[arg-type]
    (
        "lookup-on-buy",
        lambda h: h.buy_local_number(settings=NumberSettings(voice_caller_id_lookup="false")),  # type: ignore[arg-type]
        "voice_caller_id_lookup",
    ),
    (
        "lookup-on-update",
        lambda h: h.update_incoming_phone_number(
            NUMBER_SID,
            NumberSettings(url=TWIML, voice_caller_id_lookup="no"),  # type: ignore[arg-type]
        ),
        "voice_caller_id_lookup",
    ),
]


@pytest.mark.parametrize(
    ("invoke", "field"), [c[1:] for c in NON_BOOL_FLAGS], ids=[c[0] for c in NON_BOOL_FLAGS]
)
def test_a_flag_that_is_not_a_bool_is_refused_not_sent_as_true(
    invoke: Invoke, field: str, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(ANYTHING).respond_with_data(QUEUED_CALL_XML, content_type=XML_TYPE)

    with pytest.raises(Twilio2008ValidationError) as raised:
        consume(invoke(hook))

    assert raised.value.field == field
    assert "True or False" in str(raised.value)
    assert len(httpserver.log) == 0
