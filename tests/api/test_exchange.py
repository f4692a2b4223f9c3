"""The answer-handling policy, sans-IO: each flow driven by hand with scripted answers and failures.

No network: a test plays the transport, answering every :class:`Send` the flow yields with the
next scripted :class:`Answer` or :class:`Failure`, and checks the steps the flow asked for (how
many sends, which sleeps of how long) and what it returned or raised.
"""

from __future__ import annotations

import base64
import errno
import gzip
import logging
import socket
import ssl
import zlib
from dataclasses import dataclass, field
from typing import Any

import pytest
from hooks.fakes import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CALL_SID,
    RECORDING_SID,
    TRANSCRIPTION_SID,
    XML_TYPE,
    error_body,
    page_body,
    render_sms,
    sample_call,
)

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api import xml
from airflow_provider_twilio2008.api.errors import (
    REDACTED,
    SecretRedactor,
    Twilio2008ApiError,
    Twilio2008AuthenticationError,
    Twilio2008BadRequestError,
    Twilio2008Error,
    Twilio2008NotFoundError,
    Twilio2008OutcomeUnknownError,
    Twilio2008RateLimitedError,
    Twilio2008ResponseError,
    Twilio2008ServerError,
    Twilio2008TransportError,
    redact_library_logs,
)
from airflow_provider_twilio2008.api.exchange import (
    BODY_CUT_SHORT,
    BODY_STALLED,
    CANNOT_CONNECT,
    CLOSED_UNANSWERED,
    CONNECT_TIMEOUT,
    DEADLINE_FACTOR,
    MAX_MEDIA_BYTES,
    MIN_DOWNLOAD_RATE,
    NO_ANSWER_IN_TIME,
    Answer,
    BodyBuffer,
    BodyDecoder,
    BodyRefused,
    Deadline,
    Failure,
    Flow,
    Note,
    Send,
    Sleep,
    deadline_failure,
    exchange,
    failure,
    keeps_connection,
    needs_fresh_connection,
    no_content_flow,
    page_flow,
    record_flow,
    text_flow,
)
from airflow_provider_twilio2008.api.operations import ApiRequest, Pager
from airflow_provider_twilio2008.api.records import Call, SmsMessage
from airflow_provider_twilio2008.api.retry import CONNECT_FAILURE, LOST_ANSWER, RetryPolicy

POLICY = RetryPolicy(retries=3, backoff=0.5, max_backoff=30.0, max_retry_after=120.0)
BASE_URL = "https://api.twilio.com"
TWIML = "https://app.example.com/twiml/start"
GET_CALL = ops.get_call(ACCOUNT_SID, CALL_SID)
MAKE_CALL = ops.make_call(ACCOUNT_SID, to="4155550134", from_="4155550199", url=TWIML)
SEND_SMS = ops.send_sms(ACCOUNT_SID, to="6505550123", body="Build 1842 deployed", from_="4155550199")
DELETE_RECORDING = ops.delete_recording(ACCOUNT_SID, RECORDING_SID)
LIST_CALLS = ops.list_calls(ACCOUNT_SID, page_size=2)
TRANSCRIPT = ops.transcription_text(ACCOUNT_SID, TRANSCRIPTION_SID)
CALL_BODY = xml.render_record(sample_call())
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"

Reply = Answer | Failure


# --- driving a flow by hand ----------------------------------------------------------------------


@dataclass
class Run:
    """What a flow did: every step it yielded, then its result or the error it raised."""

    steps: list[Send | Sleep | Note] = field(default_factory=list)
    result: Any = None
    error: Twilio2008Error | None = None

    @property
    def sends(self) -> int:
        """Return how many requests the flow asked to send."""
        return sum(isinstance(step, Send) for step in self.steps)

    @property
    def sleeps(self) -> list[float]:
        """Return the seconds of every wait the flow asked for, in order."""
        return [step.seconds for step in self.steps if isinstance(step, Sleep)]

    @property
    def notes(self) -> list[str]:
        """Return the messages of every info note the flow yielded."""
        return [step.message for step in self.steps if isinstance(step, Note)]

    @property
    def kinds(self) -> list[str]:
        """Return the step types in order (``["Send", "Sleep", "Send"]``)."""
        return [type(step).__name__ for step in self.steps]


def drive(flow: Flow[Any], *replies: Reply) -> Run:
    """Play the transport: answer each Send with the next scripted reply; every reply must be used."""
    script = list(replies)
    run = Run()
    reply: Reply | None = None
    try:
        while True:
            step = flow.send(reply)
            run.steps.append(step)
            reply = None
            if isinstance(step, Send):
                assert script, f"the flow sent more requests than the {len(replies)} scripted: {run.kinds}"
                reply = script.pop(0)
            else:
                assert isinstance(step, Sleep | Note), f"unexpected step {step!r}"
    except StopIteration as stop:
        run.result = stop.value
    except Twilio2008Error as exc:
        run.error = exc
    assert not script, f"{len(script)} scripted replies were never asked for: {run.kinds}"
    return run


def ok(body: bytes, status: int = 200, content_type: str = XML_TYPE) -> Answer:
    """Return a successful answer carrying ``body``."""
    return Answer(status, {"content-type": content_type}, body, "OK")


def status(code: int, reason: str, body: bytes = b"", **headers: str) -> Answer:
    """Return an answer with status ``code``; ``retry_after="3"`` becomes the ``retry-after`` header."""
    lowered = {name.replace("_", "-"): value for name, value in headers.items()}
    return Answer(code, {"content-type": XML_TYPE, **lowered}, body, reason)


LOST = Failure(LOST_ANSWER, "connection lost: the server closed the connection without answering")
REFUSED = Failure(CONNECT_FAILURE, "connection failed: Connection refused")


