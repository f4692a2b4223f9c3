"""Parity: the ``requests`` transport and the async ``httpx`` one answer alike, over real loopback HTTP.

Each scenario scripts what a bare TCP server (:class:`RawServer`) does with each request it
reads: answer, drop the connection, cut the body short, hold it unanswered, or nothing listens
at all. The same script is played once to :class:`Transport` and once to
:class:`AsyncTransport`; both must end alike (same records, or the same exception class and
message), with the server having received the same requests and the same sleeps asked for. Each
scenario also pins that common outcome, so the two cannot agree on a wrong answer.
"""

from __future__ import annotations

import asyncio
import gzip
import logging
import socket
import zlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import pytest

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api import xml
from airflow_provider_twilio2008.api.config import ClientConfig
from airflow_provider_twilio2008.api.errors import (
    Twilio2008ApiError,
    Twilio2008AuthenticationError,
    Twilio2008Error,
    Twilio2008NotFoundError,
    Twilio2008OutcomeUnknownError,
    Twilio2008RateLimitedError,
    Twilio2008ResponseError,
    Twilio2008ServerError,
    Twilio2008TransportError,
)
from airflow_provider_twilio2008.api.operations import ApiRequest
from airflow_provider_twilio2008.api.records import Call, CallStatus, Page, Record
from airflow_provider_twilio2008.hooks.async_transport import AsyncTransport
from airflow_provider_twilio2008.hooks.transport import Transport

from .fakes import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    CALL_SID,
    RECORDING_SID,
    TRANSCRIPTION_SID,
    XML_TYPE,
    RawServer,
    answer,
    answer_cut_short,
    closed_port,
    drip,
    drop,
    error_body,
    hold,
    http_response,
    page_body,
    render_sms,
    sample_call,
    sample_sms,
)
from .fakes import Answer as Script

LOG = logging.getLogger("tests.hooks.parity")
TWIML = "https://app.example.com/twiml/start"
GET_CALL = ops.get_call(ACCOUNT_SID, CALL_SID)
MAKE_CALL = ops.make_call(ACCOUNT_SID, to="4155550134", from_="4155550199", url=TWIML)
SEND_SMS = ops.send_sms(ACCOUNT_SID, to="6505550123", body="Build 1842 deployed", from_="4155550199")
DELETE_RECORDING = ops.delete_recording(ACCOUNT_SID, RECORDING_SID)
LIST_CALLS = ops.list_calls(ACCOUNT_SID, page_size=2)
TRANSCRIPT = ops.transcription_text(ACCOUNT_SID, TRANSCRIPTION_SID)

CALL_BODY = xml.render_record(sample_call())
QUEUED = sample_call(status=CallStatus.QUEUED, start_time=None, end_time=None, duration=None, price=None)
QUEUED_BODY = xml.render_record(QUEUED)
HTML_502 = b"<html><head><title>502 Bad Gateway</title></head><body><h1>502 Bad Gateway</h1></body></html>"
NOT_FOUND = error_body(404, "The requested resource was not found", 20404)


# --- scripted answers ------------------------------------------------------------------------


def answer_with(status: int, reason: str, body: bytes = b"", **headers: str) -> Script:
    """Answer with a complete response carrying extra headers (``retry_after="3"`` is ``Retry-After``)."""
    extra = "".join(f"{name.replace('_', '-').title()}: {value}\r\n" for name, value in headers.items())
    raw = http_response(status, reason, body).replace(b"\r\n", b"\r\n" + extra.encode(), 1)

    def send(conn: socket.socket) -> None:
        conn.sendall(raw)

    return send


def encoded(encoding: str, body: bytes, content_type: str = XML_TYPE) -> Script:
    """Answer 200 with ``body`` already encoded, and ``Content-Encoding: encoding``."""
    head = (
        f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Encoding: {encoding}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )

    def send(conn: socket.socket) -> None:
        conn.sendall(head.encode() + body)

    return send


