"""Incoming SMS over real HTTP: ``POST /_emulator/inbound/sms`` stores the message and runs the app.

The application is a real local HTTP server (``httpserver``); the emulator is the real one.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from pytest_httpserver import HTTPServer
from werkzeug import Request as AppRequest
from werkzeug import Response as AppResponse

from airflow_provider_twilio2008.api.records import (
    IncomingPhoneNumber,
    Notification,
    NotificationLog,
    SmsFlags,
    SmsMessage,
    SmsStatus,
)
from airflow_provider_twilio2008.api.signature import SIGNATURE_HEADER, is_valid_signature
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.emulator.helpers import Api, wait_for

SEED = "5005550006"
SENDER = "4155550100"
OTHER_SENDER = "4155550177"
TWIML = "text/xml"


def _text(api: Api, body: Any = None, **fields: str) -> requests.Response:
    data = {"From": SENDER, "To": SEED, "Body": "hello", **fields} if body is None else body
    return api.session.post(api.url("/_emulator/inbound/sms"), json=data, timeout=10)


def _received(api: Api, **fields: str) -> str:
    response = _text(api, **fields)
    assert response.status_code == 201, response.text
    return str(response.json()["sid"])


def _seed(api: Api) -> IncomingPhoneNumber:
    return api.page("IncomingPhoneNumbers", IncomingPhoneNumber, PhoneNumber=SEED).items[0]


def _point_seed_at(api: Api, sms_url: str, **extra: str) -> None:
    """Set the seed number's SmsUrl (and other fields) with a REST update, as a user would."""
    data = {"Url": "http://127.0.0.1:9/voice", "SmsUrl": sms_url, **extra}
    response = api.post(f"IncomingPhoneNumbers/{_seed(api).sid}", data)
    assert response.status_code == 200, response.text


def _form(request: AppRequest) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(request.get_data(as_text=True)).items()}


def _query(request: AppRequest) -> dict[str, str]:
    return {name: values[0] for name, values in parse_qs(request.query_string.decode()).items()}


def _messages(api: Api) -> list[SmsMessage]:
    return list(api.page("SMS/Messages", SmsMessage))


def _replies(api: Api) -> list[SmsMessage]:
    return [m for m in _messages(api) if m.flags == SmsFlags.REPLY]


def _notifications(api: Api, count: int) -> list[Notification]:
    listed = wait_for(lambda: len(page := api.page("Notifications", Notification)) >= count and page)
    return sorted(
        (api.record(f"Notifications/{n.sid}", Notification) for n in listed), key=lambda n: n.error_code or 0
    )


def _requests_to(httpserver: HTTPServer, path: str, count: int = 1) -> list[AppRequest]:
    def seen() -> list[AppRequest] | None:
        found = [request for request, _ in httpserver.log if request.path == path]
        return found if len(found) >= count else None

    return wait_for(seen)


def _settle() -> None:
    """Let the emulator read the answer the application just sent (its cookies)."""
    time.sleep(0.1)


def _quiet_period(seconds: float = 0.3) -> None:
    """Give the emulator time to do something it must not do (the check follows)."""
    time.sleep(seconds)


# --- the control endpoint -------------------------------------------------------------------


def test_inbound_sms_is_stored_sent_with_inbound_flag(api: Api) -> None:
    response = _text(api, From="+1 (415) 555-0100", Body="Deploy?")
    assert response.status_code == 201, response.text
    data = response.json()
    assert (data["from"], data["to"], data["body"]) == (SENDER, SEED, "Deploy?")
    assert data["status"] == "sent" and data["flags"] == 1
    assert data["date_sent"] == data["date_created"] is not None
    message = api.record(f"SMS/Messages/{data['sid']}", SmsMessage)
    assert message.flags == SmsFlags.INBOUND and message.status is SmsStatus.SENT
    assert message.date_sent == message.date_created
    assert [m["sid"] for m in api.emulator.state()["sms"]] == [data["sid"]]


def test_text_to_a_number_not_owned_is_404_naming_to(api: Api) -> None:
    response = _text(api, To="4155550199")
    assert response.status_code == 404
    assert response.json()["field"] == "To" and "4155550199" in response.json()["error"]
    assert api.emulator.state()["sms"] == []


