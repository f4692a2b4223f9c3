"""Calls over real HTTP: creation and its errors, outcomes of the magic numbers, filters, redirect."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.api.records import Call, CallFlags, CallStatus, Notification
from airflow_provider_twilio2008.api.xml import parse_record
from tests.emulator.helpers import Api, wait_for

CALLER = "5005550006"
HANGUP = "<Response><Hangup/></Response>"


def _place(api: Api, called: str, url: str, **extra: str) -> Call:
    return api.create("Calls", Call, {"Caller": CALLER, "Called": called, "Url": url, **extra})


def _final(api: Api, sid: str) -> Call:
    return wait_for(lambda: (c := api.record(f"Calls/{sid}", Call)).status.is_terminal and c)


def _voice_requests(httpserver: HTTPServer) -> list[dict[str, str]]:
    return [{k: v[0] for k, v in parse_qs(req.get_data(as_text=True)).items()} for req, _ in httpserver.log]


def test_create_call_answers_201_queued_with_location(api: Api) -> None:
    response = api.post(
        "Calls", {"Caller": "(500) 555-0006", "Called": "+1 415 555 0100", "Url": api.url("/twiml/hangup")}
    )
    assert response.status_code == 201
    call = parse_record(response.content, Call)
    assert call.status is CallStatus.QUEUED and call.flags == CallFlags.API
    assert (call.called, call.caller) == ("4155550100", CALLER)
    assert call.start_time is None and call.price is None and call.call_segment_sid is None
    assert response.headers["Location"] == api.url(f"Calls/{call.sid}")
    assert api.record(f"Calls/{call.sid}", Call).sid == call.sid


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"Caller": CALLER, "Url": "http://x.example/t"}, 21201),
        ({"Caller": CALLER, "Called": "12", "Url": "http://x.example/t"}, 21211),
        ({"Caller": CALLER, "Called": "911", "Url": "http://x.example/t"}, 21202),
        ({"Called": "4155550100", "Url": "http://x.example/t"}, 21213),
        ({"Caller": "4155550199", "Called": "4155550100", "Url": "http://x.example/t"}, 21212),
        ({"Caller": CALLER, "Called": "4155550100", "Url": "ftp://x"}, 21205),
        ({"Caller": CALLER, "Called": "4155550100", "Url": "http://x.example/t", "Timeout": "1000"}, 21200),
        (
            {"Caller": CALLER, "Called": "4155550100", "Url": "http://x.example/t", "IfMachine": "maybe"},
            21200,
        ),
    ],
)
def test_invalid_call_parameters_give_400_with_twilio_code(api: Api, data: dict[str, str], code: int) -> None:
    response = api.post("Calls", data)
    assert response.status_code == 400
    assert api.error(response) == (400, code)
    assert api.page("Calls", Call).total == 0


def test_person_answers_and_url_gets_standard_parameters(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/voice").respond_with_data(
        "<Response><Say>Hello there</Say></Response>", content_type="text/xml"
    )
    call = _final(api, _place(api, "4155550100", httpserver.url_for("/voice")).sid)
    assert call.status is CallStatus.COMPLETED
    assert call.duration >= 1 and call.price < 0 and call.end_time >= call.start_time
    (params,) = _voice_requests(httpserver)
    assert params["CallSid"] == params["CallGuid"] == call.sid
    assert params["AccountSid"] == params["AccountGuid"] == api.emulator.account_sid
    assert (params["Caller"], params["Called"]) == (CALLER, "4155550100")
    assert (params["CallStatus"], params["DialStatus"]) == ("in-progress", "answered")
    assert httpserver.log[0][0].headers["X-Twilio-Signature"]


@pytest.mark.parametrize(
    ("called", "status", "dial_status", "call_status"),
    [
        ("5005550001", CallStatus.BUSY, "busy", "busy"),
        ("5005550002", CallStatus.NO_ANSWER, "no-answer", "no-answer"),
        ("5005550003", CallStatus.FAILED, "fail", "failed"),
    ],
)
def test_unanswered_numbers_end_unbilled_and_still_request_url(
    api: Api, httpserver: HTTPServer, called: str, status: CallStatus, dial_status: str, call_status: str
) -> None:
    httpserver.expect_request("/voice").respond_with_data(HANGUP, content_type="text/xml")
    call = _final(api, _place(api, called, httpserver.url_for("/voice"), Timeout="5").sid)
    assert call.status is status
    assert call.start_time is None and call.duration is None and call.price is None and call.end_time is None
    (params,) = wait_for(lambda: _voice_requests(httpserver))
    assert (params["DialStatus"], params["CallStatus"]) == (dial_status, call_status)


@pytest.mark.parametrize(
    ("if_machine", "dial_status", "runs_twiml"),
    [(None, "answered", True), ("Continue", "answered-machine", True), ("Hangup", "hangup-machine", False)],
)
def test_answering_machine_honours_if_machine(
    api: Api, httpserver: HTTPServer, if_machine: str | None, dial_status: str, runs_twiml: bool
) -> None:
    httpserver.expect_request("/voice").respond_with_data(
        "<Response><Redirect>/next</Redirect></Response>", content_type="text/xml"
    )
    httpserver.expect_request("/next").respond_with_data(HANGUP, content_type="text/xml")
    extra = {"IfMachine": if_machine} if if_machine else {}
    call = _final(api, _place(api, "5005550004", httpserver.url_for("/voice"), **extra).sid)
    assert call.status is CallStatus.COMPLETED
    assert _voice_requests(httpserver)[0]["DialStatus"] == dial_status
    assert len(httpserver.log) == (2 if runs_twiml else 1)


def test_person_with_if_machine_is_answered_human(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/voice").respond_with_data(HANGUP, content_type="text/xml")
    _final(api, _place(api, "4155550100", httpserver.url_for("/voice"), IfMachine="Continue").sid)
    assert _voice_requests(httpserver)[0]["DialStatus"] == "answered-human"


@pytest.mark.parametrize(
    ("respond", "code"),
    [
        ({"response_data": "<h1>oops</h1>", "status": 502, "content_type": "text/html"}, 11200),
        ({"response_data": "<Response><Dance/></Response>", "content_type": "text/xml"}, 12100),
        ({"response_data": "{}", "content_type": "application/json"}, 12300),
    ],
)
def test_application_errors_fail_the_call_with_a_notification(
    api: Api, httpserver: HTTPServer, respond: dict[str, object], code: int
) -> None:
    httpserver.expect_request("/voice").respond_with_data(**respond)
    call = _final(api, _place(api, "4155550100", httpserver.url_for("/voice")).sid)
    assert call.status is CallStatus.FAILED and call.duration is None
    listed = api.page(f"Calls/{call.sid}/Notifications", Notification)
    assert [n.error_code for n in listed] == [code]
    assert listed.items[0].response_body is None  # details only on the instance
    note = api.record(f"Notifications/{listed.items[0].sid}", Notification)
    assert note.log == 0 and note.call_sid == call.sid
    assert note.more_info == f"http://www.twilio.com/docs/errors/{code}"
    assert note.request_url == httpserver.url_for("/voice") and note.request_method == "POST"
    assert f"CallSid={call.sid}" in note.request_variables and "DialStatus=answered" in note.request_variables
    assert str(respond["response_data"]) in note.response_body
    assert "Content-Type" in note.response_headers


def test_unreachable_url_is_11200(api: Api) -> None:
    call = _final(api, _place(api, "4155550100", "http://127.0.0.1:9/nothing").sid)
    assert call.status is CallStatus.FAILED
    (note,) = api.page("Notifications", Notification)
    assert note.error_code == 11200


def test_notification_delete_answers_204(api: Api) -> None:
    _final(api, _place(api, "4155550100", "http://127.0.0.1:9/nothing").sid)
    (note,) = api.page("Notifications", Notification)
    response = api.request("DELETE", f"Notifications/{note.sid}")
    assert response.status_code == 204 and response.content == b""
    assert api.get(f"Notifications/{note.sid}").status_code == 404
    assert api.request("POST", "Notifications").status_code == 405


def test_call_filters_and_paging(api: Api) -> None:
    sids = [
        _place(api, number, api.url("/twiml/hangup")).sid
        for number in ("4155550100", "4155550101", "5005550001")
    ]
    for sid in sids:
        _final(api, sid)
    assert {c.sid for c in api.page("Calls", Call, Called="4155550101")} == {sids[1]}
    assert api.page("Calls", Call, Caller=CALLER).total == 3
    assert {c.sid for c in api.page("Calls", Call, Status="3")} == {sids[2]}
    today = api.page("Calls", Call, Status="2").items[0].start_time.in_timezone("UTC").date().isoformat()
    assert api.page("Calls", Call, StartTime=today).total == 2  # the busy call never started
    assert api.page("Calls", Call, **{"StartTime>": today}).total == 2
    assert api.page("Calls", Call, **{"StartTime<": "2001-01-01"}).total == 0
    first = api.page("Calls", Call, num=2)
    assert (first.page, first.num_pages, first.page_size, first.total, first.start, first.end) == (
        0,
        2,
        2,
        3,
        0,
        1,
    )
    second = api.page("Calls", Call, num=2, Page=1)
    assert (second.start, second.end, len(second)) == (2, 2, 1) and second.is_last
    assert not first.is_last and first.next_page_uri.endswith("num=2&Page=1")
    assert {c.sid for c in first} | {c.sid for c in second} == set(sids)
    assert api.page("Calls", Call, num=5000).page_size == 1000
    assert api.error(api.get("Calls", params={"num": "x"})) == (400, 21200)


def test_inequality_filter_keys_are_literal(api: Api) -> None:
    _final(api, _place(api, "4155550100", api.url("/twiml/hangup")).sid)
    response = api.get("Calls?StartTime%3E=2001-01-01&StartTime%3C=2001-01-02")
    assert response.status_code == 200 and 'total="0"' in response.text
    assert 'total="1"' in api.get("Calls?StartTime>=2001-01-01").text


def test_redirect_moves_a_live_call_to_new_twiml(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/moved").respond_with_data(HANGUP, content_type="text/xml")
    call = _place(api, "4155550100", api.url("/twiml/pause?length=600"))
    wait_for(lambda: api.record(f"Calls/{call.sid}", Call).status is CallStatus.IN_PROGRESS)
    response = api.post(
        f"Calls/{call.sid}", {"CurrentUrl": httpserver.url_for("/moved"), "CurrentMethod": "GET"}
    )
    assert response.status_code == 200
    done = _final(api, call.sid)
    assert done.status is CallStatus.COMPLETED and done.duration < 600
    assert httpserver.log[0][0].method == "GET" and httpserver.log[0][0].args["CallSid"] == call.sid
    again = api.post(f"Calls/{call.sid}", {"CurrentUrl": httpserver.url_for("/moved")})
    assert api.error(again) == (400, 21220)


def test_dial_creates_segments(api: Api) -> None:
    call = _final(api, _place(api, "4155550100", api.url("/twiml/dial?number=4155550177")).sid)
    assert call.status is CallStatus.COMPLETED and call.duration >= 10
    (segment,) = api.page(f"Calls/{call.sid}/Segments", Call)
    assert segment.sid == call.sid and segment.call_segment_sid and segment.call_segment_sid != call.sid
    assert segment.flags == CallFlags.API | CallFlags.DIAL and segment.called == "4155550177"
    assert segment.status is CallStatus.COMPLETED and segment.duration == 10
    assert api.record(f"Calls/{call.sid}/Segments/{segment.call_segment_sid}", Call).called == "4155550177"
    assert api.page("Calls", Call).total == 1


def test_call_methods_not_supported_are_405(api: Api) -> None:
    call = _place(api, "4155550100", api.url("/twiml/hangup"))
    for method, path in (("DELETE", f"Calls/{call.sid}"), ("PUT", "Calls"), ("DELETE", "Calls")):
        response = api.request(method, path)
        assert response.status_code == 405 and api.error(response) == (405, None)
    assert api.post(f"Calls/{call.sid}?_method=DELETE").status_code == 405
