"""Request parameters declared once: a mistake reads the same locally and on the wire.

Pins :mod:`airflow_provider_twilio2008.api.parameters`. For each declared operation, hypothesis
makes forms with bad values; the code of the local ``Twilio2008ValidationError`` (raised before
any request) must be the code the emulator answers when the same form is sent raw. Conformance
tests citing the reference pin the codes themselves, so shared code cannot make both sides wrong
together.
"""

from __future__ import annotations

from typing import Any

import pytest
import requests
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.api.parameters import (
    MAKE_CALL,
    NUMBER_SETTINGS,
    REDIRECT_CALL,
    SEND_SMS,
    SET_PARTICIPANT_MUTED,
    decode,
    encode,
)
from airflow_provider_twilio2008.api.xml import parse_rest_exception
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle

SEED = "5005550006"  # the emulator account's own number: a valid, owned Caller / From

NUMBERS = st.sampled_from(
    [SEED, "4155550100", "+14155550100", "12", "415555010", "abc", "+1 (415) 555-01", "", "  ", "911"]
)
URLS = st.sampled_from(
    ["http://example.com/twiml", "https://example.com/a?b=c", "/twiml", "ftp://x", "", "x y"]
)
LABELS = st.sampled_from(["Front desk", "", "  ", "x" * 64, "x" * 65, "two\nlines"])
METHODS = st.sampled_from(["GET", "POST", "PUT", "get", ""])
BODIES = st.sampled_from(["hi", "", "   ", "x" * 160, "x" * 161, "caf\u00e9"])
SETTINGS = settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def optional(values: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    """Return ``values`` or ``None`` (the parameter left out)."""
    return st.none() | values


def local_code(build: Any) -> int | None:
    """Return the code of the local refusal of ``build()``, or ``None`` when it is accepted."""
    try:
        build()
    except Twilio2008ValidationError as refused:
        return refused.code
    return None


def wire_code(emulator: EmulatorHandle, path: str, form: dict[str, Any]) -> int | None:
    """POST ``form`` raw to the account's ``path`` (leaving out ``None``s); return the code answered."""
    data = {name: value for name, value in form.items() if value is not None}
    response = requests.post(f"{emulator.api_root}/{path}", data=data, auth=emulator.auth, timeout=10)
    assert response.status_code == 400, response.text
    found = parse_rest_exception(response.content)
    assert found is not None, response.text
    return found.code


@SETTINGS
@given(
    from_=optional(NUMBERS),
    to=optional(NUMBERS),
    body=optional(BODIES),
    callback=optional(URLS),
)
def test_send_sms_refuses_with_the_code_the_api_answers(
    twilio2008_emulator: EmulatorHandle,
    from_: str | None,
    to: str | None,
    body: str | None,
    callback: str | None,
) -> None:
    account = twilio2008_emulator.account_sid
    code = local_code(
        lambda: ops.send_sms(account, to=to, body=body, from_=from_, status_callback=callback)  # type: ignore[arg-type]
    )
    assume(code is not None)  # a form valid locally is the API's to judge (ownership, ...)
    form = {"From": from_, "To": to, "Body": body, "StatusCallback": callback}
    assert wire_code(twilio2008_emulator, "SMS/Messages", form) == code


@SETTINGS
@given(
    to=optional(NUMBERS),
    from_=optional(NUMBERS),
    url=optional(URLS),
    method=optional(st.sampled_from(["GET", "POST", "PUT", "get", ""])),
    if_machine=optional(st.sampled_from(["Continue", "Hangup", "continue", "Maybe"])),
    timeout=optional(st.sampled_from(["1", "999", "0", "1000", "ten", "-5"])),
    send_digits=optional(st.sampled_from(["1234#", "ww1", "abc", "9" * 40])),
)
def test_make_call_refuses_with_the_code_the_api_answers(
    twilio2008_emulator: EmulatorHandle,
    to: str | None,
    from_: str | None,
    url: str | None,
    method: str | None,
    if_machine: str | None,
    timeout: str | None,
    send_digits: str | None,
) -> None:
    account = twilio2008_emulator.account_sid
    code = local_code(
        lambda: ops.make_call(
            account,
            to=to,  # type: ignore[arg-type]
            from_=from_,
            url=url,  # type: ignore[arg-type]
            method=method,
            send_digits=send_digits,
            if_machine=if_machine,
            timeout=timeout,  # type: ignore[arg-type]
        )
    )
    assume(code is not None)
    form = {
        "Called": to,
        "Caller": from_,
        "Url": url,
        "Method": method,
        "IfMachine": if_machine,
        "Timeout": timeout,
        "SendDigits": send_digits,
    }
    assert wire_code(twilio2008_emulator, "Calls", form) == code


# The codes themselves, as the reference gives them (../shared/twilio-2008-08-01.md §2.2).
@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"to": "12", "from_": SEED, "body": "hi"}, "to", 21211),  # invalid 'To' phone number
        ({"to": "4155550100", "from_": "12", "body": "hi"}, "from_", 21606),  # not an SMS number of yours
        ({"to": None, "from_": None, "body": "hi"}, "from_", 21603),  # From required (checked first)
        ({"to": None, "from_": SEED, "body": "hi"}, "to", 21604),  # To required
        ({"to": "4155550100", "from_": SEED, "body": ""}, "body", 21602),  # Body required
        ({"to": "4155550100", "from_": SEED, "body": "x" * 161}, "body", 21605),  # Body > 160
    ],
)
def test_send_sms_codes_are_the_references(kwargs: dict[str, Any], field: str, code: int) -> None:
    with pytest.raises(Twilio2008ValidationError) as refused:
        ops.send_sms("AC" + "0" * 32, **kwargs)
    assert (refused.value.field, refused.value.code) == (field, code)