def expect_error(run: Run, cls: type[Twilio2008Error], phrase: str) -> Twilio2008Error:
    """Assert the flow raised exactly ``cls`` with ``phrase`` in its message; return the error."""
    assert run.error is not None, f"expected {cls.__name__}, the flow returned {run.result!r}"
    assert type(run.error) is cls, f"expected {cls.__name__}, got {type(run.error).__name__}: {run.error}"
    assert phrase in str(run.error), str(run.error)
    return run.error


# --- the protocol, step by step --------------------------------------------------------------


def test_a_flow_first_asks_to_send_the_request_then_returns_the_2xx_answer() -> None:
    flow = exchange(GET_CALL, POLICY)

    first = next(flow)
    assert first == Send(GET_CALL, stream=False)
    with pytest.raises(StopIteration) as stop:
        flow.send(ok(CALL_BODY))
    assert stop.value.value.body == CALL_BODY


def test_a_streamed_exchange_asks_the_driver_to_leave_the_body_unread() -> None:
    flow = exchange(ops.recording_media(ACCOUNT_SID, RECORDING_SID), POLICY, stream=True)

    assert next(flow).stream is True


def test_the_sleep_step_says_what_failed_and_which_retry_comes() -> None:
    flow = exchange(GET_CALL, POLICY)
    next(flow)

    step = flow.send(status(503, "Service Unavailable"))

    assert step == Sleep(0.5, f"GET {GET_CALL.path}: HTTP 503; retry 1 of 3 in 0.5 s")
    assert flow.send(None) == Send(GET_CALL, fresh=True), (
        "a retry after an error answer uses a new connection"
    )


def test_the_sleep_step_after_a_failure_names_the_failure_not_its_details() -> None:
    flow = exchange(GET_CALL, POLICY)
    next(flow)

    step = flow.send(LOST)

    assert isinstance(step, Sleep)
    assert step.message == f"GET {GET_CALL.path}: connection lost; retry 1 of 3 in 0.5 s"


# --- 2xx, 3xx --------------------------------------------------------------------------------


def test_a_record_is_parsed_from_a_2xx_answer_sent_once() -> None:
    run = drive(record_flow(GET_CALL, POLICY), ok(CALL_BODY))

    assert run.result == sample_call()
    assert run.kinds == ["Send"]


def test_a_201_to_a_post_is_the_created_record() -> None:
    run = drive(record_flow(SEND_SMS, POLICY), ok(render_sms(), status=201))

    assert isinstance(run.result, SmsMessage) and run.kinds == ["Send"]


def test_a_redirect_is_raised_with_its_location_and_never_followed() -> None:
    run = drive(
        record_flow(GET_CALL, POLICY), status(302, "Found", location="https://elsewhere.example.com/x")
    )

    error = expect_error(run, Twilio2008ApiError, "unexpected redirect to https://elsewhere.example.com/x")
    assert "redirects are not followed" in str(error) and error.status == 302
    assert run.sends == 1 and run.sleeps == []


def test_a_redirect_without_location_says_nowhere() -> None:
    run = drive(no_content_flow(DELETE_RECORDING, POLICY), status(301, "Moved Permanently"))

    expect_error(run, Twilio2008ApiError, "unexpected redirect to nowhere")


def test_a_redirect_to_a_post_is_not_re_sent() -> None:
    run = drive(record_flow(MAKE_CALL, POLICY), status(307, "Temporary Redirect", location="/elsewhere"))

    expect_error(run, Twilio2008ApiError, "unexpected redirect to /elsewhere")
    assert run.sends == 1


# --- retries, backoff, Retry-After -----------------------------------------------------------


def test_a_get_answered_503_is_retried_with_exponential_backoff() -> None:
    busy = status(503, "Service Unavailable")

    run = drive(record_flow(GET_CALL, POLICY), busy, busy, busy, ok(CALL_BODY))

    assert run.result == sample_call()
    assert run.sleeps == [0.5, 1.0, 2.0]
    assert run.kinds == ["Send", "Sleep"] * 3 + ["Send"]


def test_backoff_stops_growing_at_max_backoff() -> None:
    policy = RetryPolicy(retries=4, backoff=10.0, max_backoff=15.0)
    busy = status(502, "Bad Gateway")

    run = drive(record_flow(GET_CALL, policy), busy, busy, busy, busy, ok(CALL_BODY))

    assert run.sleeps == [10.0, 15.0, 15.0, 15.0]


def test_a_get_that_stays_503_raises_the_server_error_after_the_last_retry() -> None:
    busy = status(503, "Service Unavailable", error_body(503, "Twilio is down for maintenance"))

    run = drive(record_flow(GET_CALL, POLICY), busy, busy, busy, busy)

    expect_error(run, Twilio2008ServerError, "(HTTP 503): Twilio is down for maintenance")
    assert run.sends == 4 and run.sleeps == [0.5, 1.0, 2.0]


def test_an_html_502_page_is_reported_with_the_reason_phrase() -> None:
    page = Answer(502, {"content-type": "text/html"}, HTML_502, "Bad Gateway")

    run = drive(record_flow(GET_CALL, RetryPolicy(retries=1)), page, page)

    error = expect_error(run, Twilio2008ServerError, "(HTTP 502): Bad Gateway")
    assert "<html>" not in str(error)


def test_retry_after_is_honoured_instead_of_the_backoff() -> None:
    run = drive(
        record_flow(GET_CALL, POLICY),
        status(503, "Service Unavailable", retry_after="7"),
        status(429, "Too Many Requests", retry_after="0"),
        ok(CALL_BODY),
    )

    assert run.sleeps == [7.0, 0.0]
    assert run.result == sample_call()


def test_retry_after_as_an_http_date_in_the_past_means_no_wait() -> None:
    run = drive(
        record_flow(GET_CALL, POLICY),
        status(503, "Service Unavailable", retry_after="Wed, 21 Oct 2015 07:28:00 GMT"),
        ok(CALL_BODY),
    )

    assert run.sleeps == [0.0]


