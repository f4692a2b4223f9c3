"""Conformance of the emulator with the 2008-08-01 reference, found in review, over real HTTP."""

from __future__ import annotations

import base64
import http.client
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Response

from airflow_provider_twilio2008.api.records import Call, IncomingPhoneNumber, Notification
from airflow_provider_twilio2008.api.xml import parse_record
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.emulator.helpers import Api, wait_for

CALLER = "5005550006"
TWIML = '<?xml version="1.0"?><Response><Say>hi</Say>{}</Response>'


def _final(api: Api, sid: str) -> Call:
    return wait_for(lambda: (c := api.record(f"Calls/{sid}", Call)).status.is_terminal and c)


def test_number_update_without_url_is_refused(api: Api) -> None:
    """Reference 3.10: ``Url`` is required when updating a number (seen in the 2008 table)."""
    number = api.create("IncomingPhoneNumbers/Local", IncomingPhoneNumber, {"AreaCode": "650"})
    for method in ("POST", "PUT"):
        refused = api.request(method, f"IncomingPhoneNumbers/{number.sid}", data={"FriendlyName": "x"})
        assert refused.status_code == 400
        assert api.error(refused) == (400, 21205)
    assert api.record(f"IncomingPhoneNumbers/{number.sid}", IncomingPhoneNumber).friendly_name != "x"
    updated = api.post(
        f"IncomingPhoneNumbers/{number.sid}", {"Url": "http://app.example/v", "FriendlyName": "x"}
    )
    assert updated.status_code == 200


def test_fallback_methods_default_to_post_when_their_url_is_set(api: Api) -> None:
    """Reference 3.10: ``VoiceFallbackMethod`` / ``SmsFallbackMethod`` default to POST."""
    bought = api.create(
        "IncomingPhoneNumbers/Local",
        IncomingPhoneNumber,
        {"VoiceFallbackUrl": "http://app.example/vf", "SmsFallbackUrl": "http://app.example/sf"},
    )
    assert (bought.voice_fallback_method, bought.sms_fallback_method) == ("POST", "POST")
    plain = api.create("IncomingPhoneNumbers/Local", IncomingPhoneNumber, {})
    assert plain.voice_fallback_method is None  # unset URL: empty element, as in the reference example
    response = api.post(
        f"IncomingPhoneNumbers/{plain.sid}",
        {"Url": "http://app.example/v", "VoiceFallbackUrl": "http://app.example/vf"},
    )
    assert "<VoiceFallbackMethod>POST</VoiceFallbackMethod>" in response.text


def test_cookies_are_kept_within_a_call_and_never_shared_between_calls(
    api: Api, httpserver: HTTPServer
) -> None:
    """Reference 5: Twilio keeps the app's cookies like a browser, for that call only."""
    first = Response(
        TWIML.format(f"<Redirect>{httpserver.url_for('/next')}</Redirect>"),
        content_type="text/xml",
        headers={"Set-Cookie": "session=first-call; Path=/"},
    )
    httpserver.expect_request("/first").respond_with_response(first)
    httpserver.expect_request("/next").respond_with_data(TWIML.format(""), content_type="text/xml")
    httpserver.expect_request("/second").respond_with_data(TWIML.format(""), content_type="text/xml")
    one = api.create(
        "Calls", Call, {"Caller": CALLER, "Called": "4155550181", "Url": httpserver.url_for("/first")}
    )
    _final(api, one.sid)
    two = api.create(
        "Calls", Call, {"Caller": CALLER, "Called": "4155550182", "Url": httpserver.url_for("/second")}
    )
    _final(api, two.sid)
    cookies = {request.path: request.headers.get("Cookie") for request, _ in httpserver.log}
    assert cookies["/first"] is None
    assert cookies["/next"] == "session=first-call"  # the same call sends its cookie back
    assert cookies["/second"] is None  # another call starts with no cookies


def test_redirect_during_dial_disconnects_the_dialled_leg(api: Api) -> None:
    """Reference 3.4: redirecting a call in a ``<Dial>`` ends that leg; the main segment goes on."""
    api.emulator.script_callee("4155550191", talk_seconds=3600)
    url = api.url("/twiml/dial?number=4155550191")
    call = api.create("Calls", Call, {"Caller": CALLER, "Called": "4155550190", "Url": url})
    wait_for(lambda: [s for s in api.page(f"Calls/{call.sid}/Segments", Call) if s.status == 1])
    redirected = api.post(f"Calls/{call.sid}", {"CurrentUrl": api.url("/twiml/hangup")})
    assert redirected.status_code == 200
    final = wait_for(lambda: (c := api.record(f"Calls/{call.sid}", Call)).status.is_terminal and c, timeout=8)
    assert final.status == 2
    (leg,) = api.page(f"Calls/{call.sid}/Segments", Call)
    assert leg.status == 2 and leg.duration is not None and leg.duration < 3600