def raw_deflate(data: bytes) -> bytes:
    """Return ``data`` as raw deflate (no zlib header), as some servers send ``deflate``."""
    compressor = zlib.compressobj(6, zlib.DEFLATED, -zlib.MAX_WBITS)
    return compressor.compress(data) + compressor.flush()


def cut_short(body: bytes) -> Script:
    """Send the head announcing all of ``body`` (XML), then half of it, then close."""
    return answer_cut_short(body[: len(body) // 2], announced=len(body), content_type=XML_TYPE)


def sid(n: int) -> str:
    """Return a well-formed Call SID numbered ``n``."""
    return f"CA{n:032x}"


def calls_page(numbers: list[int], page: int, num_pages: int, next_page_uri: str | None = None) -> bytes:
    """Return a page of calls ``numbers`` (two per page)."""
    items = [sample_call(sid(n)) for n in numbers]
    return page_body(
        items, Call, page=page, num_pages=num_pages, page_size=2, total=2 * num_pages,
        next_page_uri=next_page_uri,
    )  # fmt: skip


def calls_as_dicts(*numbers: int) -> list[dict[str, Any]]:
    """Return the ``as_dict()`` of the sample calls ``numbers``."""
    return [sample_call(sid(n)).as_dict() for n in numbers]


# --- scenarios -------------------------------------------------------------------------------


@dataclass(frozen=True)
class Scenario:
    """A script for the server, the call made, and the outcome both transports must reach.

    :param method: the transport method called: ``record``, ``page``, ``iterate``, ``no_content``, ``text``.
    :param answers: the server's answers given its base URL; ``None`` means nothing listens.
    :param result: the expected result (normalised, see :func:`normalise`) when no error.
    :param error: the expected exception class and a phrase of its message.
    :param received: how many requests the server must have read.
    :param sleeps: the waits both transports must have asked for.
    :param retries: the connection's ``retries`` extra; ``timeout`` its ``timeout``.
    :param scheme: ``https`` to make the clients start a TLS handshake the server never answers.
    """

    name: str
    request: ApiRequest
    method: str
    answers: Callable[[str], list[Script]] | None
    received: int
    sleeps: list[float]
    result: Any = None
    error: tuple[type[Twilio2008Error], str] | None = None
    retries: int = 2
    timeout: float = 5.0
    scheme: str = "http"


def same(*answers: Script) -> Callable[[str], list[Script]]:
    """Return answers that do not depend on the server's URL."""
    return lambda _url: list(answers)


def two_pages_linked_absolutely(url: str) -> list[Script]:
    """Page 0 links to page 1 by an absolute ``nextpageuri`` on the same server."""
    link = f"{url}{LIST_CALLS.path}.xml?num=2&Page=1"
    return [
        answer(200, "OK", calls_page([1, 2], 0, 2, next_page_uri=link)),
        answer(200, "OK", calls_page([3], 1, 2, next_page_uri="")),
    ]


SCENARIOS = [
    Scenario(
        "get-ok", GET_CALL, "record", same(answer(200, "OK", CALL_BODY)),
        received=1, sleeps=[], result=sample_call().as_dict(),
    ),
    Scenario(
        "get-dropped-then-ok", GET_CALL, "record", same(drop, answer(200, "OK", CALL_BODY)),
        received=2, sleeps=[0.5], result=sample_call().as_dict(),
    ),
    Scenario(
        "get-always-dropped", GET_CALL, "record", same(drop),
        received=3, sleeps=[0.5, 1.0],
        error=(Twilio2008TransportError, "connection lost: the server closed the connection without answer"),
    ),
    Scenario(
        "get-cut-short-then-ok", GET_CALL, "record", same(cut_short(CALL_BODY), answer(200, "OK", CALL_BODY)),
        received=2, sleeps=[0.5], result=sample_call().as_dict(),
    ),
    Scenario(
        "get-always-cut-short", GET_CALL, "record", same(cut_short(CALL_BODY)),
        received=3, sleeps=[0.5, 1.0],
        error=(Twilio2008TransportError, "answer cut short: the connection closed before the whole body"),
    ),
    Scenario(
        "get-unanswered-times-out", GET_CALL, "record", same(hold),
        received=1, sleeps=[], retries=0, timeout=0.2,
        error=(Twilio2008TransportError, f"GET {GET_CALL.path}: read timeout: no answer within 0.2 s"),
    ),
    Scenario(
        "get-html-502-page", GET_CALL, "record", same(answer(502, "Bad Gateway", HTML_502, "text/html")),
        received=3, sleeps=[0.5, 1.0],
        error=(Twilio2008ServerError, f"GET {GET_CALL.path} failed (HTTP 502): Bad Gateway"),
    ),
    Scenario(
        "get-503-retry-after-then-ok", GET_CALL, "record",
        same(answer_with(503, "Service Unavailable", retry_after="3"), answer(200, "OK", CALL_BODY)),
        received=2, sleeps=[3.0], result=sample_call().as_dict(),
    ),
    Scenario(
        "get-429-retry-after-too-long", GET_CALL, "record",
        same(answer_with(429, "Too Many Requests", error_body(429, "Slow down", 20429), retry_after="3600")),
        received=1, sleeps=[],
        error=(Twilio2008RateLimitedError, "(HTTP 429, Twilio code 20429): Slow down"),
    ),
    Scenario(
        "get-302-redirect", GET_CALL, "record",
        same(answer_with(302, "Found", location="https://elsewhere.example.com/login")),
        received=1, sleeps=[],
        error=(Twilio2008ApiError, "unexpected redirect to https://elsewhere.example.com/login"),
    ),
    Scenario(
        "get-401", GET_CALL, "record",
        same(answer(401, "Unauthorized", error_body(401, "Authenticate", 20003))),
        received=1, sleeps=[], error=(Twilio2008AuthenticationError, "Twilio code 20003): Authenticate"),
    ),
    Scenario(
        "get-malformed-2xx-then-ok", GET_CALL, "record",
        same(answer(200, "OK", CALL_BODY[:-60]), answer(200, "OK", CALL_BODY)),
        received=2, sleeps=[0.5], result=sample_call().as_dict(),
    ),
    Scenario(
        "post-dropped", MAKE_CALL, "record", same(drop, answer(201, "Created", QUEUED_BODY)),
        received=1, sleeps=[],
        error=(Twilio2008OutcomeUnknownError, "connection lost: the request was sent but no answer came"),
    ),
    Scenario(
        "post-cut-short", MAKE_CALL, "record",
        same(cut_short(QUEUED_BODY), answer(201, "Created", QUEUED_BODY)),
        received=1, sleeps=[],
        error=(Twilio2008OutcomeUnknownError, "answer cut short: the request was sent but no answer came"),
    ),
    Scenario(
        "post-429-then-created", SEND_SMS, "record",
        same(answer_with(429, "Too Many Requests", retry_after="2"), answer(201, "Created", render_sms())),
        received=2, sleeps=[2.0], result=sample_sms().as_dict(),
    ),
    Scenario(
        "post-503-sent-once", MAKE_CALL, "record",
        same(answer_with(503, "Service Unavailable", retry_after="1"), answer(201, "Created", QUEUED_BODY)),
        received=1, sleeps=[], error=(Twilio2008ServerError, "(HTTP 503): Service Unavailable"),
    ),
    Scenario(
        "post-500-sent-once", SEND_SMS, "record",
        same(answer(500, "Internal Server Error", error_body(500, "Queue unavailable"))),
        received=1, sleeps=[], error=(Twilio2008ServerError, "(HTTP 500): Queue unavailable"),
    ),
    Scenario(
        "post-200-garbage", MAKE_CALL, "record", same(answer(200, "OK", b"\x00\x01 not xml", "text/html")),
        received=1, sleeps=[],
        error=(Twilio2008ResponseError, "[HTTP 200, text/html]; the request was accepted, so it may have"),
    ),
    Scenario(
        "post-tls-handshake-never-finishes", MAKE_CALL, "record", same(hold),
        received=1, sleeps=[0.5], retries=1, timeout=0.2, scheme="https",
        error=(Twilio2008TransportError, f"{MAKE_CALL.path}: connect timeout: no connection within 0.2 s"),
    ),
    Scenario(
        "post-refused-is-retried", MAKE_CALL, "record", None,
        received=0, sleeps=[0.5, 1.0],
        error=(Twilio2008TransportError, f"POST {MAKE_CALL.path}: connection failed: Connection refused"),
    ),
    Scenario(
        "delete-dropped-then-404", DELETE_RECORDING, "no_content",
        same(drop, answer(404, "Not Found", NOT_FOUND)),
        received=2, sleeps=[0.5], result=None,
    ),
    Scenario(
        "delete-404", DELETE_RECORDING, "no_content", same(answer(404, "Not Found", NOT_FOUND)),
        received=1, sleeps=[], error=(Twilio2008NotFoundError, "Twilio code 20404"),
    ),
    Scenario(
        "delete-503-then-204", DELETE_RECORDING, "no_content",
        same(answer_with(503, "Service Unavailable", retry_after="0"), answer(204, "No Content", b"")),
        received=2, sleeps=[0.0], result=None,
    ),
    Scenario(
        "page-cut-short-then-ok", LIST_CALLS, "page",
        same(cut_short(calls_page([1, 2], 0, 1)), answer(200, "OK", calls_page([1, 2], 0, 1))),
        received=2, sleeps=[0.5], result=calls_as_dicts(1, 2),
    ),
    Scenario(
        "iterate-two-pages", LIST_CALLS, "iterate", two_pages_linked_absolutely,
        received=2, sleeps=[], result=calls_as_dicts(1, 2, 3),
    ),
    Scenario(
        "iterate-link-to-another-host", LIST_CALLS, "iterate",
        same(answer(200, "OK", calls_page([1, 2], 0, 2, f"https://evil.example.com{LIST_CALLS.path}?Page=1"))),
        received=1, sleeps=[], error=(Twilio2008ResponseError, "points at another server"),
    ),
    Scenario(
        "iterate-loop", LIST_CALLS, "iterate",
        same(
            answer(200, "OK", calls_page([1, 2], 0, 3, f"{LIST_CALLS.path}?num=2&Page=1")),
            answer(200, "OK", calls_page([3, 4], 1, 3, f"{LIST_CALLS.path}?num=2")),
        ),
        received=2, sleeps=[], error=(Twilio2008ResponseError, "the page links loop back to"),
    ),
    Scenario(
        "text-latin-1", TRANSCRIPT, "text",
        same(answer(200, "OK", "Café crème".encode("latin-1"), "text/plain; charset=ISO-8859-1")),
        received=1, sleeps=[], result="Café crème",
    ),
    Scenario(
        "body-over-the-cap", TRANSCRIPT, "text",
        same(answer(200, "OK", b"x" * (xml.MAX_BODY_BYTES + 1), "text/plain")),
        received=1, sleeps=[], error=(Twilio2008ResponseError, "exceeds the 16777216-byte limit"),
    ),
    Scenario(
        "get-gzip-encoded", GET_CALL, "record", same(encoded("gzip", gzip.compress(CALL_BODY))),
        received=1, sleeps=[], result=sample_call().as_dict(),
    ),
    Scenario(
        "get-raw-deflate-encoded", GET_CALL, "record", same(encoded("deflate", raw_deflate(CALL_BODY))),
        received=1, sleeps=[], result=sample_call().as_dict(),
    ),
    Scenario(
        "get-gzip-over-the-cap-once-decoded", TRANSCRIPT, "text",
        same(encoded("gzip", gzip.compress(b"x" * (xml.MAX_BODY_BYTES + 1)), "text/plain")),
        received=1, sleeps=[],
        error=(Twilio2008ResponseError, "exceeds the 16777216-byte limit once decompressed (gzip); refused"),
    ),
    Scenario(
        "get-gzip-cut-then-ok", GET_CALL, "record",
        same(encoded("gzip", gzip.compress(CALL_BODY)[:-30]), answer(200, "OK", CALL_BODY)),
        received=2, sleeps=[0.5], result=sample_call().as_dict(),
    ),
    Scenario(
        "post-brotli-not-asked-for", SEND_SMS, "record", same(encoded("br", b"\x8b\x00\x80<")),
        received=1, sleeps=[],
        error=(Twilio2008ResponseError, "'br', which was not asked for (gzip, deflate only) [HTTP 200"),
    ),
    Scenario(
        "get-dripped-past-the-deadline-then-ok", GET_CALL, "record",
        same(drip(b"HTTP/1.1 200 OK\r\n", b"X-Slow: 1\r\n" * 50, interval=0.2), answer(200, "OK", CALL_BODY)),
        received=2, sleeps=[0.5], timeout=0.3, result=sample_call().as_dict(),
    ),
    Scenario(
        "post-dripped-past-the-deadline", MAKE_CALL, "record",
        same(drip(b"HTTP/1.1 201 Created\r\nContent-Length: 900\r\n\r\n", QUEUED_BODY, interval=0.2)),
        received=1, sleeps=[], timeout=0.3,
        error=(Twilio2008OutcomeUnknownError, "deadline passed: the request was sent but no answer"),
    ),
]  # fmt: skip


# --- running a scenario through each transport -----------------------------------------------


@dataclass
class Outcome:
    """How one transport ended a scenario, in terms comparable across transports."""

    result: Any = None
    error: type[Twilio2008Error] | None = None
    message: str = ""
    received: list[tuple[str, bytes]] = field(default_factory=list)
    sleeps: list[float] = field(default_factory=list)
    exception: Twilio2008Error | None = field(default=None, compare=False, repr=False)


def normalise(value: Any) -> Any:
    """Turn records into ``as_dict()``, a page into its items' dicts, a list element-wise."""
    if isinstance(value, Record):
        return value.as_dict()
    if isinstance(value, Page):
        return [item.as_dict() for item in value.items]
    if isinstance(value, list):
        return [normalise(item) for item in value]
    return value


def config(url: str, scenario: Scenario) -> ClientConfig:
    """Return the settings both transports get for ``scenario``."""
    return ClientConfig.from_connection(
        host=url,
        port=None,
        login=ACCOUNT_SID,
        password=AUTH_TOKEN,
        extra={"retries": scenario.retries, "timeout": scenario.timeout},
    )


@contextmanager
def serving(scenario: Scenario) -> Iterator[tuple[str, RawServer | None]]:
    """Start the scripted server (or pick a closed port); stop it on exit."""
    if scenario.answers is None:
        yield f"{scenario.scheme}://127.0.0.1:{closed_port()}", None
        return
    server = RawServer([])
    url = server.url.replace("http:", f"{scenario.scheme}:", 1)
    server.answers.extend(scenario.answers(url))
    try:
        yield url, server
    finally:
        server.stop()


def received(server: RawServer | None) -> list[tuple[str, bytes]]:
    """Return each request's line and body as the server read them (a TLS hello as ``not HTTP``)."""
    if server is None:
        return []
    seen: list[tuple[str, bytes]] = []
    for request in server.requests:
        line = request.split(b"\r\n", 1)[0]
        if not line.endswith(b" HTTP/1.1"):
            seen.append(("not HTTP", b""))
        else:
            seen.append((line.decode(), request.partition(b"\r\n\r\n")[2]))
    return seen


def run_sync(scenario: Scenario) -> Outcome:
    """Play ``scenario`` to the ``requests`` transport."""
    outcome = Outcome()
    with serving(scenario) as (url, server):
        transport = Transport(config(url, scenario), LOG, sleep=outcome.sleeps.append)
        try:
            if scenario.method == "iterate":
                outcome.result = normalise(list(transport.iterate(scenario.request)))
            else:
                outcome.result = normalise(getattr(transport, scenario.method)(scenario.request))
        except Twilio2008Error as exc:
            outcome.error, outcome.message, outcome.exception = type(exc), str(exc), exc
        finally:
            transport.close()
        outcome.received = received(server)
    return outcome


async def run_async(scenario: Scenario) -> Outcome:
    """Play ``scenario`` to the ``httpx`` transport."""
    outcome = Outcome()

    async def sleep(seconds: float) -> None:
        outcome.sleeps.append(seconds)

    with serving(scenario) as (url, server):
        async with AsyncTransport(config(url, scenario), LOG, sleep=sleep) as transport:
            try:
                if scenario.method == "iterate":
                    items = [item async for item in transport.iterate(scenario.request)]
                    outcome.result = normalise(items)
                else:
                    outcome.result = normalise(await getattr(transport, scenario.method)(scenario.request))
            except Twilio2008Error as exc:
                outcome.error, outcome.message, outcome.exception = type(exc), str(exc), exc
        outcome.received = received(server)
    return outcome


def expect(outcome: Outcome, scenario: Scenario, transport: str) -> None:
    """Assert ``outcome`` is the one ``scenario`` pins."""
    where = f"{transport} transport, {scenario.name}"
    if scenario.error is None:
        assert outcome.error is None, f"{where}: raised {outcome.error.__name__}: {outcome.message}"
        assert outcome.result == scenario.result, where
    else:
        cls, phrase = scenario.error
        assert outcome.error is cls, (
            f"{where}: expected {cls.__name__}, got {outcome.error}: {outcome.message}"
        )
        assert phrase in outcome.message, f"{where}: {outcome.message}"
    assert len(outcome.received) == scenario.received, f"{where}: {outcome.received}"
    assert outcome.sleeps == scenario.sleeps, where


@pytest.mark.parametrize("scenario", SCENARIOS, ids=[scenario.name for scenario in SCENARIOS])
def test_both_transports_end_a_scripted_exchange_alike(
    scenario: Scenario, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)

    sync = run_sync(scenario)
    asynchronous = asyncio.run(run_async(scenario))

    expect(sync, scenario, "sync")
    expect(asynchronous, scenario, "async")
    assert asynchronous == sync
    for outcome in (sync, asynchronous):
        if outcome.exception is not None:
            exc = outcome.exception
            assert AUTH_TOKEN not in f"{exc} {exc!r} {exc.args!r} {vars(exc)!r}"
    assert AUTH_TOKEN not in caplog.text


def test_the_scenarios_cover_every_call_and_both_endings() -> None:
    """Guard the table: each transport entry point, successes and failures, all appear."""
    assert {scenario.method for scenario in SCENARIOS} == {"record", "page", "iterate", "no_content", "text"}
    assert sum(scenario.error is None for scenario in SCENARIOS) >= 8
    assert len({scenario.name for scenario in SCENARIOS}) == len(SCENARIOS)


async def test_the_async_transport_sends_the_same_form_and_query_as_the_sync_one() -> None:
    """Natively async: a POST with a form and a filtered list, compared byte for byte on the wire."""
    requests_made = [
        ops.send_sms(ACCOUNT_SID, to="+442071838750", body="Déploiement & tests: 100%", from_="4155550199"),
        ops.list_calls(ACCOUNT_SID, to="4155550134", started_after="2009-07-04", page_size=5),
    ]
    bodies = [render_sms(), calls_page([], 0, 1)]
    seen: list[list[tuple[str, bytes]]] = []
    for which in ("sync", "async"):
        server = RawServer([answer(200, "OK", body) for body in bodies])
        cfg = config(server.url, SCENARIOS[0])
        try:
            if which == "sync":
                transport = Transport(cfg, LOG)
                transport.record(requests_made[0])
                transport.page(requests_made[1])
                transport.close()
            else:
                async with AsyncTransport(cfg, LOG) as client:
                    await client.record(requests_made[0])
                    await client.page(requests_made[1])
        finally:
            server.stop()
        seen.append(received(server))

    assert seen[0] == seen[1]
    assert seen[0][0][1] == b"From=4155550199&To=%2B442071838750&Body=D%C3%A9ploiement+%26+tests%3A+100%25"
    assert seen[0][1][0] == f"GET {LIST_CALLS.path}?Called=4155550134&StartTime%3E=2009-07-04&num=5 HTTP/1.1"