def test_retry_after_above_max_retry_after_is_not_waited_for() -> None:
    run = drive(
        record_flow(GET_CALL, POLICY),
        status(429, "Too Many Requests", error_body(429, "Too many requests"), retry_after="600"),
    )

    error = expect_error(run, Twilio2008RateLimitedError, "Too many requests")
    assert isinstance(error, Twilio2008RateLimitedError) and error.retry_after == 600.0
    assert run.sends == 1 and run.sleeps == []


def test_retry_after_at_max_retry_after_is_waited_for() -> None:
    policy = RetryPolicy(retries=1, max_retry_after=30.0)

    run = drive(
        record_flow(GET_CALL, policy), status(503, "Service Unavailable", retry_after="30"), ok(CALL_BODY)
    )

    assert run.sleeps == [30.0]


def test_the_last_retry_after_is_kept_on_the_error() -> None:
    busy = status(503, "Service Unavailable", retry_after="4")

    run = drive(record_flow(GET_CALL, RetryPolicy(retries=1)), busy, busy)

    error = expect_error(run, Twilio2008ServerError, "HTTP 503")
    assert isinstance(error, Twilio2008ServerError) and error.retry_after == 4.0
    assert run.sleeps == [4.0]


@pytest.mark.parametrize(
    ("answer", "cls"),
    [
        (status(400, "Bad Request", error_body(400, "Called is invalid", 13223)), Twilio2008BadRequestError),
        (status(401, "Unauthorized", error_body(401, "Authenticate")), Twilio2008AuthenticationError),
        (status(404, "Not Found", error_body(404, "No such call")), Twilio2008NotFoundError),
        (status(501, "Not Implemented"), Twilio2008ServerError),
    ],
    ids=["400", "401", "404", "501"],
)
def test_statuses_that_are_not_retryable_are_raised_at_once(
    answer: Answer, cls: type[Twilio2008ApiError]
) -> None:
    run = drive(record_flow(GET_CALL, POLICY), answer)

    expect_error(run, cls, f"HTTP {answer.status}")
    assert run.sends == 1


def test_retries_zero_sends_once() -> None:
    run = drive(record_flow(GET_CALL, RetryPolicy(retries=0)), status(503, "Service Unavailable"))

    expect_error(run, Twilio2008ServerError, "HTTP 503")
    assert run.sends == 1


# --- POST: retried only when it certainly did nothing ----------------------------------------


def test_a_post_answered_429_is_retried() -> None:
    run = drive(
        record_flow(SEND_SMS, POLICY),
        status(429, "Too Many Requests", retry_after="2"),
        ok(render_sms(), status=201),
    )

    assert isinstance(run.result, SmsMessage)
    assert run.sends == 2 and run.sleeps == [2.0]


@pytest.mark.parametrize("code", [500, 502, 503, 504])
def test_a_post_answered_5xx_is_sent_exactly_once(code: int) -> None:
    run = drive(
        record_flow(MAKE_CALL, POLICY),
        status(code, "Server Error", error_body(code, "Internal failure"), retry_after="1"),
    )

    expect_error(run, Twilio2008ServerError, f"POST {MAKE_CALL.path} failed (HTTP {code}): Internal failure")
    assert run.sends == 1 and run.sleeps == []


def test_a_post_whose_connection_was_refused_is_retried() -> None:
    run = drive(record_flow(MAKE_CALL, POLICY), REFUSED, REFUSED, ok(CALL_BODY, status=201))

    assert run.result == sample_call()
    assert run.sends == 3 and run.sleeps == [0.5, 1.0]


def test_a_post_refused_every_time_is_a_transport_error_not_an_unknown_outcome() -> None:
    run = drive(record_flow(MAKE_CALL, RetryPolicy(retries=1)), REFUSED, REFUSED)

    expect_error(
        run, Twilio2008TransportError, f"POST {MAKE_CALL.path}: connection failed: Connection refused"
    )
    assert run.sends == 2


def test_a_post_whose_answer_was_lost_is_an_unknown_outcome_and_not_re_sent() -> None:
    run = drive(record_flow(MAKE_CALL, POLICY), LOST)

    error = expect_error(run, Twilio2008OutcomeUnknownError, "the request was sent but no answer came back")
    assert str(error).startswith(f"POST {MAKE_CALL.path}: connection lost: the request was sent")
    assert "not re-sent" in str(error)
    assert run.sends == 1 and run.sleeps == []


def test_a_post_refused_then_lost_is_an_unknown_outcome() -> None:
    run = drive(record_flow(SEND_SMS, POLICY), REFUSED, LOST)

    expect_error(run, Twilio2008OutcomeUnknownError, "check whether it took effect")
    assert run.sends == 2 and run.sleeps == [0.5]


def test_a_get_whose_answer_was_lost_is_retried() -> None:
    run = drive(record_flow(GET_CALL, POLICY), LOST, LOST, ok(CALL_BODY))

    assert run.result == sample_call()
    assert run.sleeps == [0.5, 1.0]


def test_a_get_whose_answer_is_always_lost_is_a_plain_transport_error() -> None:
    run = drive(record_flow(GET_CALL, RetryPolicy(retries=2)), LOST, LOST, LOST)

    error = expect_error(run, Twilio2008TransportError, "the server closed the connection without answering")
    assert str(error) == f"GET {GET_CALL.path}: {LOST.detail}"
    assert run.sends == 3


# --- DELETE: a 404 after a lost answer is done -----------------------------------------------