# ---------------------------------------------------------------------------------------------
# A doubled slash after the host (2008 helper libraries with a base URL ending in "/")
# ---------------------------------------------------------------------------------------------


def _raw(api: Api, method: str, target: str, body: str = "") -> tuple[int, bytes]:
    """Send ``target`` byte for byte (no client normalises it) and return status and body."""
    parts = urlsplit(api.emulator.base_url)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=10)
    token = base64.b64encode(f"{api.emulator.account_sid}:{api.emulator.auth_token}".encode()).decode()
    headers = {"Authorization": f"Basic {token}"}
    if body:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        connection.request(method, target, body=body or None, headers=headers)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_doubled_leading_slash_is_one_slash_for_get_and_post(api: Api) -> None:
    account = f"/2008-08-01/Accounts/{api.emulator.account_sid}"
    status, body = _raw(api, "GET", "/" + account)
    assert status == 200 and f"<Sid>{api.emulator.account_sid}</Sid>".encode() in body
    form = urlencode({"Caller": CALLER, "Called": "4155550140", "Url": api.url("/twiml/hangup")})
    status, body = _raw(api, "POST", f"//{account}/Calls", form)
    assert status == 201, body
    call = parse_record(body, Call)
    assert _final(api, call.sid).status == 2
    status, body = _raw(api, "GET", f"///{account}/Calls.json?Called=4155550140")
    assert status == 200 and call.sid.encode() in body
    assert [entry["path"] for entry in api.emulator.control("GET", "requests")["requests"]][:1] == [account]


def test_doubled_slashes_elsewhere_and_unknown_paths_stay_404(api: Api) -> None:
    account = f"/2008-08-01/Accounts/{api.emulator.account_sid}"
    assert _raw(api, "GET", "//nothing/here")[0] == 404
    assert _raw(api, "GET", f"//2008-08-01//Accounts/{api.emulator.account_sid}")[0] == 404
    assert _raw(api, "GET", f"/{account}/Nonsense")[0] == 404
    assert _raw(api, "GET", "//_emulator/health") == (200, b'{"ok":true}')


def test_faults_apply_to_doubled_slash_paths(api: Api) -> None:
    api.emulator.add_fault("error500", count=1, path="/Calls")
    account = f"/2008-08-01/Accounts/{api.emulator.account_sid}"
    assert _raw(api, "GET", f"//{account}/Calls")[0] == 500
    assert _raw(api, "GET", f"//{account}/Calls")[0] == 200


