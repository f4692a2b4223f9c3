"""What goes over the wire when things go wrong: paging, error mapping, the retry policy."""

from __future__ import annotations

import logging
import pickle
import time
from collections.abc import Callable, Iterator

import pytest
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from airflow_provider_twilio2008.api.errors import (
    Twilio2008ApiError,
    Twilio2008AuthenticationError,
    Twilio2008BadRequestError,
    Twilio2008Error,
    Twilio2008MethodNotAllowedError,
    Twilio2008NotFoundError,
    Twilio2008OutcomeUnknownError,
    Twilio2008RateLimitedError,
    Twilio2008ResponseError,
    Twilio2008ServerError,
    Twilio2008TransportError,
    Twilio2008ValidationError,
)
from airflow_provider_twilio2008.api.records import Call, CallStatus
from airflow_provider_twilio2008.api.xml import render_record
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

from .fakes import (
    API,
    AUTH_TOKEN,
    BASIC_AUTH,
    CALL_SID,
    COMPLETED_CALL_XML,
    QUEUED_CALL_XML,
    RECORDING_SID,
    XML_TYPE,
    HookFactory,
    RawServer,
    answer,
    answer_cut_short,
    base_url,
    closed_port,
    drop,
    error_body,
    hold,
    only_values,
    page_body,
    sample_call,
)

PROXY_PAGE = "<html><body><h1>Proxy login</h1><br><p>Please sign in</body></html>"

TWIML = "https://app.example.com/twiml/start"
CALLS = f"{API}/Calls"
StartRaw = Callable[..., RawServer]


def sid(n: int) -> str:
    return f"CA{n:032x}"


def calls(*numbers: int) -> list[Call]:
    return [sample_call(sid(n)) for n in numbers]


# --- paging ------------------------------------------------------------------------------------