def test_a_delete_answered_404_after_a_lost_answer_counts_as_done() -> None:
    run = drive(
        no_content_flow(DELETE_RECORDING, POLICY),
        LOST,
        status(404, "Not Found", error_body(404, "The requested resource was not found")),
    )

    assert run.error is None and run.result is None
    assert run.kinds == ["Send", "Sleep", "Send", "Note"]
    assert run.notes == [
        f"DELETE {DELETE_RECORDING.path}: gone after a lost answer; the first attempt deleted it"
    ]


def test_a_delete_answered_404_at_once_is_not_found() -> None:
    run = drive(no_content_flow(DELETE_RECORDING, POLICY), status(404, "Not Found", error_body(404, "Gone")))

    expect_error(run, Twilio2008NotFoundError, "HTTP 404")


def test_a_delete_answered_404_after_a_refused_connection_is_not_found() -> None:
    """A refused connection never reached the server, so it cannot have deleted anything."""
    run = drive(no_content_flow(DELETE_RECORDING, POLICY), REFUSED, status(404, "Not Found"))

    expect_error(run, Twilio2008NotFoundError, "HTTP 404")
    assert run.sends == 2


def test_a_delete_answered_404_after_a_lost_answer_and_a_503_still_counts_as_done() -> None:
    run = drive(
        no_content_flow(DELETE_RECORDING, POLICY), LOST, status(503, "Service Unavailable"), status(404, "NF")
    )

    assert run.error is None and run.sleeps == [0.5, 1.0]


def test_a_get_answered_404_after_a_lost_answer_is_still_not_found() -> None:
    run = drive(record_flow(GET_CALL, POLICY), LOST, status(404, "Not Found"))

    expect_error(run, Twilio2008NotFoundError, "HTTP 404")


def test_a_delete_answered_204_returns_none() -> None:
    run = drive(no_content_flow(DELETE_RECORDING, POLICY), Answer(204, {}, b"", "No Content"))

    assert run.error is None and run.result is None and run.kinds == ["Send"]


# --- unreadable 2xx bodies -------------------------------------------------------------------


def test_a_get_whose_2xx_body_is_cut_short_is_fetched_again() -> None:
    run = drive(record_flow(GET_CALL, POLICY), ok(CALL_BODY[:-60]), ok(CALL_BODY))

    assert run.result == sample_call()
    assert run.kinds == ["Send", "Sleep", "Send"] and run.sleeps == [0.5]
    assert "malformed body" in run.steps[1].message  # type: ignore[union-attr]


def test_a_get_whose_2xx_body_stays_unreadable_names_status_and_content_type() -> None:
    page = Answer(200, {"content-type": "text/html"}, b"<html><body>Sign in", "OK")

    run = drive(record_flow(GET_CALL, RetryPolicy(retries=2)), page, page, page)

    error = expect_error(run, Twilio2008ResponseError, "[HTTP 200, text/html]")
    assert isinstance(error, Twilio2008ResponseError) and error.malformed
    assert "may have taken effect" not in str(error)
    assert run.sleeps == [0.5, 1.0]


def test_a_well_formed_but_wrong_document_is_not_fetched_again() -> None:
    run = drive(record_flow(GET_CALL, POLICY), ok(b"<Other/>"))

    expect_error(run, Twilio2008ResponseError, "expected <TwilioResponse>, got <Other>")
    assert run.sends == 1


def test_a_post_answered_200_with_garbage_may_have_taken_effect_and_is_not_re_sent() -> None:
    run = drive(record_flow(MAKE_CALL, POLICY), ok(b"\x00garbage", content_type="text/plain"))

    error = expect_error(run, Twilio2008ResponseError, "may have taken effect")
    assert "[HTTP 200, text/plain]" in str(error) and "it was not re-sent" in str(error)
    assert run.sends == 1 and run.sleeps == []


def test_an_unreadable_answer_without_content_type_says_so() -> None:
    run = drive(record_flow(SEND_SMS, POLICY), Answer(201, {}, b"{", "Created"))

    expect_error(run, Twilio2008ResponseError, "[HTTP 201, no Content-Type]")


# --- text ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("content_type", "body", "text"),
    [
        ("text/plain; charset=ISO-8859-1", "Café crème".encode("latin-1"), "Café crème"),
        ('text/plain; charset="utf-16"', "Café".encode("utf-16"), "Café"),
        ("text/plain;CHARSET=windows-1252", b"\x93quoted\x94", "\u201cquoted\u201d"),
        ("text/plain", "Café".encode(), "Café"),
        ("", "Café".encode(), "Café"),
        ("text/plain; charset=x-no-such-charset", "Café".encode(), "Café"),
        ("text/plain; charset=", "Café".encode(), "Café"),
        ("text/plain; charset=utf-8", b"caf\xe9", "caf\ufffd"),
    ],
    ids=["latin-1", "quoted-utf-16", "upper-case-name", "none", "no-type", "unknown", "empty", "invalid"],
)
def test_text_is_decoded_by_its_charset(content_type: str, body: bytes, text: str) -> None:
    headers = {"content-type": content_type} if content_type else {}

    run = drive(text_flow(TRANSCRIPT, POLICY), Answer(200, headers, body, "OK"))

    assert run.result == text


def test_text_flow_retries_like_any_get() -> None:
    run = drive(text_flow(TRANSCRIPT, POLICY), LOST, ok(b"Hello", content_type="text/plain"))

    assert run.result == "Hello" and run.sleeps == [0.5]


# --- paging ----------------------------------------------------------------------------------


def sid(n: int) -> str:
    """Return a well-formed Call SID numbered ``n``."""
    return f"CA{n:032x}"


def calls_page(numbers: list[int], page: int, num_pages: int, **uris: Any) -> bytes:
    """Return a page of calls ``numbers`` (two per page) with the given paging attributes."""
    items = [sample_call(sid(n)) for n in numbers]
    return page_body(items, Call, page=page, num_pages=num_pages, page_size=2, total=2 * num_pages, **uris)