def test_the_hook_still_works_against_the_emulator(
    twilio2008_emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio2008_emulator.set_connection_env(monkeypatch)
    with Twilio2008Hook(retries=0) as hook:
        assert hook.get_account().sid == twilio2008_emulator.account_sid
        call = hook.make_call("4155550141", CALLER, f"{twilio2008_emulator.base_url}/twiml/hangup")
        assert [c.sid for c in hook.list_calls()] == [call.sid]


# ---------------------------------------------------------------------------------------------
# Reference 3.8: notifications also log "your REST requests"
# ---------------------------------------------------------------------------------------------


def test_a_failed_rest_request_writes_a_notification_without_credentials(api: Api) -> None:
    token = api.emulator.auth_token
    response = api.post(
        "Calls?Trace=1", {"Caller": CALLER, "Called": "12", "Url": "http://x.example/t", "AuthToken": token}
    )
    assert response.status_code == 400 and api.error(response) == (400, 21211)
    (listed,) = api.page("Notifications", Notification)
    note = api.record(f"Notifications/{listed.sid}", Notification)
    assert (note.log, note.error_code, note.call_sid) == (0, 21211, None)
    assert note.more_info == "http://www.twilio.com/docs/errors/21211"
    assert note.request_url == api.url("Calls") and note.request_method == "POST"
    assert dict(parse_qsl(note.request_variables)) == {
        "Trace": "1",
        "Caller": CALLER,
        "Called": "12",
        "Url": "http://x.example/t",
    }
    assert note.message_text.startswith("Called: '12' is not a phone number")
    assert "<Message>Called: '12' is not a phone number" in note.response_body
    assert "<Code>21211</Code>" in note.response_body and "Content-Type" in note.response_headers
    detail = api.get(f"Notifications/{listed.sid}").text + api.get(f"Notifications/{listed.sid}.json").text
    assert token not in detail and api.emulator.account_sid + ":" not in detail
    assert token not in str(api.emulator.state())


def test_the_token_is_redacted_wherever_the_request_carried_it(api: Api) -> None:
    token = api.emulator.auth_token
    response = api.get(f"Calls?num={token}")
    assert api.error(response) == (400, 21200)
    (listed,) = api.page("Notifications", Notification)
    note = api.record(f"Notifications/{listed.sid}", Notification)
    assert note.request_variables == "num=%5Bredacted%5D" and note.request_method == "GET"
    assert token not in (note.response_body or "") and "[redacted]" in note.response_body


def test_requests_without_a_code_or_account_and_on_notifications_write_nothing(api: Api) -> None:
    call = api.create(
        "Calls", Call, {"Caller": CALLER, "Called": "4155550142", "Url": api.url("/twiml/hangup")}
    )
    _final(api, call.sid)
    assert api.get("Calls/CA" + "0" * 32).status_code == 404  # no code
    assert api.request("DELETE", "Calls").status_code == 405  # no code
    anonymous = requests.post(api.url("Calls"), data={"Called": "12"}, timeout=10)
    assert anonymous.status_code == 401  # no account
    wrong = requests.post(
        api.url("Calls"), data={"Called": "12"}, auth=(api.emulator.account_sid, "0" * 32), timeout=10
    )
    assert wrong.status_code == 401
    for _ in range(3):  # failures on the log itself never grow it
        assert api.error(api.get("Notifications", params={"num": "x"})) == (400, 21200)
        assert api.error(api.get(f"Calls/{call.sid}/Notifications", params={"Page": "x"})) == (400, 21200)
    assert api.page("Notifications", Notification).total == 0
    assert api.error(api.post(f"Calls/{call.sid}", {"CurrentUrl": api.url("/twiml/hangup")})) == (400, 21220)
    (note,) = api.page("Notifications", Notification)
    assert note.error_code == 21220 and api.page(f"Calls/{call.sid}/Notifications", Notification).total == 0


def test_another_account_sees_none_of_these_notifications(api: Api) -> None:
    assert api.post("Calls", {"Caller": CALLER}).status_code == 400
    other = api.emulator.control("POST", "accounts", {"friendly_name": "other"})
    listed = requests.get(
        f"{api.emulator.base_url}/2008-08-01/Accounts/{other['sid']}/Notifications",
        auth=(other["sid"], other["auth_token"]),
        timeout=10,
    )
    assert 'total="0"' in listed.text and api.page("Notifications", Notification).total == 1


# ---------------------------------------------------------------------------------------------
# Reference 6.1: <Dial callerId> must be the caller's, one of the account's numbers or validated
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("caller_id", ["4155550999", "not-a-number"])
def test_dial_with_a_caller_id_not_of_the_account_fails_with_a_notification(
    api: Api, httpserver: HTTPServer, caller_id: str
) -> None:
    httpserver.expect_request("/dialled").respond_with_data(
        TWIML.format("<Hangup/>"), content_type="text/xml"
    )
    url = api.url(
        f"/twiml/dial?number=4155550143&callerId={caller_id}&action={httpserver.url_for('/dialled')}"
    )
    call = _final(api, api.create("Calls", Call, {"Caller": CALLER, "Called": "4155550144", "Url": url}).sid)
    assert call.status == 2
    assert api.page(f"Calls/{call.sid}/Segments", Call).total == 0  # nobody was rung
    ((request, _),) = httpserver.log
    assert request.form["DialStatus"] == "failed"
    (listed,) = api.page(f"Calls/{call.sid}/Notifications", Notification)
    note = api.record(f"Notifications/{listed.sid}", Notification)
    assert (note.error_code, note.log, note.call_sid) == (13214, 0, call.sid)
    assert caller_id in note.message_text and note.request_url == url


@pytest.mark.parametrize("kind", ["incoming-number", "validated-caller-id", "own-caller"])
def test_dial_with_an_allowed_caller_id_rings_the_number(api: Api, kind: str) -> None:
    if kind == "incoming-number":
        caller_id = api.create("IncomingPhoneNumbers/Local", IncomingPhoneNumber, {}).phone_number
    elif kind == "validated-caller-id":
        caller_id = "6505550123"
        assert api.post("OutgoingCallerIds", {"PhoneNumber": caller_id}).status_code in (200, 201)
        api.emulator.control("POST", f"validations/{caller_id}")
    else:
        caller_id = CALLER
    url = api.url(f"/twiml/dial?number=4155550145&callerId=%2B1{caller_id}")
    call = _final(api, api.create("Calls", Call, {"Caller": CALLER, "Called": "4155550146", "Url": url}).sid)
    (segment,) = api.page(f"Calls/{call.sid}/Segments", Call)
    assert segment.status == 2 and segment.caller == caller_id
    assert api.page("Notifications", Notification).total == 0