def test_list_calls_follows_nextpageuri_across_three_pages_in_order(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    pages = {
        None: page_body(calls(1, 2), Call, page=0, num_pages=3, page_size=2, total=5, end=1,
                        next_page_uri=f"{CALLS}?num=2&Page=1"),
        "1": page_body(calls(3, 4), Call, page=1, num_pages=3, page_size=2, total=5, start=2, end=3,
                       next_page_uri=f"{base_url(httpserver)}{CALLS}.xml?num=2&Page=2"),
        "2": page_body(calls(5), Call, page=2, num_pages=3, page_size=2, total=5, start=4, end=4,
                       next_page_uri=""),
    }  # fmt: skip

    def serve(request: Request) -> Response:
        return Response(pages[request.args.get("Page")], content_type=XML_TYPE)

    httpserver.expect_request(CALLS, method="GET").respond_with_handler(serve)

    got = [call.sid for call in hook.list_calls(page_size=2)]

    assert got == [sid(1), sid(2), sid(3), sid(4), sid(5)]
    assert [only_values(r.args) for r, _ in httpserver.log] == [
        {"num": "2"},
        {"num": "2", "Page": "1"},
        {"num": "2", "Page": "2"},
    ]
    assert all(r.path == CALLS and r.headers["Authorization"] == BASIC_AUTH for r, _ in httpserver.log)


def test_list_calls_without_page_uris_pages_with_page_numbers_keeping_the_filters(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    """An early-2008 server gives only page/numpages: ``Page=1``, ``Page=2`` are asked with the filters."""
    pages = {
        None: page_body(calls(1, 2), Call, page=0, num_pages=3, page_size=2, total=5, end=1),
        "1": page_body(calls(3, 4), Call, page=1, num_pages=3, page_size=2, total=5, start=2, end=3),
        "2": page_body(calls(5), Call, page=2, num_pages=3, page_size=2, total=5, start=4, end=4),
    }

    def serve(request: Request) -> Response:
        return Response(pages[request.args.get("Page")], content_type=XML_TYPE)

    httpserver.expect_request(CALLS, method="GET").respond_with_handler(serve)

    got = [
        call.sid
        for call in hook.list_calls(status=CallStatus.COMPLETED, started_after="2009-07-04", page_size=2)
    ]

    assert got == [sid(1), sid(2), sid(3), sid(4), sid(5)]
    filters = {"Status": "2", "StartTime>": "2009-07-04", "num": "2"}
    assert [only_values(r.args) for r, _ in httpserver.log] == [
        filters,
        {**filters, "Page": "1"},
        {**filters, "Page": "2"},
    ]


def test_list_stops_after_the_last_page_even_if_more_pages_are_announced_empty(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(CALLS).respond_with_data(
        page_body([], Call, page=0, num_pages=5, page_size=50, total=0), content_type=XML_TYPE
    )

    assert list(hook.list_calls()) == []
    assert len(httpserver.log) == 1


def test_list_is_lazy_and_the_first_item_costs_one_request(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(CALLS).respond_with_data(
        page_body(calls(1, 2), Call, page=0, num_pages=3, page_size=2, total=6, end=1), content_type=XML_TYPE
    )

    iterator = hook.list_calls(page_size=2)
    assert len(httpserver.log) == 0, "nothing is fetched before iteration"

    first = next(iterator)

    assert first.sid == sid(1)
    assert len(httpserver.log) == 1


def test_nextpageuri_naming_another_resource_is_refused(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    httpserver.expect_request(CALLS).respond_with_data(
        page_body(calls(1), Call, page=0, num_pages=2, page_size=1, total=2,
                  next_page_uri=f"{API}/SMS/Messages?num=1&Page=1"),
        content_type=XML_TYPE,
    )  # fmt: skip

    with pytest.raises(Twilio2008ResponseError, match="nextpageuri"):
        list(hook.list_calls(page_size=1))

    assert len(httpserver.log) == 1


def test_nextpageuri_climbing_out_of_the_account_is_refused(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    other_account = "AC" + "0" * 32
    httpserver.expect_request(CALLS).respond_with_data(
        page_body(calls(1), Call, page=0, num_pages=2, page_size=1, total=2,
                  next_page_uri=f"{CALLS}/../../{other_account}/Calls?Page=1"),
        content_type=XML_TYPE,
    )  # fmt: skip

    with pytest.raises(Twilio2008ResponseError):
        list(hook.list_calls(page_size=1))

    assert len(httpserver.log) == 1


def test_nextpageuri_on_another_host_never_receives_the_credentials(
    hook: Twilio2008Hook, httpserver: HTTPServer, raw_server: StartRaw
) -> None:
    elsewhere = raw_server(answer(200, "OK", page_body([], Call)))
    httpserver.expect_request(CALLS).respond_with_data(
        page_body(calls(1), Call, page=0, num_pages=2, page_size=1, total=2,
                  next_page_uri=f"{elsewhere.url}{CALLS}?num=1&Page=1"),
        content_type=XML_TYPE,
    )  # fmt: skip

    try:
        list(hook.list_calls(page_size=1))
    except Twilio2008ResponseError:
        pass

    assert elsewhere.requests == []
    assert all(r.path == CALLS for r, _ in httpserver.log)


def test_nextpageuri_on_another_host_is_refused(
    hook: Twilio2008Hook, httpserver: HTTPServer, raw_server: StartRaw
) -> None:
    """A link to another host is a hostile or broken server: refuse it rather than guess."""
    elsewhere = raw_server(answer(200, "OK", page_body([], Call)))
    httpserver.expect_request(CALLS).respond_with_data(
        page_body(calls(1), Call, page=0, num_pages=2, page_size=1, total=2,
                  next_page_uri=f"https://evil.example.com:{elsewhere.port}{CALLS}?num=1&Page=1"),
        content_type=XML_TYPE,
    )  # fmt: skip

    with pytest.raises(Twilio2008ResponseError) as raised:
        list(hook.list_calls(page_size=1))

    assert elsewhere.requests == []
    assert len(httpserver.log) == 1, "the link was followed (to the configured host) instead of refused"
    assert "same page" not in str(raised.value)


def test_next_page_link_to_the_same_page_is_refused_instead_of_looping(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(CALLS).respond_with_data(
        page_body(calls(1), Call, page=0, num_pages=2, page_size=1, total=2, next_page_uri=f"{CALLS}?num=1"),
        content_type=XML_TYPE,
    )

    with pytest.raises(Twilio2008ResponseError, match="same page"):
        list(hook.list_calls(page_size=1))

    assert len(httpserver.log) == 1


# --- error mapping -------------------------------------------------------------------------------

ERROR_CASES = [
    (400, error_body(400, "No called number is specified", 21201, "http://www.twilio.com/docs/errors/21201"),
     Twilio2008BadRequestError, "No called number is specified"),
    (401, error_body(401, "Authenticate"), Twilio2008AuthenticationError, "Authenticate"),
    (403, error_body(403, "Forbidden: account suspended"), Twilio2008AuthenticationError,
     "Forbidden: account suspended"),
    (404, error_body(404, "The requested resource was not found"), Twilio2008NotFoundError,
     "The requested resource was not found"),
    (405, error_body(405, "Method not allowed"), Twilio2008MethodNotAllowedError, "Method not allowed"),
    (429, error_body(429, "Too many requests"), Twilio2008RateLimitedError, "Too many requests"),
    (500, error_body(500, "Internal server error"), Twilio2008ServerError, "Internal server error"),
    (503, error_body(503, "Service unavailable"), Twilio2008ServerError, "Service unavailable"),
    (502, b"<html><body><h1>502 Bad Gateway</h1></body></html>", Twilio2008ServerError, "BAD GATEWAY"),
]  # fmt: skip


@pytest.mark.parametrize(
    ("status", "body", "error", "message"), ERROR_CASES, ids=[str(case[0]) for case in ERROR_CASES]
)
def test_error_status_maps_to_its_error_class_without_the_token(
    status: int,
    body: bytes,
    error: type[Twilio2008ApiError],
    message: str,
    make_hook: HookFactory,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    hook = make_hook(extra={"retries": 0})
    content_type = "text/html" if body.startswith(b"<html") else XML_TYPE
    httpserver.expect_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        body, status=status, content_type=content_type
    )

    with pytest.raises(error) as raised:
        hook.get_call(CALL_SID)

    exc = raised.value
    assert type(exc) is error
    assert exc.status == status
    assert exc.message == message
    assert (exc.method, exc.path) == ("GET", f"{CALLS}/{CALL_SID}")
    assert message in str(exc) and str(status) in str(exc)
    if status == 400:
        assert exc.code == 21201
        assert exc.more_info == "http://www.twilio.com/docs/errors/21201"
        assert "21201" in str(exc)
    else:
        assert exc.code is None and exc.more_info is None
    assert len(httpserver.log) == 1
    out, err = capfd.readouterr()
    for text in (str(exc), repr(exc), caplog.text, out, err):
        assert AUTH_TOKEN not in text
        assert BASIC_AUTH not in text


def test_error_on_a_post_names_the_post(make_hook: HookFactory, httpserver: HTTPServer) -> None:
    hook = make_hook(extra={"retries": 0})
    httpserver.expect_request(CALLS, method="POST").respond_with_data(
        error_body(400, "Url is not a valid URL", 21205), status=400, content_type=XML_TYPE
    )

    with pytest.raises(Twilio2008BadRequestError) as raised:
        hook.make_call("4155550134", "4155550199", TWIML)

    assert (raised.value.method, raised.value.path, raised.value.code) == ("POST", CALLS, 21205)


# --- the retry policy ----------------------------------------------------------------------------


def test_get_answered_503_then_200_is_retried(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}", method="GET").respond_with_data(
        error_body(503, "Service unavailable"),
        status=503,
        headers={"Retry-After": "0"},
        content_type=XML_TYPE,
    )
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}", method="GET").respond_with_data(
        COMPLETED_CALL_XML, content_type=XML_TYPE
    )

    call = hook.get_call(CALL_SID)

    assert call.status is CallStatus.COMPLETED
    assert [response.status_code for _, response in httpserver.log] == [503, 200]


def test_get_answered_429_waits_for_retry_after(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        error_body(429, "Too many requests"), status=429, headers={"Retry-After": "1"}, content_type=XML_TYPE
    )
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        COMPLETED_CALL_XML, content_type=XML_TYPE
    )

    started = time.monotonic()
    hook.get_call(CALL_SID)
    waited = time.monotonic() - started

    assert 0.9 <= waited < 3.0
    assert [response.status_code for _, response in httpserver.log] == [429, 200]


def test_retry_after_longer_than_the_policy_accepts_is_not_waited_for(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        error_body(429, "Too many requests"),
        status=429,
        headers={"Retry-After": "3600"},
        content_type=XML_TYPE,
    )

    started = time.monotonic()
    with pytest.raises(Twilio2008RateLimitedError) as raised:
        hook.get_call(CALL_SID)

    assert time.monotonic() - started < 1
    assert raised.value.retry_after == 3600
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("retries", [0, 2])
def test_get_answered_500_every_time_gives_up_after_retries_plus_one_requests(
    retries: int, make_hook: HookFactory, httpserver: HTTPServer
) -> None:
    hook = make_hook(extra={"retries": retries})
    httpserver.expect_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        error_body(500, "Internal server error"),
        status=500,
        headers={"Retry-After": "0"},
        content_type=XML_TYPE,
    )

    with pytest.raises(Twilio2008ServerError):
        hook.get_call(CALL_SID)

    assert len(httpserver.log) == retries + 1


def test_retries_given_to_the_hook_override_the_extra(make_hook: HookFactory, httpserver: HTTPServer) -> None:
    hook = make_hook(extra={"retries": 5}, retries=1)
    httpserver.expect_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        error_body(500, "Internal server error"),
        status=500,
        headers={"Retry-After": "0"},
        content_type=XML_TYPE,
    )

    with pytest.raises(Twilio2008ServerError):
        hook.get_call(CALL_SID)

    assert len(httpserver.log) == 2


def test_get_answered_404_is_not_retried(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        error_body(404, "The requested resource was not found"), status=404, content_type=XML_TYPE
    )

    with pytest.raises(Twilio2008NotFoundError):
        hook.get_call(CALL_SID)

    assert len(httpserver.log) == 1


@pytest.mark.parametrize("status", [500, 503])
def test_make_call_answered_5xx_is_not_sent_again(
    status: int, make_hook: HookFactory, httpserver: HTTPServer
) -> None:
    hook = make_hook(extra={"retries": 3})
    httpserver.expect_request(CALLS, method="POST").respond_with_data(
        error_body(status, "Service unavailable"), status=status, headers={"Retry-After": "0"},
        content_type=XML_TYPE,
    )  # fmt: skip

    with pytest.raises(Twilio2008ServerError):
        hook.make_call("+14155550134", "+14155550199", TWIML)

    assert len(httpserver.log) == 1


def test_send_sms_answered_503_is_not_sent_again(make_hook: HookFactory, httpserver: HTTPServer) -> None:
    hook = make_hook(extra={"retries": 3})
    httpserver.expect_request(f"{API}/SMS/Messages", method="POST").respond_with_data(
        error_body(503, "Service unavailable"),
        status=503,
        headers={"Retry-After": "0"},
        content_type=XML_TYPE,
    )

    with pytest.raises(Twilio2008ServerError):
        hook.send_sms("+16505550123", "hello", from_="+14155550199")

    assert len(httpserver.log) == 1


def test_make_call_answered_429_is_retried_because_nothing_was_done(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_ordered_request(CALLS, method="POST").respond_with_data(
        error_body(429, "Too many requests"), status=429, headers={"Retry-After": "0"}, content_type=XML_TYPE
    )
    httpserver.expect_ordered_request(CALLS, method="POST").respond_with_data(
        QUEUED_CALL_XML, status=201, content_type=XML_TYPE
    )

    call = hook.make_call("+14155550134", "+14155550199", TWIML)

    assert call.status is CallStatus.QUEUED
    assert [response.status_code for _, response in httpserver.log] == [429, 201]
    first, second = (only_values(request.form) for request, _ in httpserver.log)
    assert first == second == {"Caller": "4155550199", "Called": "4155550134", "Url": TWIML, "Method": "POST"}


def test_make_call_whose_answer_is_lost_is_not_sent_again(
    make_hook: HookFactory, raw_server: StartRaw
) -> None:
    server = raw_server(drop, answer(201, "CREATED", QUEUED_CALL_XML))
    hook = make_hook(host=server.url, extra={"retries": 3})

    with pytest.raises(Twilio2008OutcomeUnknownError) as raised:
        hook.make_call("+14155550134", "+14155550199", TWIML)

    assert server.request_lines() == [f"POST {CALLS} HTTP/1.1"]
    assert b"Called=4155550134" in server.requests[0]
    assert (raised.value.method, raised.value.path) == ("POST", CALLS)
    assert "not re-sent" in str(raised.value)
    assert AUTH_TOKEN not in str(raised.value)


def test_make_call_that_times_out_is_not_sent_again(make_hook: HookFactory, raw_server: StartRaw) -> None:
    server = raw_server(hold)
    hook = make_hook(host=server.url, extra={"retries": 3, "timeout": 0.3})

    with pytest.raises(Twilio2008OutcomeUnknownError):
        hook.make_call("+14155550134", "+14155550199", TWIML)

    assert server.request_lines() == [f"POST {CALLS} HTTP/1.1"]


def test_get_whose_answer_is_lost_is_retried(make_hook: HookFactory, raw_server: StartRaw) -> None:
    server = raw_server(drop, answer(200, "OK", COMPLETED_CALL_XML))
    hook = make_hook(host=server.url, extra={"retries": 1})

    call = hook.get_call(CALL_SID)

    assert call.sid == CALL_SID
    assert server.request_lines() == [f"GET {CALLS}/{CALL_SID} HTTP/1.1"] * 2


def test_get_whose_answer_is_always_lost_ends_in_a_transport_error(
    make_hook: HookFactory, raw_server: StartRaw
) -> None:
    server = raw_server(drop)
    hook = make_hook(host=server.url, extra={"retries": 1})

    with pytest.raises(Twilio2008TransportError) as raised:
        hook.get_call(CALL_SID)

    assert type(raised.value) is Twilio2008TransportError, "a GET outcome is never 'unknown'"
    assert len(server.requests) == 2


def test_refused_connection_is_retried_for_a_post_then_reported(
    make_hook: HookFactory, capfd: pytest.CaptureFixture[str], caplog: pytest.LogCaptureFixture
) -> None:
    """A refused connection never reached Twilio, so even a create may be tried again."""
    caplog.set_level(logging.DEBUG)
    hook = make_hook(host=f"http://127.0.0.1:{closed_port()}", extra={"retries": 1})

    with pytest.raises(Twilio2008TransportError) as raised:
        hook.make_call("+14155550134", "+14155550199", TWIML)

    assert not isinstance(raised.value, Twilio2008OutcomeUnknownError)
    out, err = capfd.readouterr()
    logged = out + err + caplog.text
    assert f"POST {CALLS}" in logged and "retry 1 of 1" in logged
    assert AUTH_TOKEN not in logged and AUTH_TOKEN not in str(raised.value)


def test_get_with_a_truncated_xml_body_is_fetched_again(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        COMPLETED_CALL_XML[:-60], content_type=XML_TYPE
    )
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        COMPLETED_CALL_XML, content_type=XML_TYPE
    )

    call = hook.get_call(CALL_SID)

    assert call.duration == 162
    assert len(httpserver.log) == 2


def test_list_page_with_a_truncated_body_is_fetched_again(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    body = page_body(calls(1, 2), Call)
    httpserver.expect_ordered_request(CALLS).respond_with_data(body[: len(body) // 2], content_type=XML_TYPE)
    httpserver.expect_ordered_request(CALLS).respond_with_data(body, content_type=XML_TYPE)

    assert [call.sid for call in hook.list_calls()] == [sid(1), sid(2)]
    assert [only_values(r.args) for r, _ in httpserver.log] == [{"num": "50"}, {"num": "50"}]


def test_post_with_a_truncated_xml_body_is_not_sent_again(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(CALLS, method="POST").respond_with_data(
        QUEUED_CALL_XML[:-60], status=201, content_type=XML_TYPE
    )

    with pytest.raises(Twilio2008ResponseError):
        hook.make_call("+14155550134", "+14155550199", TWIML)

    assert len(httpserver.log) == 1


def test_delete_whose_answer_was_lost_then_404_counts_as_deleted(
    make_hook: HookFactory, raw_server: StartRaw
) -> None:
    server = raw_server(
        drop, answer(404, "NOT FOUND", error_body(404, "The requested resource was not found"))
    )
    hook = make_hook(host=server.url, extra={"retries": 1})

    assert hook.delete_recording(RECORDING_SID) is None

    assert server.request_lines() == [f"DELETE {API}/Recordings/{RECORDING_SID} HTTP/1.1"] * 2


def test_delete_answered_404_at_once_is_not_found(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    httpserver.expect_request(f"{API}/Recordings/{RECORDING_SID}", method="DELETE").respond_with_data(
        error_body(404, "The requested resource was not found"), status=404, content_type=XML_TYPE
    )

    with pytest.raises(Twilio2008NotFoundError):
        hook.delete_recording(RECORDING_SID)

    assert len(httpserver.log) == 1


def test_delete_answered_503_then_204_is_retried(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    path = f"{API}/Recordings/{RECORDING_SID}"
    httpserver.expect_ordered_request(path, method="DELETE").respond_with_data(
        b"", status=503, headers={"Retry-After": "0"}
    )
    httpserver.expect_ordered_request(path, method="DELETE").respond_with_data(b"", status=204)

    hook.delete_recording(RECORDING_SID)

    assert [response.status_code for _, response in httpserver.log] == [503, 204]


def test_get_answered_with_a_redirect_is_not_taken_for_a_record(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        b"", status=302, headers={"Location": "https://elsewhere.example.com/"}
    )

    with pytest.raises(Twilio2008ApiError) as caught:
        hook.get_call(CALL_SID)
    assert caught.value.status == 302


def test_each_retry_is_a_fresh_request_with_the_same_credentials(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        b"", status=502, headers={"Retry-After": "0"}
    )
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        render_record(sample_call()), content_type=XML_TYPE
    )

    hook.get_call(CALL_SID)

    assert [r.headers["Authorization"] for r, _ in httpserver.log] == [BASIC_AUTH, BASIC_AUTH]


def test_get_whose_body_is_cut_short_on_the_wire_is_retried(
    make_hook: HookFactory, raw_server: StartRaw
) -> None:
    server = raw_server(
        answer_cut_short(COMPLETED_CALL_XML[:100], announced=len(COMPLETED_CALL_XML), content_type=XML_TYPE),
        answer(200, "OK", COMPLETED_CALL_XML),
    )
    hook = make_hook(host=server.url, extra={"retries": 1})

    assert hook.get_call(CALL_SID).duration == 162
    assert len(server.requests) == 2


def test_make_call_whose_body_is_cut_short_on_the_wire_is_an_unknown_outcome(
    make_hook: HookFactory, raw_server: StartRaw
) -> None:
    server = raw_server(
        answer_cut_short(QUEUED_CALL_XML[:100], announced=len(QUEUED_CALL_XML), content_type=XML_TYPE),
        answer(201, "CREATED", QUEUED_CALL_XML),
    )
    hook = make_hook(host=server.url, extra={"retries": 3})

    with pytest.raises(Twilio2008OutcomeUnknownError):
        hook.make_call("+14155550134", "+14155550199", TWIML)

    assert len(server.requests) == 1


def test_get_answered_503_with_a_non_ascii_retry_after_is_retried_not_a_crash(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        error_body(503, "busy"), status=503, headers={"Retry-After": "²"}, content_type=XML_TYPE
    )
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        COMPLETED_CALL_XML, content_type=XML_TYPE
    )

    assert hook.get_call(CALL_SID).status is CallStatus.COMPLETED
    assert [response.status_code for _, response in httpserver.log] == [503, 200]


def test_html_page_answered_with_200_names_its_content_type(
    make_hook: HookFactory, httpserver: HTTPServer
) -> None:
    hook = make_hook(extra={"retries": 0})
    httpserver.expect_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        PROXY_PAGE, content_type="text/html; charset=utf-8"
    )

    with pytest.raises(Twilio2008ResponseError) as raised:
        hook.get_call(CALL_SID)

    assert "text/html" in str(raised.value) and "HTTP 200" in str(raised.value)
    assert raised.value.path == f"{CALLS}/{CALL_SID}"


def test_create_answered_2xx_with_an_unreadable_body_says_it_may_have_taken_effect(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    # The server said 201: the call was very likely placed. An error that reads like "bad
    # response" invites a retry of the task, which would place a second call.
    httpserver.expect_request(CALLS, method="POST").respond_with_data(
        PROXY_PAGE, status=201, content_type="text/html"
    )

    with pytest.raises(Twilio2008ResponseError) as raised:
        hook.make_call("+14155550134", "+14155550199", TWIML)

    message = str(raised.value)
    assert "HTTP 201" in message and "not re-sent" in message and "took effect" in message
    assert len(httpserver.log) == 1


def test_errors_raised_by_the_hook_survive_pickling(make_hook: HookFactory) -> None:
    hook = make_hook(host=f"http://127.0.0.1:{closed_port()}", extra={"retries": 0})
    caught: list[Twilio2008Error] = []
    for action in (lambda: hook.get_call(CALL_SID), lambda: hook.get_call("CA../../x")):
        try:
            action()
        except Twilio2008Error as exc:
            caught.append(exc)

    assert [type(e) for e in caught] == [Twilio2008TransportError, Twilio2008ValidationError]
    for error in caught:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error) and vars(copy) == vars(error)


def test_post_answered_with_an_unreadable_body_is_still_the_same_error_type(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(CALLS, method="POST").respond_with_data(
        QUEUED_CALL_XML[:-60], status=201, content_type=XML_TYPE
    )

    with pytest.raises(Twilio2008ResponseError) as raised:
        hook.make_call("+14155550134", "+14155550199", TWIML)

    assert raised.value.malformed and raised.value.method == "POST"


def test_endless_body_is_cut_off_at_the_size_cap_not_downloaded_whole(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    from werkzeug import Response

    sent = {"bytes": 0}

    def endless(_request: object) -> Response:
        def chunks() -> Iterator[bytes]:
            block = b"<x>" + b"a" * 65_530 + b"</x>"
            while sent["bytes"] < 64 * 1024 * 1024:
                sent["bytes"] += len(block)
                yield block

        return Response(chunks(), status=200, content_type=XML_TYPE)

    httpserver.expect_request(f"{CALLS}/{CALL_SID}").respond_with_handler(endless)

    with pytest.raises(Twilio2008ResponseError, match="exceeds the 16777216-byte limit"):
        hook.get_call(CALL_SID)
    assert sent["bytes"] < 40 * 1024 * 1024
