"""Incoming calls over real HTTP: ``POST /_emulator/inbound/calls`` runs the number's voice TwiML."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qsl

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request

from airflow_provider_twilio2008.api.records import (
    Call,
    CallFlags,
    CallStatus,
    IncomingPhoneNumber,
    Notification,
    Recording,
    SmsFlags,
    SmsMessage,
)
from airflow_provider_twilio2008.api.signature import SIGNATURE_HEADER, is_valid_signature
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.emulator.helpers import Api, wait_for

SEED = "5005550006"
CALLER = "4155550123"


def _doc(inner: str) -> str:
    return f'<?xml version="1.0"?><Response>{inner}</Response>'


def _ring(api: Api, body: Any = None, **fields: str) -> requests.Response:
    data = {"From": CALLER, "To": SEED, **fields} if body is None else body
    return api.session.post(api.url("/_emulator/inbound/calls"), json=data, timeout=10)


def _seed_number(api: Api) -> IncomingPhoneNumber:
    (number,) = api.page("IncomingPhoneNumbers", IncomingPhoneNumber, PhoneNumber=SEED)
    return number


def _configure(api: Api, **settings: str) -> IncomingPhoneNumber:
    response = api.post(f"IncomingPhoneNumbers/{_seed_number(api).sid}", settings)
    assert response.status_code == 200, response.text
    return _seed_number(api)


def _final(api: Api, sid: str) -> Call:
    return wait_for(lambda: (c := api.record(f"Calls/{sid}", Call)).status.is_terminal and c)


def _params(request: Request) -> dict[str, str]:
    if request.method == "GET":
        return dict(request.args)
    return dict(parse_qsl(request.get_data(as_text=True), keep_blank_values=True))


def _answer(httpserver: HTTPServer, path: str, twiml: str, method: str | None = None) -> None:
    kwargs = {"method": method} if method else {}
    httpserver.expect_request(path, **kwargs).respond_with_data(_doc(twiml), content_type="text/xml")


def test_incoming_call_runs_the_numbers_twiml_as_an_inbound_call(api: Api, httpserver: HTTPServer) -> None:
    _answer(httpserver, "/voice", "<Say>Thanks for calling</Say>")
    number = _configure(api, Url=httpserver.url_for("/voice"), Method="POST")
    response = _ring(api, From="+1 (415) 555-0123")
    assert response.status_code == 201, response.text
    data = response.json()
    assert (data["caller"], data["called"], data["flags"], data["status"]) == (CALLER, SEED, 1, 0)
    assert data["phone_number_sid"] == number.sid
    call = _final(api, data["sid"])
    assert call.status is CallStatus.COMPLETED and call.flags == CallFlags.INBOUND
    assert call.phone_number_sid == number.sid and (call.caller, call.called) == (CALLER, SEED)
    assert call.duration >= 1 and call.price < 0 and call.start_time is not None
    assert [c.sid for c in api.page("Calls", Call, Called=SEED)] == [call.sid]
    ((request, _),) = httpserver.log
    params = _params(request)
    assert request.method == "POST" and request.path == "/voice"
    assert params["CallSid"] == params["CallGuid"] == call.sid
    assert params["AccountSid"] == params["AccountGuid"] == api.emulator.account_sid
    assert (params["Caller"], params["Called"], params["CallStatus"]) == (CALLER, SEED, "in-progress")
    assert "DialStatus" not in params
    signature = request.headers.get(SIGNATURE_HEADER)
    url = httpserver.url_for("/voice")
    assert is_valid_signature(api.emulator.auth_token, url, params, signature)
    (state_call,) = api.emulator.state()["calls"]
    assert state_call["sid"] == call.sid and state_call["flags"] == 1


def test_get_method_of_the_number_is_used(api: Api, httpserver: HTTPServer) -> None:
    _answer(httpserver, "/voice", "<Hangup/>", method="GET")
    _configure(api, Url=httpserver.url_for("/voice"), Method="GET")
    call = _final(api, _ring(api).json()["sid"])
    assert call.status is CallStatus.COMPLETED
    ((request, _),) = httpserver.log
    assert request.method == "GET" and request.args["Caller"] == CALLER
    full_url = httpserver.url_for("/voice") + "?" + request.query_string.decode()
    assert is_valid_signature(api.emulator.auth_token, full_url, None, request.headers[SIGNATURE_HEADER])


def test_the_callers_script_presses_the_keys_of_a_gather(api: Api, httpserver: HTTPServer) -> None:
    api.emulator.script_callee(CALLER, digits="42#")
    _answer(httpserver, "/voice", '<Gather action="/gathered" finishOnKey="#"><Say>Code?</Say></Gather>')
    _answer(httpserver, "/gathered", "<Say>Got it</Say><Hangup/>")
    _configure(api, Url=httpserver.url_for("/voice"))
    call = _final(api, _ring(api).json()["sid"])
    assert call.status is CallStatus.COMPLETED
    gathered = [_params(request) for request, _ in httpserver.log if request.path == "/gathered"]
    assert [(p["Digits"], p["CallSid"]) for p in gathered] == [("42", call.sid)]


def test_record_stores_a_recording_of_the_caller(api: Api, httpserver: HTTPServer) -> None:
    api.emulator.script_callee(CALLER, record_seconds=7)
    _answer(httpserver, "/voice", '<Record action="/recorded" maxLength="30"/>')
    _answer(httpserver, "/recorded", "<Hangup/>")
    _configure(api, Url=httpserver.url_for("/voice"))
    call = _final(api, _ring(api).json()["sid"])
    (recording,) = api.page(f"Calls/{call.sid}/Recordings", Recording)
    assert recording.duration == 7 and recording.call_sid == call.sid
    (recorded,) = [_params(request) for request, _ in httpserver.log if request.path == "/recorded"]
    assert recorded["RecordingUrl"].endswith(recording.sid) and recorded["Duration"] == "7"


def test_sms_in_an_inbound_call_texts_the_caller_from_the_called_number(
    api: Api, httpserver: HTTPServer
) -> None:
    _answer(httpserver, "/voice", "<Sms>Your code is 1234</Sms>")
    _configure(api, Url=httpserver.url_for("/voice"))
    _final(api, _ring(api).json()["sid"])
    (message,) = wait_for(lambda: list(api.page("SMS/Messages", SmsMessage)))
    assert (message.to, message.from_, message.body) == (CALLER, SEED, "Your code is 1234")
    assert message.flags == SmsFlags.REPLY


def test_dial_from_an_inbound_call_shows_the_caller_and_is_an_inbound_segment(
    api: Api, httpserver: HTTPServer
) -> None:
    _answer(httpserver, "/voice", "<Dial>4155550177</Dial>")
    _configure(api, Url=httpserver.url_for("/voice"))
    call = _final(api, _ring(api).json()["sid"])
    (segment,) = api.page(f"Calls/{call.sid}/Segments", Call)
    assert segment.flags == CallFlags.INBOUND | CallFlags.DIAL
    assert (segment.caller, segment.called, segment.status) == (CALLER, "4155550177", CallStatus.COMPLETED)
    assert api.page(f"Calls/{call.sid}/Notifications", Notification).total == 0


def test_fallback_url_is_used_when_the_url_fails(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/voice").respond_with_data(
        "<h1>oops</h1>", status=500, content_type="text/html"
    )
    _answer(httpserver, "/fallback", "<Say>Sorry, we are having trouble</Say>", method="GET")
    _configure(
        api,
        Url=httpserver.url_for("/voice"),
        VoiceFallbackUrl=httpserver.url_for("/fallback"),
        VoiceFallbackMethod="GET",
    )
    call = _final(api, _ring(api).json()["sid"])
    assert call.status is CallStatus.COMPLETED
    assert [(request.method, request.path) for request, _ in httpserver.log] == [
        ("POST", "/voice"),
        ("GET", "/fallback"),
    ]
    fallback_params = _params(httpserver.log[1][0])
    assert fallback_params["CallSid"] == call.sid and fallback_params["Caller"] == CALLER
    (listed,) = api.page(f"Calls/{call.sid}/Notifications", Notification)
    note = api.record(f"Notifications/{listed.sid}", Notification)
    assert (note.error_code, note.log, note.call_sid) == (11200, 0, call.sid)
    assert note.request_url == httpserver.url_for("/voice") and note.response_body == "<h1>oops</h1>"


def test_fallback_failing_too_fails_the_call_with_two_notifications(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/voice").respond_with_data(_doc("<Dance/>"), content_type="text/xml")
    _configure(api, Url=httpserver.url_for("/voice"), VoiceFallbackUrl="http://127.0.0.1:9/down")
    call = _final(api, _ring(api).json()["sid"])
    assert call.status is CallStatus.FAILED and call.duration is None and call.price is None
    notes = api.page(f"Calls/{call.sid}/Notifications", Notification)
    assert sorted(n.error_code for n in notes) == [11200, 12100]


def test_number_without_url_fails_the_call_with_11200(api: Api) -> None:
    assert not _seed_number(api).url
    call = _final(api, _ring(api).json()["sid"])
    assert call.status is CallStatus.FAILED
    (note,) = api.page(f"Calls/{call.sid}/Notifications", Notification)
    assert note.error_code == 11200


def test_a_rest_redirect_moves_an_inbound_call(api: Api, httpserver: HTTPServer) -> None:
    _configure(api, Url=api.url("/twiml/pause?length=600"))
    sid = _ring(api).json()["sid"]
    wait_for(lambda: api.record(f"Calls/{sid}", Call).status is CallStatus.IN_PROGRESS)
    assert api.post(f"Calls/{sid}", {"CurrentUrl": api.url("/twiml/hangup")}).status_code == 200
    call = _final(api, sid)
    assert call.status is CallStatus.COMPLETED and call.duration < 600


def test_call_to_a_number_not_owned_is_404_naming_to(api: Api) -> None:
    response = _ring(api, To="4155550199")
    assert response.status_code == 404
    assert response.json()["field"] == "To" and "4155550199" in response.json()["error"]
    assert api.page("Calls", Call).total == 0


def test_a_number_of_another_account_is_404_for_this_one(api: Api) -> None:
    bought = api.create("IncomingPhoneNumbers/Local", IncomingPhoneNumber, {"AreaCode": "650"})
    other = api.emulator.control("POST", "accounts", {"friendly_name": "other"})
    response = requests.post(
        api.url("/_emulator/inbound/calls"),
        json={"From": CALLER, "To": bought.phone_number},
        auth=(other["sid"], other["auth_token"]),
        timeout=10,
    )
    assert response.status_code == 404 and response.json()["field"] == "To"
    assert _ring(api, To=bought.phone_number).status_code == 201


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"To": SEED}, "From"),
        ({"From": CALLER}, "To"),
        ({"From": "12", "To": SEED}, "From"),
        ({"From": CALLER, "To": "not a number"}, "To"),
        (["From", "To"], "body"),
        ("nonsense", "body"),
    ],
)
def test_bad_input_is_400_naming_the_field(api: Api, body: Any, field: str) -> None:
    response = _ring(api, body=body)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field and field in response.json()["error"]
    assert api.page("Calls", Call).total == 0


def test_wrong_credentials_are_401(api: Api) -> None:
    response = requests.post(
        api.url("/_emulator/inbound/calls"), json={"From": CALLER, "To": SEED}, timeout=10
    )
    assert response.status_code == 401
    assert api.page("Calls", Call).total == 0


def test_restart_answers_a_queued_inbound_call_and_completes_one_in_progress(
    twilio2008_emulator_factory: Callable[..., EmulatorHandle], tmp_path: Any, httpserver: HTTPServer
) -> None:
    _answer(httpserver, "/voice", "<Hangup/>")
    db = str(tmp_path / "state.db")
    first = Api(twilio2008_emulator_factory(time_scale=1.0, db=db))
    _configure(first, Url=first.url("/twiml/pause?length=600"))
    talking = _ring(first).json()["sid"]
    wait_for(lambda: first.record(f"Calls/{talking}", Call).status is CallStatus.IN_PROGRESS)
    _configure(first, Url=httpserver.url_for("/voice"))
    queued = _ring(first, From="4155550124").json()["sid"]
    first.emulator.stop()
    handle = first.emulator
    second = Api(
        twilio2008_emulator_factory(
            time_scale=50.0, db=db, account_sid=handle.account_sid, auth_token=handle.auth_token
        )
    )
    resumed = _final(second, queued)
    assert resumed.status is CallStatus.COMPLETED and resumed.flags == CallFlags.INBOUND
    assert [_params(request)["CallSid"] for request, _ in httpserver.log] == [queued]
    ended = _final(second, talking)
    assert ended.status is CallStatus.COMPLETED and ended.flags == CallFlags.INBOUND
