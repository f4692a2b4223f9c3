"""``api/signature.py``: checking X-Twilio-Signature on requests the emulator really signs."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

import pytest
import requests
from hypothesis import given, settings
from hypothesis import strategies as st
from pytest_httpserver import HTTPServer
from werkzeug import Request

from airflow_provider_twilio2008.api.signature import SIGNATURE_HEADER, compute_signature, is_valid_signature
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle

CALLER = "5005550006"


def _webhook(emulator: EmulatorHandle, httpserver: HTTPServer, method: str) -> Request:
    """Place a call whose Url is the local server and return the first request it received."""
    httpserver.expect_request("/voice").respond_with_data("<Response/>", content_type="text/xml")
    url = httpserver.url_for("/voice") + "?campaign=renewal&step=1"
    data = {"Caller": CALLER, "Called": "4155550100", "Url": url, "Method": method}
    answer = requests.post(emulator.api_root + "/Calls", data=data, auth=emulator.auth, timeout=10)
    assert answer.status_code == 201, answer.text
    deadline = time.monotonic() + 15
    while not httpserver.log and time.monotonic() < deadline:
        time.sleep(0.02)
    assert httpserver.log, "the emulator never requested the voice URL"
    return httpserver.log[0][0]


def test_post_webhook_signed_by_the_emulator_is_valid(
    twilio2008_emulator: EmulatorHandle, httpserver: HTTPServer
) -> None:
    request = _webhook(twilio2008_emulator, httpserver, "POST")
    token = twilio2008_emulator.auth[1]
    form = parse_qsl(request.get_data(as_text=True), keep_blank_values=True)
    signature = request.headers[SIGNATURE_HEADER]
    assert dict(form)["CallStatus"] == "in-progress"
    assert is_valid_signature(token, request.url, form, signature)
    assert is_valid_signature(token, request.url, dict(form), signature)


def test_post_webhook_with_a_changed_field_url_or_token_is_refused(
    twilio2008_emulator: EmulatorHandle, httpserver: HTTPServer
) -> None:
    request = _webhook(twilio2008_emulator, httpserver, "POST")
    token = twilio2008_emulator.auth[1]
    form = dict(parse_qsl(request.get_data(as_text=True), keep_blank_values=True))
    signature = request.headers[SIGNATURE_HEADER]
    assert not is_valid_signature(token, request.url, {**form, "CallStatus": "completed"}, signature)
    assert not is_valid_signature(token, request.url, {**form, "Extra": ""}, signature)
    assert not is_valid_signature(token, request.url.replace("step=1", "step=2"), form, signature)
    assert not is_valid_signature("0" * 32, request.url, form, signature)
    assert not is_valid_signature(token, request.url, form, None)
    assert not is_valid_signature(token, request.url, form, "")
    assert not is_valid_signature("", request.url, form, signature)


def test_get_webhook_is_signed_over_its_full_url_only(
    twilio2008_emulator: EmulatorHandle, httpserver: HTTPServer
) -> None:
    request = _webhook(twilio2008_emulator, httpserver, "GET")
    token = twilio2008_emulator.auth[1]
    signature = request.headers[SIGNATURE_HEADER]
    assert request.args["campaign"] == "renewal" and request.args["CallStatus"] == "in-progress"
    assert is_valid_signature(token, request.url, None, signature)
    assert is_valid_signature(token, request.url, {}, signature)
    assert not is_valid_signature(token, request.url.split("?")[0], dict(request.args), signature)


def test_fields_are_signed_sorted_by_name_without_delimiters() -> None:
    # Sorting puts "A" before "B" whatever order the fields came in; values follow names directly.
    one = compute_signature("token", "https://app.example/sms", {"B": "2", "A": "1"})
    two = compute_signature("token", "https://app.example/sms", [("A", "1"), ("B", "2")])
    assert one == two
    # "A1B2" is the message tail: the same bytes with a field boundary elsewhere sign the same.
    assert compute_signature("token", "https://app.example/sms", {"A": "1B2"}) == one
    assert compute_signature("token", "https://app.example/smsA1B2") == one


def test_a_non_ascii_signature_header_is_refused_not_raised() -> None:
    assert not is_valid_signature("token", "https://app.example/", None, "sígnature")


def test_bytes_from_an_asgi_server_give_the_same_answer_as_text(
    twilio2008_emulator: EmulatorHandle, httpserver: HTTPServer
) -> None:
    # An ASGI app holds the header, the query string and the body as bytes: no decoding needed.
    request = _webhook(twilio2008_emulator, httpserver, "POST")
    token = twilio2008_emulator.auth[1]
    raw_form = parse_qsl(request.get_data(), keep_blank_values=True)
    signature = request.headers[SIGNATURE_HEADER]
    assert raw_form and isinstance(raw_form[0][0], bytes)
    assert is_valid_signature(token.encode(), request.url, raw_form, signature)
    assert is_valid_signature(token, request.url, raw_form, signature.encode("latin-1"))
    assert is_valid_signature(token.encode(), request.url.encode(), dict(raw_form), signature.encode())
    assert compute_signature(token.encode(), request.url.encode(), raw_form) == signature
    changed = [(name, b"completed" if name == b"CallStatus" else value) for name, value in raw_form]
    assert not is_valid_signature(token.encode(), request.url.encode(), changed, signature.encode())
    assert not is_valid_signature(b"0" * 32, request.url, raw_form, signature.encode())


URL = "https://app.example/sms"
GOOD = compute_signature("token", URL, {"Body": "hi"})


@pytest.mark.parametrize(
    ("token", "url", "params", "signature"),
    [
        pytest.param("\ud800", URL, {"Body": "hi"}, GOOD, id="lone-surrogate-token"),
        pytest.param("token", URL + "\udfff", {"Body": "hi"}, GOOD, id="lone-surrogate-url"),
        pytest.param("token", URL, {"Body": "\ud800"}, GOOD, id="lone-surrogate-value"),
        pytest.param("token", URL, {"\ud800": "hi"}, GOOD, id="lone-surrogate-name"),
        pytest.param("token", URL, {"Body": "hi"}, "\ud800", id="lone-surrogate-signature"),
        pytest.param("token", URL, {"Body": "hi"}, GOOD[:-1] + "\ud800", id="surrogate-at-the-end"),
        pytest.param("token", URL, {"Body": "hi"}, "ä" * len(GOOD), id="non-ascii-signature"),
        pytest.param("token", URL, {"Body": "hi"}, GOOD.encode() + b"\xff", id="non-ascii-bytes"),
        pytest.param("token", URL, {"Body": "hi"}, "\x00" * len(GOOD), id="nul-signature"),
        pytest.param(None, URL, {"Body": "hi"}, GOOD, id="none-token"),
        pytest.param("token", None, {"Body": "hi"}, GOOD, id="none-url"),
        pytest.param("token", URL, {"Body": "hi"}, None, id="none-signature"),
        pytest.param(12345, URL, {"Body": "hi"}, GOOD, id="int-token"),
        pytest.param("token", 12345, {"Body": "hi"}, GOOD, id="int-url"),
        pytest.param("token", URL, {"Body": "hi"}, 12345, id="int-signature"),
        pytest.param("token", URL, 12345, GOOD, id="int-params"),
        pytest.param("token", URL, "Body=hi", GOOD, id="str-params"),
        pytest.param("token", URL, [("Body",)], GOOD, id="params-not-pairs"),
        pytest.param("token", URL, [None], GOOD, id="params-of-none"),
        pytest.param(["token"], URL, {"Body": "hi"}, GOOD, id="list-token"),
    ],
)
def test_malformed_input_is_refused_not_raised(
    token: object, url: object, params: object, signature: object
) -> None:
    assert is_valid_signature(token, url, params, signature) is False


def test_the_malformed_cases_differ_from_a_valid_request_only_in_the_bad_part() -> None:
    assert is_valid_signature("token", URL, {"Body": "hi"}, GOOD) is True
    assert is_valid_signature(b"token", URL.encode(), [(b"Body", b"hi")], GOOD.encode()) is True


TEXT_OR_BYTES = st.one_of(
    st.text(alphabet=st.characters(codec=None, categories=None), max_size=40), st.binary(max_size=40)
)
ANYTHING = st.one_of(
    TEXT_OR_BYTES, st.none(), st.integers(), st.floats(), st.lists(TEXT_OR_BYTES, max_size=3)
)
PARAMS = st.one_of(
    st.none(),
    TEXT_OR_BYTES,
    st.dictionaries(TEXT_OR_BYTES, TEXT_OR_BYTES, max_size=4),
    st.lists(st.tuples(TEXT_OR_BYTES, TEXT_OR_BYTES), max_size=4),
    st.lists(st.lists(TEXT_OR_BYTES, max_size=3), max_size=3),
)


@settings(max_examples=300, deadline=None, derandomize=True, database=None)
@given(token=ANYTHING, url=ANYTHING, params=PARAMS, signature=ANYTHING)
def test_any_input_gives_a_bool_never_an_exception(
    token: object, url: object, params: object, signature: object
) -> None:
    assert isinstance(is_valid_signature(token, url, params, signature), bool)


@settings(max_examples=200, deadline=None, derandomize=True, database=None)
@given(
    token=st.text(min_size=1, max_size=20),
    url=st.text(max_size=40),
    params=st.dictionaries(st.text(max_size=8), st.text(max_size=8), max_size=4),
)
def test_text_and_its_utf8_bytes_always_agree(token: str, url: str, params: dict[str, str]) -> None:
    # st.text() excludes lone surrogates by default: every value has a UTF-8 form.
    signature = compute_signature(token, url, params)
    raw = {name.encode(): value.encode() for name, value in params.items()}
    assert is_valid_signature(token, url, params, signature) is True
    assert is_valid_signature(token.encode(), url.encode(), raw, signature.encode()) is True