def walk(pager: Pager, *bodies: bytes) -> tuple[list[str], list[ApiRequest]]:
    """Fetch pages through ``page_flow`` with the scripted bodies; return the SIDs and the requests."""
    sids: list[str] = []
    sent: list[ApiRequest] = []
    for body in bodies:
        assert pager.current is not None, "the pager stopped before the scripted pages ran out"
        sent.append(pager.current)
        run = drive(page_flow(pager.current, POLICY), ok(body))
        assert run.error is None, run.error
        sids.extend(call.sid for call in run.result)
        pager.advance(run.result)
    return sids, sent


def test_pager_follows_page_numbers_then_stops_on_the_last_page() -> None:
    pager = Pager(LIST_CALLS, base_url=BASE_URL)

    sids, sent = walk(pager, calls_page([1, 2], 0, 2), calls_page([3], 1, 2))

    assert sids == [sid(1), sid(2), sid(3)]
    assert [request.query for request in sent] == [(("num", "2"),), (("num", "2"), ("Page", "1"))]
    assert pager.current is None


def test_pager_follows_relative_and_same_host_absolute_nextpageuris() -> None:
    path = LIST_CALLS.path
    pager = Pager(LIST_CALLS, base_url=BASE_URL)

    sids, sent = walk(
        pager,
        calls_page([1, 2], 0, 3, next_page_uri=f"{path}?num=2&Page=1"),
        calls_page([3, 4], 1, 3, next_page_uri=f"{BASE_URL}{path}.xml?num=2&Page=2"),
        calls_page([5], 2, 3, next_page_uri=""),
    )

    assert sids == [sid(n) for n in range(1, 6)]
    assert [request.target for request in sent] == [
        f"{path}?num=2",
        f"{path}?num=2&Page=1",
        f"{path}?num=2&Page=2",
    ]
    assert pager.current is None


def test_pager_refuses_a_nextpageuri_on_another_host() -> None:
    pager = Pager(LIST_CALLS, base_url=BASE_URL)
    evil = f"https://evil.example.com{LIST_CALLS.path}?num=2&Page=1"
    run = drive(page_flow(LIST_CALLS, POLICY), ok(calls_page([1, 2], 0, 2, next_page_uri=evil)))

    with pytest.raises(Twilio2008ResponseError, match="points at another server"):
        pager.advance(run.result)


def test_pager_refuses_the_same_host_over_another_scheme() -> None:
    pager = Pager(LIST_CALLS, base_url=BASE_URL)
    downgraded = f"http://api.twilio.com{LIST_CALLS.path}?num=2&Page=1"
    run = drive(page_flow(LIST_CALLS, POLICY), ok(calls_page([1, 2], 0, 2, next_page_uri=downgraded)))

    with pytest.raises(Twilio2008ResponseError, match="points at another server"):
        pager.advance(run.result)


def test_pager_refuses_links_that_loop_back_to_a_page_already_fetched() -> None:
    path = LIST_CALLS.path
    pager = Pager(LIST_CALLS, base_url=BASE_URL)
    walk(pager, calls_page([1, 2], 0, 3, next_page_uri=f"{path}?num=2&Page=1"))
    run = drive(
        page_flow(pager.current, POLICY),  # type: ignore[arg-type]
        ok(calls_page([3, 4], 1, 3, next_page_uri=f"{path}?num=2")),
    )

    with pytest.raises(Twilio2008ResponseError, match="the page links loop back to"):
        pager.advance(run.result)


def test_pager_refuses_a_link_to_the_page_just_read() -> None:
    path = LIST_CALLS.path
    pager = Pager(LIST_CALLS, base_url=BASE_URL)
    run = drive(page_flow(LIST_CALLS, POLICY), ok(calls_page([1, 2], 0, 3, next_page_uri=f"{path}?num=2")))

    with pytest.raises(Twilio2008ResponseError, match="points at the same page"):
        pager.advance(run.result)


def test_pager_refuses_a_link_to_another_resource() -> None:
    pager = Pager(LIST_CALLS, base_url=BASE_URL)
    other = f"/2008-08-01/Accounts/{ACCOUNT_SID}/SMS/Messages?num=2&Page=1"
    run = drive(page_flow(LIST_CALLS, POLICY), ok(calls_page([1, 2], 0, 2, next_page_uri=other)))

    with pytest.raises(Twilio2008ResponseError, match="does not name the listed resource"):
        pager.advance(run.result)


def test_an_empty_page_ends_the_list_even_if_more_pages_are_announced() -> None:
    pager = Pager(LIST_CALLS, base_url=BASE_URL)

    sids, _ = walk(pager, calls_page([], 0, 5))

    assert sids == [] and pager.current is None