def test_text_to_a_toll_free_number_is_400_naming_to(api: Api) -> None:
    number = api.create("IncomingPhoneNumbers/TollFree", IncomingPhoneNumber, {})
    response = _text(api, To=number.phone_number or "")
    assert response.status_code == 400
    assert response.json()["field"] == "To" and "toll-free" in response.json()["error"]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"To": SEED, "Body": "hi"}, "From"),
        ({"From": SENDER, "Body": "hi"}, "To"),
        ({"From": SENDER, "To": SEED}, "Body"),
        ({"From": "12", "To": SEED, "Body": "hi"}, "From"),
        ({"From": SENDER, "To": "abc", "Body": "hi"}, "To"),
        ({"From": SENDER, "To": SEED, "Body": "x" * 161}, "Body"),
        ({"From": SENDER, "To": SEED, "Body": "   "}, "Body"),
        (["not", "an", "object"], "body"),
    ],
)
def test_bad_input_is_400_naming_the_field(api: Api, body: Any, field: str) -> None:
    response = _text(api, body)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field and field in response.json()["error"]


def test_bad_json_is_400(api: Api) -> None:
    response = api.session.post(api.url("/_emulator/inbound/sms"), data=b"{not json", timeout=10)
    assert response.status_code == 400 and response.json()["field"] == "body"


def test_wrong_credentials_are_401(api: Api) -> None:
    response = requests.post(
        api.url("/_emulator/inbound/sms"),
        json={"From": SENDER, "To": SEED, "Body": "hi"},
        auth=(api.emulator.account_sid, "wrong"),
        timeout=10,
    )
    assert response.status_code == 401


def test_short_code_sender_is_accepted(api: Api) -> None:
    sid = _received(api, From="55555")
    assert api.record(f"SMS/Messages/{sid}", SmsMessage).from_ == "55555"


# --- the request to SmsUrl ------------------------------------------------------------------