@pytest.mark.parametrize(
    ("kwargs", "field", "code"),
    [
        ({"to": None, "from_": SEED}, "to", 21201),  # "No called number is specified" (seen)
        ({"to": "12", "from_": SEED}, "to", 21211),  # invalid 'To' (Called)
        ({"to": "4155550100", "from_": "12"}, "from_", 21212),  # invalid 'From' (Caller)
        ({"to": "4155550100", "from_": None}, "from_", 21213),  # Caller required
    ],
)
def test_make_call_codes_are_the_references(kwargs: dict[str, Any], field: str, code: int) -> None:
    with pytest.raises(Twilio2008ValidationError) as refused:
        ops.make_call("AC" + "0" * 32, url="https://example.com/twiml", **kwargs)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_decode_applies_twilios_defaults_and_names_the_wire_parameter() -> None:
    values = decode(MAKE_CALL, {"Called": "4155550100", "Caller": SEED, "Url": "https://example.com/t"})
    assert (values["method"], values["if_machine"], values["timeout"]) == ("POST", "", 60)
    assert decode(REDIRECT_CALL, {"CurrentUrl": "https://example.com/t"})["method"] == "POST"
    with pytest.raises(Twilio2008ValidationError) as refused:
        decode(SEND_SMS, {"From": SEED, "To": "12", "Body": "hi"})
    assert (refused.value.field, refused.value.code) == ("To", 21211)


def test_encode_leaves_out_what_is_not_given_and_keeps_the_declared_order() -> None:
    form = encode(SEND_SMS, to="(415) 555-0100", from_=SEED, body="hi", status_callback=None)
    assert form == (("From", SEED), ("To", "4155550100"), ("Body", "hi"))


@SETTINGS
@given(
    phone_number=optional(NUMBERS),
    friendly_name=optional(LABELS),
    call_delay=optional(st.sampled_from(["0", "60", "61", "-1", "soon", ""])),
)
def test_caller_id_validation_refuses_with_the_code_the_api_answers(
    twilio2008_emulator: EmulatorHandle,
    phone_number: str | None,
    friendly_name: str | None,
    call_delay: str | None,
) -> None:
    account = twilio2008_emulator.account_sid
    code = local_code(
        lambda: ops.start_caller_id_validation(
            account,
            phone_number,  # type: ignore[arg-type]
            friendly_name=friendly_name,
            call_delay=call_delay,  # type: ignore[arg-type]
        )
    )
    assume(code is not None)
    form = {"PhoneNumber": phone_number, "FriendlyName": friendly_name, "CallDelay": call_delay}
    assert wire_code(twilio2008_emulator, "OutgoingCallerIds", form) == code


@SETTINGS
@given(friendly_name=optional(LABELS))
def test_renaming_the_account_refuses_with_the_code_the_api_answers(
    twilio2008_emulator: EmulatorHandle, friendly_name: str | None
) -> None:
    account = twilio2008_emulator.account_sid
    code = local_code(lambda: ops.update_account(account, friendly_name))  # type: ignore[arg-type]
    assume(code is not None)
    response = requests.post(
        twilio2008_emulator.api_root,
        data={} if friendly_name is None else {"FriendlyName": friendly_name},
        auth=twilio2008_emulator.auth,
        timeout=10,
    )
    found = parse_rest_exception(response.content)
    assert response.status_code == 400 and found is not None, response.text
    assert found.code == code


#: Wire names of the number settings, by argument.
WIRE = {param.arg: param.wire for param in NUMBER_SETTINGS}