def test_a_page_cut_short_is_fetched_again() -> None:
    body = calls_page([1, 2], 0, 1)

    run = drive(page_flow(LIST_CALLS, POLICY), ok(body[: len(body) // 2]), ok(body))

    assert [call.sid for call in run.result] == [sid(1), sid(2)] and run.sleeps == [0.5]


# --- failures worded alike by both transports ------------------------------------------------


def behind(outer: BaseException, *, cause: BaseException | None = None, **attributes: Any) -> BaseException:
    """Return ``outer`` with ``cause`` as its ``__cause__`` and extra attributes (``reason=...``)."""
    outer.__cause__ = cause
    for name, value in attributes.items():
        setattr(outer, name, value)
    return outer


class Group(Exception):
    """Stands in for an exception group (``exceptions``), as anyio raises when every address fails."""

    def __init__(self, message: str, exceptions: list[BaseException]) -> None:
        super().__init__(message)
        self.exceptions = tuple(exceptions)


@pytest.mark.parametrize(
    ("exc", "detail"),
    [
        (
            behind(
                RuntimeError("Max retries exceeded"), reason=ConnectionRefusedError(errno.ECONNREFUSED, "x")
            ),
            "connection failed: Connection refused",
        ),
        (
            behind(
                RuntimeError("All connection attempts failed"),
                cause=Group("failed", [OSError("no errno"), ConnectionRefusedError(errno.ECONNREFUSED, "y")]),
            ),
            "connection failed: Connection refused",
        ),
        (
            behind(RuntimeError("resolve"), cause=socket.gaierror(-2, "Name or service not known")),
            "connection failed: Name or service not known",
        ),
        (
            behind(RuntimeError("tls"), cause=ssl.SSLCertVerificationError(1, "certificate verify failed")),
            "connection failed: TLS error certificate verify failed",
        ),
        (RuntimeError("nothing behind it"), "connection failed: the server could not be reached"),
    ],
    ids=["refused-as-reason", "refused-in-a-group", "dns", "tls", "no-os-error"],
)
def test_a_connect_failure_quotes_only_the_os_or_tls_reason(exc: BaseException, detail: str) -> None:
    assert failure(CANNOT_CONNECT, exc, timeout=30) == Failure(CONNECT_FAILURE, detail)


@pytest.mark.parametrize(
    ("event", "kind", "detail"),
    [
        (CONNECT_TIMEOUT, CONNECT_FAILURE, "connect timeout: no connection within 2.5 s"),
        (NO_ANSWER_IN_TIME, LOST_ANSWER, "read timeout: no answer within 2.5 s"),
        (
            CLOSED_UNANSWERED,
            LOST_ANSWER,
            "connection lost: the server closed the connection without answering",
        ),
        (BODY_STALLED, LOST_ANSWER, "read timeout: the answer stalled for 2.5 s"),
        (
            BODY_CUT_SHORT,
            LOST_ANSWER,
            "answer cut short: the connection closed before the whole body came back",
        ),
    ],
)
def test_each_failure_event_has_one_kind_and_one_wording(event: str, kind: str, detail: str) -> None:
    library_text = TimeoutError("HTTPConnectionPool(host='x', port=1): Read timed out.")

    assert failure(event, library_text, timeout=2.5) == Failure(kind, detail)


def test_a_post_cut_short_is_reported_by_its_failure_label() -> None:
    cut = failure(BODY_CUT_SHORT, ConnectionResetError(), timeout=30)

    run = drive(record_flow(SEND_SMS, POLICY), cut)

    error = expect_error(run, Twilio2008OutcomeUnknownError, f"POST {SEND_SMS.path}: answer cut short: ")
    assert "the request was sent but no answer came back" in str(error)


# --- fresh connections (a create never goes out on a pooled connection) ------------------------


@pytest.mark.parametrize(
    ("request_", "fresh"),
    [(GET_CALL, False), (DELETE_RECORDING, False), (MAKE_CALL, True), (SEND_SMS, True)],
    ids=["get", "delete", "make-call", "send-sms"],
)
def test_the_first_send_is_fresh_exactly_for_a_non_idempotent_request(
    request_: ApiRequest, fresh: bool
) -> None:
    assert next(exchange(request_, POLICY)).fresh is fresh
    assert needs_fresh_connection(request_.method, after_trouble=False) is fresh


@pytest.mark.parametrize("trouble", [LOST, REFUSED, status(503, "Service Unavailable", retry_after="0")])
def test_every_retry_after_trouble_goes_out_on_a_fresh_connection(trouble: Reply) -> None:
    run = drive(record_flow(GET_CALL, POLICY), trouble, trouble, ok(CALL_BODY))

    assert [step.fresh for step in run.steps if isinstance(step, Send)] == [False, True, True]


def test_a_create_retried_after_429_is_fresh_every_time() -> None:
    busy = status(429, "Too Many Requests", retry_after="0")

    run = drive(record_flow(SEND_SMS, POLICY), busy, ok(render_sms(), status=201))

    assert [step.fresh for step in run.steps if isinstance(step, Send)] == [True, True]


@pytest.mark.parametrize(
    ("answer", "keeps"),
    [
        (ok(CALL_BODY), True),
        (ok(CALL_BODY, status=201), True),
        (status(302, "Found"), True),
        (status(404, "Not Found"), False),
        (status(429, "Too Many Requests"), False),
        (status(500, "Internal Server Error"), False),
        (Answer(200, {"connection": "close"}, CALL_BODY, "OK"), False),
        (Answer(200, {"connection": "keep-alive, Close"}, CALL_BODY, "OK"), False),
        (Answer(200, {"connection": "keep-alive"}, CALL_BODY, "OK"), True),
    ],
    ids=["200", "201", "302", "404", "429", "500", "close", "close-in-a-list", "keep-alive"],
)
def test_an_answer_keeps_its_connection_unless_an_error_or_connection_close(
    answer: Answer, keeps: bool
) -> None:
    assert keeps_connection(answer) is keeps


# --- the deadline -----------------------------------------------------------------------------


class Clock:
    """A hand-moved monotonic clock."""

    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_the_deadline_is_three_timeouts_from_the_start_of_the_attempt() -> None:
    clock = Clock()
    deadline = Deadline(2.0, clock=clock)

    assert DEADLINE_FACTOR == 3 and deadline.seconds == 6.0
    clock.now += 5.9
    assert not deadline.passed() and deadline.remaining() == pytest.approx(0.1)
    clock.now += 0.1
    assert deadline.passed()


def test_a_download_extends_its_deadline_only_by_what_it_receives() -> None:
    clock = Clock()
    deadline = Deadline(1.0, clock=clock)
    clock.now += 10

    deadline.credit(MIN_DOWNLOAD_RATE * 8)
    assert deadline.remaining() == pytest.approx(1.0)
    deadline.credit(1)  # a drip buys nothing worth having
    assert deadline.remaining() < 1.001


def test_a_deadline_before_the_request_was_sent_is_a_connect_failure_and_after_a_lost_answer() -> None:
    before = deadline_failure(2, sent=False)
    after = deadline_failure(2, sent=True)

    assert before == Failure(
        CONNECT_FAILURE, "deadline passed: the request could not be sent within 6 s (3 × the timeout)"
    )
    assert after == Failure(LOST_ANSWER, "deadline passed: no complete answer within 6 s (3 × the timeout)")


def test_a_create_stopped_by_the_deadline_after_sending_is_an_unknown_outcome_not_re_sent() -> None:
    run = drive(record_flow(MAKE_CALL, POLICY), deadline_failure(30, sent=True))

    error = expect_error(
        run, Twilio2008OutcomeUnknownError, "deadline passed: the request was sent but no answer"
    )
    assert "not re-sent" in str(error) and run.sends == 1


def test_a_create_stopped_by_the_deadline_before_sending_is_tried_again() -> None:
    run = drive(record_flow(MAKE_CALL, POLICY), deadline_failure(30, sent=False), ok(CALL_BODY, status=201))

    assert run.result == sample_call() and run.sleeps == [0.5]


def test_a_get_stopped_by_the_deadline_is_retried_then_a_transport_error() -> None:
    late = deadline_failure(1, sent=True)

    run = drive(record_flow(GET_CALL, RetryPolicy(retries=1)), late, late)

    expect_error(run, Twilio2008TransportError, "deadline passed: no complete answer within 3 s")
    assert run.sleeps == [0.5]


# --- bodies: decoded piece by piece within a cap ------------------------------------------------


def decode(encoding: str, raw: bytes, limit: int = 1 << 30, split: int = 1000) -> bytes:
    """Feed ``raw`` to a decoder in ``split``-byte chunks; return the decoded body."""
    decoder = BodyDecoder(encoding, limit)
    pieces = [
        piece for start in range(0, len(raw), split) for piece in decoder.feed(raw[start : start + split])
    ]
    pieces.extend(decoder.finish())
    return b"".join(pieces)


def raw_deflate(data: bytes) -> bytes:
    """Return ``data`` as a raw deflate stream (no zlib header), as some servers send "deflate"."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


@pytest.mark.parametrize(
    ("encoding", "raw"),
    [
        ("", CALL_BODY),
        ("identity", CALL_BODY),
        ("gzip", gzip.compress(CALL_BODY)),
        ("x-gzip", gzip.compress(CALL_BODY)),
        ("GZIP", gzip.compress(CALL_BODY)),
        ("deflate", zlib.compress(CALL_BODY)),
        ("deflate", raw_deflate(CALL_BODY)),
        ("gzip", gzip.compress(CALL_BODY[:100]) + gzip.compress(CALL_BODY[100:])),
        ("identity, gzip", gzip.compress(CALL_BODY)),
    ],
    ids=["none", "identity", "gzip", "x-gzip", "upper-case", "zlib-deflate", "raw-deflate", "two-members",
         "identity-then-gzip"],
)  # fmt: skip
def test_a_body_is_decoded_whatever_its_chunking(encoding: str, raw: bytes) -> None:
    for split in (1, 7, 1000, len(raw)):
        assert decode(encoding, raw, split=split) == CALL_BODY


def test_a_gzip_bomb_is_refused_at_the_cap_having_decoded_one_piece_at_a_time() -> None:
    bomb = gzip.compress(bytes(64 * BodyDecoder.PIECE), compresslevel=9)
    decoder = BodyDecoder("gzip", limit=10 * BodyDecoder.PIECE)
    pieces: list[int] = []

    with pytest.raises(BodyRefused) as refused:
        for piece in decoder.feed(bomb):
            pieces.append(len(piece))

    assert (
        refused.value.reason
        == f"response body exceeds the {10 * BodyDecoder.PIECE}-byte limit once decompressed (gzip); refused"
    )
    assert max(pieces) <= BodyDecoder.PIECE and sum(pieces) == 10 * BodyDecoder.PIECE
    assert not refused.value.malformed


def test_an_identity_body_over_the_cap_is_refused_by_its_running_size() -> None:
    decoder = BodyDecoder("", limit=10)
    assert list(decoder.feed(b"0123456789")) == [b"0123456789"]

    with pytest.raises(BodyRefused, match="response body exceeds the 10-byte limit; refused"):
        list(decoder.feed(b"x"))


@pytest.mark.parametrize(
    ("encoding", "raw", "words"),
    [
        ("gzip", gzip.compress(CALL_BODY)[:40], "response body (gzip) is cut short"),
        ("gzip", b"\x1f\x8b\x08\x00" + b"\xff" * 40, "response body is not valid gzip data"),
        ("deflate", b"\x78\x9c\xff\xff\xff\xff", "response body is not valid deflate data"),
    ],
    ids=["gzip-cut-short", "gzip-corrupt", "deflate-corrupt"],
)
def test_a_damaged_compressed_body_is_refused_as_malformed(encoding: str, raw: bytes, words: str) -> None:
    with pytest.raises(BodyRefused) as refused:
        decode(encoding, raw)

    assert words in refused.value.reason and refused.value.malformed


@pytest.mark.parametrize(
    ("encoding", "words"),
    [
        ("br", "response body is encoded 'br', which was not asked for (gzip, deflate only)"),
        ("zstd", "response body is encoded 'zstd', which was not asked for (gzip, deflate only)"),
        ("compress", "response body is encoded 'compress', which was not asked for (gzip, deflate only)"),
        ("gzip, gzip", "response body is encoded 'gzip, gzip': stacked encodings are not read"),
    ],
)
def test_an_encoding_not_asked_for_is_refused_before_reading(encoding: str, words: str) -> None:
    with pytest.raises(BodyRefused) as refused:
        BodyDecoder(encoding, limit=100)

    assert refused.value.reason == words and not refused.value.malformed


def test_an_empty_gzip_body_is_empty() -> None:
    assert decode("gzip", b"") == b""


def test_a_body_announced_over_the_cap_is_refused_before_a_byte_is_read() -> None:
    with pytest.raises(BodyRefused, match="response body of 50000000 bytes exceeds the 16777216-byte limit"):
        BodyBuffer({"content-length": "50000000"})

    assert BodyBuffer({"content-length": "50000000", "content-encoding": "gzip"}).size == 0, (
        "a compressed length says nothing of the decoded size"
    )


def test_the_media_cap_fits_the_longest_recording_with_a_margin() -> None:
    longest_wav = 44 + 3600 * 8000 * 2
    longest_mp3 = 3600 * 32000 // 8

    assert longest_wav == 57_600_044 and longest_mp3 == 14_400_000
    assert 1.1 * longest_wav < MAX_MEDIA_BYTES < 2 * longest_wav


# --- a body the driver refused ---------------------------------------------------------------


def refused(
    code: int, reason: str, why: str, *, malformed: bool = False, content_type: str = XML_TYPE
) -> Answer:
    """Return an answer whose body the driver stopped reading."""
    return Answer(
        code, {"content-type": content_type}, b"", reason, refused=BodyRefused(why, malformed=malformed)
    )


def test_a_2xx_whose_body_was_refused_names_the_cause_status_and_content_type() -> None:
    run = drive(record_flow(GET_CALL, POLICY), refused(200, "OK", "response body exceeds the 10-byte limit"))

    error = expect_error(
        run, Twilio2008ResponseError, "exceeds the 10-byte limit [HTTP 200, application/xml]"
    )
    assert run.sends == 1 and "may have taken effect" not in str(error)


def test_a_create_whose_2xx_body_was_refused_may_have_taken_effect() -> None:
    run = drive(
        record_flow(MAKE_CALL, POLICY), refused(201, "Created", "response body exceeds the 10-byte limit")
    )

    error = expect_error(
        run, Twilio2008ResponseError, "the request was accepted, so it may have taken effect"
    )
    assert run.sends == 1 and "it was not re-sent" in str(error)


def test_a_get_whose_compressed_body_was_damaged_is_fetched_again() -> None:
    damaged = refused(200, "OK", "response body (gzip) is cut short", malformed=True)

    run = drive(record_flow(GET_CALL, POLICY), damaged, ok(CALL_BODY))

    assert run.result == sample_call() and run.sleeps == [0.5]


def test_an_error_status_whose_body_was_refused_is_that_status_worded_by_its_reason() -> None:
    bomb_page = refused(500, "Internal Server Error", "too big", content_type="text/html")

    run = drive(record_flow(GET_CALL, RetryPolicy(retries=1)), bomb_page, bomb_page)

    expect_error(run, Twilio2008ServerError, f"GET {GET_CALL.path} failed (HTTP 500): Internal Server Error")
    assert run.sleeps == [0.5]


# --- secrets ----------------------------------------------------------------------------------

PAIR = f"{ACCOUNT_SID}:{AUTH_TOKEN}"
BASIC = base64.b64encode(PAIR.encode()).decode()


@pytest.mark.parametrize(
    "echo",
    [
        AUTH_TOKEN,
        AUTH_TOKEN.upper(),
        PAIR,
        f"Basic {BASIC}",
        base64.urlsafe_b64encode(PAIR.encode()).decode(),
    ],
    ids=["token", "upper-case", "pair", "basic", "urlsafe-basic"],
)
def test_every_form_of_the_token_is_redacted(echo: str) -> None:
    redactor = SecretRedactor(AUTH_TOKEN, ACCOUNT_SID)

    cleaned = redactor.text(f"server said: {echo}!")

    assert AUTH_TOKEN.lower() not in cleaned.lower() and BASIC not in cleaned
    assert cleaned.startswith("server said: ") and cleaned.endswith(f"{REDACTED}!")


def test_a_special_character_token_is_redacted_percent_encoded_too() -> None:
    redactor = SecretRedactor("p@ss/w0rd+", ACCOUNT_SID)

    assert redactor.text("t=p%40ss%2Fw0rd%2B and p@ss/w0rd+") == f"t={REDACTED} and {REDACTED}"


def test_the_guard_scrubs_an_error_in_place_with_its_fields() -> None:
    redactor = SecretRedactor(AUTH_TOKEN, ACCOUNT_SID)
    raised = Twilio2008ApiError(401, f"bad {PAIR}", more_info=f"https://x/?t={AUTH_TOKEN}", path="/p")

    with pytest.raises(Twilio2008ApiError) as caught, redactor.guard():
        raise raised

    error = caught.value
    assert error is raised and error.status == 401
    assert AUTH_TOKEN not in f"{error} {error!r} {vars(error)}"
    assert error.message == f"bad {ACCOUNT_SID}:{REDACTED}" and error.more_info == f"https://x/?t={REDACTED}"


def test_the_library_log_filter_redacts_a_record_and_its_traceback(caplog: pytest.LogCaptureFixture) -> None:
    redactor = SecretRedactor(AUTH_TOKEN, ACCOUNT_SID)
    redact_library_logs(redactor, ["tests.exchange.library"])
    library = logging.getLogger("tests.exchange.library")
    caplog.set_level(logging.DEBUG, logger="tests.exchange.library")

    try:
        raise ValueError(f"unparsed data: {BASIC}")
    except ValueError:
        library.warning("Failed to parse headers (url=%s)", f"http://x/?t={AUTH_TOKEN}", exc_info=True)

    assert f"Failed to parse headers (url=http://x/?t={REDACTED})" in caplog.text
    assert f"unparsed data: {REDACTED}" in caplog.text
    assert AUTH_TOKEN not in caplog.text and BASIC not in caplog.text