def test_sms_url_gets_both_sid_names_and_a_valid_signature(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms", method="POST").respond_with_data("", content_type="text/plain")
    _point_seed_at(api, httpserver.url_for("/sms"))
    started = time.monotonic()
    sid = _received(api, Body="Deploy build 1842?")
    assert time.monotonic() - started < 2  # the control call does not wait for the application
    (request,) = _requests_to(httpserver, "/sms")
    form = _form(request)
    assert form == {
        "SmsSid": sid,
        "SmsMessageSid": sid,
        "AccountSid": api.emulator.account_sid,
        "From": SENDER,
        "To": SEED,
        "Body": "Deploy build 1842?",
    }
    signature = request.headers.get(SIGNATURE_HEADER)
    assert is_valid_signature(api.emulator.auth_token, httpserver.url_for("/sms"), form, signature)
    assert not is_valid_signature("0" * 32, httpserver.url_for("/sms"), form, signature)


def test_sms_method_get_sends_the_parameters_in_the_signed_query(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms", method="GET").respond_with_data("", content_type="text/plain")
    _point_seed_at(api, httpserver.url_for("/sms"), SmsMethod="GET")
    sid = _received(api, Body="status please")
    (request,) = _requests_to(httpserver, "/sms")
    assert _query(request)["SmsSid"] == sid and _query(request)["Body"] == "status please"
    url = httpserver.url_for("/sms") + "?" + request.query_string.decode()
    assert is_valid_signature(api.emulator.auth_token, url, None, request.headers.get(SIGNATURE_HEADER))


def test_number_without_sms_url_only_stores(api: Api, httpserver: HTTPServer) -> None:
    _received(api)
    _quiet_period()
    assert httpserver.log == [] and len(_messages(api)) == 1
    assert api.page("Notifications", Notification).items == ()


# --- text/plain answers ---------------------------------------------------------------------


def test_plain_text_answer_is_sent_back_with_reply_flag(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms").respond_with_data(
        "  Deploying 1842 now\n", content_type="text/plain; charset=utf-8"
    )
    _point_seed_at(api, httpserver.url_for("/sms"))
    _received(api)
    reply = wait_for(lambda: (found := _replies(api)) and found[0].status is SmsStatus.SENT and found[0])
    assert (reply.from_, reply.to, reply.body) == (SEED, SENDER, "Deploying 1842 now")
    assert reply.flags == SmsFlags.REPLY and reply.date_sent is not None


def test_plain_text_answer_is_read_in_its_declared_charset(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms").respond_with_data(
        "Réunion à 9 h".encode("latin-1"), content_type="text/plain; charset=ISO-8859-1"
    )
    _point_seed_at(api, httpserver.url_for("/sms"))
    _received(api)
    reply = wait_for(lambda: (found := _replies(api)) and found[0].status is SmsStatus.SENT and found[0])
    assert reply.body == "Réunion à 9 h"


def test_empty_plain_text_answer_sends_nothing(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms").respond_with_data(" \n", content_type="text/plain")
    _point_seed_at(api, httpserver.url_for("/sms"))
    _received(api)
    _requests_to(httpserver, "/sms")
    _quiet_period()
    assert len(_messages(api)) == 1
    assert api.page("Notifications", Notification).items == ()


def test_plain_text_answer_over_160_characters_is_a_notification(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms").respond_with_data("x" * 161, content_type="text/plain")
    _point_seed_at(api, httpserver.url_for("/sms"))
    sid = _received(api)
    (notification,) = _notifications(api, 1)
    assert notification.error_code == 21605 and notification.log is NotificationLog.ERROR
    assert notification.call_sid in (None, "") and "161" in (notification.message_text or "")
    assert notification.request_url == httpserver.url_for("/sms") and notification.request_method == "POST"
    assert f"SmsSid={sid}" in (notification.request_variables or "")
    assert notification.response_body == "x" * 161
    _quiet_period()
    assert _replies(api) == []


# --- SMS TwiML ------------------------------------------------------------------------------


def test_twiml_sends_each_sms_and_posts_the_action(api: Api, httpserver: HTTPServer) -> None:
    document = (
        '<Response version="2008-08-01">'
        "<Sms>Got it</Sms>"
        '<Sms to="4155550111" action="/sms-action" statusCallback="/sms-status">Heads up</Sms>'
        "<Sms>never sent</Sms>"
        "</Response>"
    )
    httpserver.expect_request("/sms").respond_with_data(document, content_type=TWIML)
    httpserver.expect_request("/sms-action").respond_with_data("<Response/>", content_type=TWIML)
    httpserver.expect_request("/sms-status").respond_with_data("")
    _point_seed_at(api, httpserver.url_for("/sms"))
    sid = _received(api)
    (action,) = _requests_to(httpserver, "/sms-action")
    form = _form(action)
    sent = wait_for(lambda: len(found := _replies(api)) == 2 and found)
    replies = {m.body: m for m in sent}
    assert (replies["Got it"].to, replies["Got it"].from_) == (SENDER, SEED)
    assert (replies["Heads up"].to, replies["Heads up"].from_) == ("4155550111", SEED)
    heads_up = replies["Heads up"].sid
    assert form["SmsSid"] == form["SmsMessageSid"] == heads_up and form["SmsStatus"] == "sending"
    assert (form["From"], form["To"], form["AccountSid"]) == (SENDER, SEED, api.emulator.account_sid)
    assert heads_up != sid
    (status,) = _requests_to(httpserver, "/sms-status")
    assert _form(status)["SmsSid"] == heads_up and _form(status)["SmsStatus"] == "sent"
    _quiet_period()
    assert len(_replies(api)) == 2


def test_invalid_sms_posts_invalid_to_the_action(api: Api, httpserver: HTTPServer) -> None:
    document = '<Response><Sms from="4155550199" action="/sms-action" method="GET">Hi</Sms></Response>'
    httpserver.expect_request("/sms").respond_with_data(document, content_type="application/xml")
    httpserver.expect_request("/sms-action").respond_with_data("", content_type="text/plain")
    _point_seed_at(api, httpserver.url_for("/sms"))
    _received(api)
    (action,) = _requests_to(httpserver, "/sms-action")
    assert _query(action)["SmsStatus"] == "invalid" and _query(action).get("SmsSid", "") == ""
    assert _replies(api) == []


def test_redirect_fetches_the_next_document_with_the_same_parameters(
    api: Api, httpserver: HTTPServer
) -> None:
    first = '<Response><Redirect method="GET">/next</Redirect><Sms>never sent</Sms></Response>'
    httpserver.expect_request("/sms").respond_with_data(first, content_type="text/html")
    httpserver.expect_request("/next", method="GET").respond_with_data(
        "<Response><Sms>from the next document</Sms></Response>", content_type=TWIML
    )
    _point_seed_at(api, httpserver.url_for("/sms"))
    sid = _received(api, Body="menu")
    (request,) = _requests_to(httpserver, "/next")
    assert _query(request)["SmsSid"] == sid and _query(request)["Body"] == "menu"
    (reply,) = wait_for(lambda: _replies(api))
    assert reply.body == "from the next document" and reply.to == SENDER


def test_redirect_loop_stops_with_a_notification(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms").respond_with_data(
        "<Response><Redirect>/sms</Redirect></Response>", content_type=TWIML
    )
    _point_seed_at(api, httpserver.url_for("/sms"))
    _received(api)
    (notification,) = _notifications(api, 1)
    assert notification.error_code == 11215
    assert len([r for r, _ in httpserver.log if r.path == "/sms"]) == 100


@pytest.mark.parametrize(
    ("body", "content_type", "code"),
    [
        ("<Response><Say>Hello</Say></Response>", TWIML, 12100),
        ("<Response><Sms>unclosed", TWIML, 12100),
        ('{"reply": "json"}', "application/json", 12300),
    ],
)
def test_unusable_answer_is_a_notification_on_the_account(
    api: Api, httpserver: HTTPServer, body: str, content_type: str, code: int
) -> None:
    httpserver.expect_request("/sms").respond_with_data(body, content_type=content_type)
    _point_seed_at(api, httpserver.url_for("/sms"))
    _received(api)
    (notification,) = _notifications(api, 1)
    assert notification.error_code == code and notification.call_sid in (None, "")
    assert notification.response_body == body
    assert (notification.response_headers or "").startswith("Content-Type: ")


# --- fallback ---------------------------------------------------------------------------------


def test_fallback_answers_when_sms_url_fails(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms").respond_with_data("<h1>502 Bad Gateway</h1>", status=500)
    httpserver.expect_request("/fallback", method="GET").respond_with_data(
        "Sorry, try later", content_type="text/plain"
    )
    _point_seed_at(
        api,
        httpserver.url_for("/sms"),
        SmsFallbackUrl=httpserver.url_for("/fallback"),
        SmsFallbackMethod="GET",
    )
    sid = _received(api)
    (fallback,) = _requests_to(httpserver, "/fallback")
    assert _query(fallback)["SmsSid"] == _query(fallback)["SmsMessageSid"] == sid
    (reply,) = wait_for(lambda: _replies(api))
    assert reply.body == "Sorry, try later"
    (notification,) = _notifications(api, 1)
    assert notification.error_code == 11200 and notification.log is NotificationLog.ERROR
    assert notification.request_url == httpserver.url_for("/sms")
    assert notification.response_body == "<h1>502 Bad Gateway</h1>"
    assert f"SmsMessageSid={sid}" in (notification.request_variables or "")


def test_every_failure_is_logged_when_the_fallback_fails_too(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/fallback").respond_with_data("{}", content_type="application/json")
    unreachable = "http://127.0.0.1:9/sms"  # the discard port: connection refused
    _point_seed_at(api, unreachable, SmsFallbackUrl=httpserver.url_for("/fallback"))
    _received(api)
    refused, bad_type = _notifications(api, 2)
    assert (refused.error_code, refused.request_url) == (11200, unreachable)
    assert (bad_type.error_code, bad_type.request_url) == (12300, httpserver.url_for("/fallback"))
    assert _replies(api) == []


# --- cookies ----------------------------------------------------------------------------------


def _cookie_app(httpserver: HTTPServer) -> list[str]:
    """Answer ``/sms`` setting a cookie per sender; return the Cookie headers received."""
    seen: list[str] = []

    def handler(request: AppRequest) -> AppResponse:
        seen.append(request.headers.get("Cookie", ""))
        response = AppResponse("", content_type="text/plain")
        response.set_cookie("conversation", _form(request)["From"])
        return response

    httpserver.expect_request("/sms").respond_with_handler(handler)
    return seen


def test_cookies_are_kept_per_pair_of_numbers(api: Api, httpserver: HTTPServer) -> None:
    seen = _cookie_app(httpserver)
    _point_seed_at(api, httpserver.url_for("/sms"))
    for sender, count in ((SENDER, 1), (SENDER, 2), (OTHER_SENDER, 3), (OTHER_SENDER, 4)):
        _received(api, From=sender)
        wait_for(lambda count=count: len(seen) >= count)
        _settle()
    assert seen == ["", f"conversation={SENDER}", "", f"conversation={OTHER_SENDER}"]


def test_cookies_expire_after_four_idle_simulated_hours(
    twilio2008_emulator_factory: Callable[..., EmulatorHandle], httpserver: HTTPServer
) -> None:
    # 20,000 simulated seconds per real second: four simulated hours take 0.72 s.
    api = Api(twilio2008_emulator_factory(time_scale=20_000))
    seen = _cookie_app(httpserver)
    _point_seed_at(api, httpserver.url_for("/sms"))
    _received(api)
    wait_for(lambda: len(seen) == 1, interval=0.001)
    _settle()
    _received(api)
    wait_for(lambda: len(seen) == 2, interval=0.001)
    time.sleep(1.0)
    _received(api)
    wait_for(lambda: len(seen) == 3)
    assert seen == ["", f"conversation={SENDER}", ""]


# --- scripted callees that text back ---------------------------------------------------------


def test_scripted_callee_texts_back_after_its_delay(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms").respond_with_data("", content_type="text/plain")
    _point_seed_at(api, httpserver.url_for("/sms"))
    api.emulator.script_callee("4155550123", sms_reply="Yes, go ahead", sms_reply_after=50)
    sent = api.create("SMS/Messages", SmsMessage, {"From": SEED, "To": "4155550123", "Body": "Deploy?"})

    def inbound() -> list[SmsMessage]:
        return [m for m in _messages(api) if m.flags == SmsFlags.INBOUND]

    wait_for(lambda: api.record(f"SMS/Messages/{sent.sid}", SmsMessage).status is SmsStatus.SENT)
    sent_at = time.monotonic()
    assert inbound() == []
    (reply,) = wait_for(inbound)
    assert time.monotonic() - sent_at >= 0.8  # 50 simulated seconds at 50x: about one real second
    assert (reply.from_, reply.to, reply.body) == ("4155550123", SEED, "Yes, go ahead")
    assert reply.status is SmsStatus.SENT
    (request,) = _requests_to(httpserver, "/sms")
    assert _form(request)["SmsSid"] == reply.sid and _form(request)["Body"] == "Yes, go ahead"


def test_scripted_callee_answers_an_sms_twiml_reply(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms").respond_with_data("", content_type="text/plain")
    httpserver.expect_request("/first").respond_with_data(
        "<Response><Sms>Which build?</Sms></Response>", content_type=TWIML
    )
    _point_seed_at(api, httpserver.url_for("/first"))
    api.emulator.script_callee(SENDER, sms_reply="1842", sms_reply_after=50)
    _received(api, Body="deploy")
    _point_seed_at(api, httpserver.url_for("/sms"))
    (request,) = _requests_to(httpserver, "/sms")
    assert _form(request)["Body"] == "1842" and _form(request)["From"] == SENDER


def test_scripted_reply_survives_a_restart(
    twilio2008_emulator_factory: Callable[..., EmulatorHandle], httpserver: HTTPServer, tmp_path: Path
) -> None:
    first = twilio2008_emulator_factory(db=str(tmp_path / "emulator.db"))
    api = Api(first)
    first.script_callee("4155550123", sms_reply="Later!", sms_reply_after=100)
    sent = api.create("SMS/Messages", SmsMessage, {"From": SEED, "To": "4155550123", "Body": "Deploy?"})
    wait_for(lambda: api.record(f"SMS/Messages/{sent.sid}", SmsMessage).status is SmsStatus.SENT)
    first.stop()
    second = twilio2008_emulator_factory(
        db=str(tmp_path / "emulator.db"), account_sid=first.account_sid, auth_token=first.auth_token
    )
    api = Api(second)
    assert second.state()["sms"][0]["flags"] == 4  # the script is gone; the plan is stored
    (reply,) = wait_for(lambda: [m for m in _messages(api) if m.flags == SmsFlags.INBOUND], timeout=15)
    assert (reply.from_, reply.body) == ("4155550123", "Later!")
    _quiet_period()
    assert len(_messages(api)) == 2


@pytest.mark.parametrize(
    "fields",
    [
        {"sms_reply": "x" * 161},
        {"sms_reply": "  "},
        {"sms_reply_after": -1},
        {"sms_reply_after": "soon"},
        {"sms_reply_after": True},
    ],
)
def test_callee_script_refuses_bad_sms_fields(api: Api, fields: dict[str, Any]) -> None:
    response = api.session.put(api.url("/_emulator/callees/4155550123"), json=fields, timeout=10)
    assert response.status_code == 400, response.text
    assert next(iter(fields)) in response.json()["error"]


def test_callee_script_shows_sms_fields(api: Api) -> None:
    answer = api.emulator.script_callee("4155550123", sms_reply="ok", sms_reply_after=2.5)
    assert answer["4155550123"]["sms_reply"] == "ok" and answer["4155550123"]["sms_reply_after"] == 2.5
    assert api.emulator.control("GET", "callees")["4155550123"]["sms_reply"] == "ok"


def test_plugin_text_helper(api: Api) -> None:
    message = api.emulator.text(SENDER, "from the helper")
    assert (message["body"], message["account_sid"], message["flags"]) == (
        "from the helper",
        api.emulator.account_sid,
        1,
    )
