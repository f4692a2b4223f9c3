"""``api/signature.py``: checking X-Twilio-Signature on requests the emulator really signs."""

from __future__ import annotations

import time
from urllib.parse import parse_qsl

import requests
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
