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
from airflow_provider_twilio2008.api.parameters import MAKE_CALL, REDIRECT_CALL, SEND_SMS, decode, encode
from airflow_provider_twilio2008.api.xml import parse_rest_exception
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle

SEED = "5005550006"  # the emulator account's own number: a valid, owned Caller / From

NUMBERS = st.sampled_from(
    [SEED, "4155550100", "+14155550100", "12", "415555010", "abc", "+1 (415) 555-01", "", "  ", "911"]
)
URLS = st.sampled_from(
    ["http://example.com/twiml", "https://example.com/a?b=c", "/twiml", "ftp://x", "", "x y"]
)
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
    """POST ``form`` raw (leaving out ``None``s) and return the RestException's code."""
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