@SETTINGS
@given(
    kind=st.sampled_from(["local", "toll-free"]),
    area_code=optional(st.sampled_from(["415", "866", "41", "4155", "abc", ""])),
    friendly_name=optional(LABELS),
    url=optional(URLS),
    method=optional(METHODS),
    sms_url=optional(URLS),
    voice_fallback_method=optional(METHODS),
)
def test_buying_a_number_refuses_with_the_code_the_api_answers(
    twilio2008_emulator: EmulatorHandle, kind: str, area_code: str | None, **settings: str | None
) -> None:
    account = twilio2008_emulator.account_sid
    code = local_code(
        lambda: ops.buy_phone_number(
            account, kind, area_code=area_code, settings=ops.NumberSettings(**settings)
        )
    )
    assume(code is not None)
    form = {"AreaCode": area_code, **{WIRE[name]: value for name, value in settings.items()}}
    path = "IncomingPhoneNumbers/" + ("Local" if kind == "local" else "TollFree")
    assert wire_code(twilio2008_emulator, path, form) == code


@SETTINGS
@given(url=optional(URLS), sms_method=optional(METHODS), sms_fallback_url=optional(URLS))
def test_updating_a_number_refuses_with_the_code_the_api_answers(
    twilio2008_emulator: EmulatorHandle, **settings: str | None
) -> None:
    account = twilio2008_emulator.account_sid
    sid = twilio2008_emulator.state()["incoming_phone_numbers"][0]["sid"]
    code = local_code(lambda: ops.update_incoming_phone_number(account, sid, ops.NumberSettings(**settings)))
    assume(code is not None)
    form = {WIRE[name]: value for name, value in settings.items()}
    assert wire_code(twilio2008_emulator, f"IncomingPhoneNumbers/{sid}", form) == code


@pytest.mark.parametrize(
    ("build", "field", "code"),
    [
        # PhoneNumber required, and refused when invalid, with 21401 (reference §2.2).
        (lambda a: ops.start_caller_id_validation(a, ""), "phone_number", 21401),
        (lambda a: ops.start_caller_id_validation(a, "12"), "phone_number", 21401),
        (lambda a: ops.start_caller_id_validation(a, "4155550100", call_delay=61), "call_delay", 21200),
        # An AreaCode that is not an area code is 21451; the update requires Url (21205).
        (lambda a: ops.buy_phone_number(a, "local", area_code="41"), "area_code", 21451),
        (
            lambda a: ops.update_incoming_phone_number(a, "PN" + "0" * 32, ops.NumberSettings()),
            "url",
            21205,
        ),
    ],
)
def test_caller_id_and_number_codes_are_the_references(build: Any, field: str, code: int) -> None:
    with pytest.raises(Twilio2008ValidationError) as refused:
        build("AC" + "0" * 32)
    assert (refused.value.field, refused.value.code) == (field, code)


def test_a_toll_free_numbers_sms_setting_is_refused_on_both_sides_naming_it(
    twilio2008_emulator: EmulatorHandle,
) -> None:
    account = twilio2008_emulator.account_sid
    settings = ops.NumberSettings(sms_method="GET")
    with pytest.raises(Twilio2008ValidationError) as refused:
        ops.buy_phone_number(account, "toll-free", settings=settings)
    assert (refused.value.field, refused.value.param, refused.value.code) == (
        "sms_method",
        "SmsMethod",
        21200,
    )
    assert wire_code(twilio2008_emulator, "IncomingPhoneNumbers/TollFree", {"SmsMethod": "GET"}) == 21200


def test_an_empty_url_setting_clears_it_on_both_sides(twilio2008_emulator: EmulatorHandle) -> None:
    form = ops.NumberSettings(url="https://example.com/voice", sms_url="").form()
    assert form == (("Url", "https://example.com/voice"), ("SmsUrl", ""))
    values = decode(NUMBER_SETTINGS, dict(form))
    assert (values["url"], values["sms_url"], values["sms_method"]) == ("https://example.com/voice", "", None)


@pytest.mark.parametrize(
    ("form", "muted"),
    [
        ({"Muted": "true"}, "true"),
        ({"Muted": " 1 "}, "true"),
        ({"Muted": "0"}, "false"),
        ({"Muted": "yes"}, "false"),
        ({}, "false"),
    ],
)
def test_a_participants_muted_is_read_as_the_reference_says(form: dict[str, str], muted: str) -> None:
    assert decode(SET_PARTICIPANT_MUTED, form) == {"muted": muted}


def test_muting_sends_true_or_false_and_refuses_anything_but_a_bool_locally() -> None:
    account, sid = "AC" + "1" * 32, "CA" + "0" * 32
    conference = "CF" + "0" * 32
    assert ops.set_participant_muted(account, conference, sid, False).form == (("Muted", "false"),)
    with pytest.raises(Twilio2008ValidationError, match="muted") as refused:
        ops.set_participant_muted(account, conference, sid, "true")  # type: ignore[arg-type]
    assert refused.value.param == "Muted"
