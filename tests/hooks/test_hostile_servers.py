"""Hostile servers (issue #8): each gives a typed error, in bounded time and memory, and never the token.

Every case is a real server on 127.0.0.1 (a scripted TCP server from :mod:`.fakes`) played to
both transports, the ``requests`` one of the hook and the async ``httpx`` one of the triggers,
unless it concerns only one (media downloads exist only in the hook). Time bounds are generous
limits against hangs, not speed measurements; memory is the ``tracemalloc`` peak of the client.
"""

from __future__ import annotations

import asyncio
import base64
import gzip
import logging
import time
import tracemalloc
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api import xml
from airflow_provider_twilio2008.api.config import ClientConfig
from airflow_provider_twilio2008.api.errors import (
    REDACTED,
    Twilio2008ApiError,
    Twilio2008AuthenticationError,
    Twilio2008BadRequestError,
    Twilio2008Error,
    Twilio2008OutcomeUnknownError,
    Twilio2008ResponseError,
    Twilio2008ServerError,
    Twilio2008TransportError,
)
from airflow_provider_twilio2008.api.exchange import MAX_MEDIA_BYTES
from airflow_provider_twilio2008.api.operations import ApiRequest
from airflow_provider_twilio2008.api.records import Call, CallStatus
from airflow_provider_twilio2008.hooks.async_transport import AsyncTransport
from airflow_provider_twilio2008.hooks.transport import Transport

from .fakes import (
    ACCOUNT_SID,
    AUTH_TOKEN,
    BASIC_AUTH,
    CALL_SID,
    COMPLETED_CALL_XML,
    QUEUED_CALL_XML,
    RECORDING_SID,
    HookFactory,
    KeepAliveServer,
    RawServer,
    answer,
    big_body,
    drip,
    drop,
    endless_body,
    endless_headers,
    error_body,
    gzip_bomb,
    gzip_of_zeros,
    keep_alive,
    page_body,
    raw_reply,
    render_sms,
    sample_call,
)
from .fakes import Answer as Script

LOG = logging.getLogger("tests.hostile")
TWIML = "https://app.example.com/twiml/start"
GET_CALL = ops.get_call(ACCOUNT_SID, CALL_SID)
MAKE_CALL = ops.make_call(ACCOUNT_SID, to="4155550134", from_="4155550199", url=TWIML)
SEND_SMS = ops.send_sms(ACCOUNT_SID, to="6505550123", body="Build 1842 deployed", from_="4155550199")
LIST_CALLS = ops.list_calls(ACCOUNT_SID, page_size=2)
MEDIA = f"/2008-08-01/Accounts/{ACCOUNT_SID}/Recordings/{RECORDING_SID}.wav"
MIB = 1 << 20
TRANSPORTS = ["sync", "async"]

#: Every form the secret could be echoed in.
PAIR = f"{ACCOUNT_SID}:{AUTH_TOKEN}"
BASIC_VALUE = base64.b64encode(PAIR.encode()).decode()
#: The base64 of the pair and of the token alone, in both alphabets, without the padding that
#: both need (67 and 32 bytes are not multiples of 3): what a ``Location`` or a JWT carries.
UNPADDED = {
    "pair": BASIC_VALUE.rstrip("="),
    "pair-urlsafe": base64.urlsafe_b64encode(PAIR.encode()).decode().rstrip("="),
    "token": base64.b64encode(AUTH_TOKEN.encode()).decode().rstrip("="),
    "token-urlsafe": base64.urlsafe_b64encode(AUTH_TOKEN.encode()).decode().rstrip("="),
}
SECRET_FORMS = (AUTH_TOKEN, AUTH_TOKEN.upper(), BASIC_VALUE, BASIC_AUTH, PAIR, *UNPADDED.values())


# --- playing a server to a transport ---------------------------------------------------------


@dataclass
class Outcome:
    """How one transport ended: its result or error, the time it took, its sleeps and memory peak."""

    result: Any = None
    error: Twilio2008Error | None = None
    seconds: float = 0.0
    sleeps: list[float] = field(default_factory=list)
    peak: int = 0

    def raised(self, cls: type[Twilio2008Error], phrase: str) -> Twilio2008Error:
        """Assert the error is exactly ``cls`` with ``phrase`` in its message, and return it."""
        assert self.error is not None, f"expected {cls.__name__}, got the result {self.result!r}"
        assert type(self.error) is cls, (
            f"expected {cls.__name__}, got {type(self.error).__name__}: {self.error}"
        )
        assert phrase in str(self.error), str(self.error)
        return self.error


Step = tuple[str, ApiRequest]


def config(url: str, *, retries: int = 0, timeout: float = 5.0) -> ClientConfig:
    """Return the client settings for a transport pointed at ``url``."""
    return ClientConfig.from_connection(
        host=url,
        port=None,
        login=ACCOUNT_SID,
        password=AUTH_TOKEN,
        extra={"retries": retries, "timeout": timeout},
    )


def play(
    which: str, url: str, steps: list[Step], *, retries: int = 0, timeout: float = 5.0, memory: bool = False
) -> list[Outcome]:
    """Run ``steps`` (``(method, request)``) one after the other on one transport; return each outcome."""
    settings = config(url, retries=retries, timeout=timeout)
    if which == "sync":
        return _play_sync(settings, steps, memory)
    return asyncio.run(_play_async(settings, steps, memory))


def _measure(outcome: Outcome, memory: bool) -> Callable[[], None]:
    started = time.monotonic()
    if memory:
        tracemalloc.start()

    def stop() -> None:
        outcome.seconds = time.monotonic() - started
        if memory:
            outcome.peak = tracemalloc.get_traced_memory()[1]
            tracemalloc.stop()

    return stop


def _play_sync(settings: ClientConfig, steps: list[Step], memory: bool) -> list[Outcome]:
    outcomes = []
    transport = Transport(settings, LOG, sleep=lambda seconds: None)
    try:
        for method, request in steps:
            outcome = Outcome()
            transport.sleep = outcome.sleeps.append
            stop = _measure(outcome, memory)
            try:
                if method == "iterate":
                    outcome.result = list(transport.iterate(request))
                else:
                    outcome.result = getattr(transport, method)(request)
            except Twilio2008Error as exc:
                outcome.error = exc
            finally:
                stop()
            outcomes.append(outcome)
    finally:
        transport.close()
    return outcomes


async def _play_async(settings: ClientConfig, steps: list[Step], memory: bool) -> list[Outcome]:
    outcomes = []
    async with AsyncTransport(settings, LOG) as transport:
        for method, request in steps:
            outcome = Outcome()

            async def sleep(seconds: float, outcome: Outcome = outcome) -> None:
                outcome.sleeps.append(seconds)

            transport.sleep = sleep
            stop = _measure(outcome, memory)
            try:
                if method == "iterate":
                    outcome.result = [item async for item in transport.iterate(request)]
                else:
                    outcome.result = await getattr(transport, method)(request)
            except Twilio2008Error as exc:
                outcome.error = exc
            finally:
                stop()
            outcomes.append(outcome)
    return outcomes


def assert_no_secret(*texts: str) -> None:
    """Assert no form of the Auth Token appears in any of ``texts``."""
    for text in texts:
        for form in SECRET_FORMS:
            assert form not in text, f"{form!r} leaked into: {text[:500]}"


def everything_about(error: BaseException | None) -> str:
    """Return every text an error carries: message, repr, args, fields, and what is chained to it."""
    texts = []
    while error is not None:
        texts.append(f"{error} {error!r} {error.args!r} {vars(error)!r}")
        error = error.__cause__ or (None if error.__suppress_context__ else error.__context__)
    return " ".join(texts)


@pytest.fixture
def server() -> Iterator[Callable[..., RawServer]]:
    """Return ``start(*answers)``: a scripted :class:`RawServer`, stopped at teardown."""
    started: list[RawServer] = []

    def start(*answers: Script) -> RawServer:
        one = RawServer(list(answers))
        started.append(one)
        return one

    yield start
    for one in started:
        one.stop()


@pytest.fixture
def keep_alive_server() -> Iterator[Callable[..., KeepAliveServer]]:
    """Return ``start(*scripts)``: a :class:`KeepAliveServer`, stopped at teardown."""
    started: list[KeepAliveServer] = []

    def start(*scripts: list[Script]) -> KeepAliveServer:
        one = KeepAliveServer(list(scripts))
        started.append(one)
        return one

    yield start
    for one in started:
        one.stop()


@pytest.fixture(autouse=True)
def _debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    """Capture every log record, down to the libraries' own debug accounts of failures."""
    caplog.set_level(logging.DEBUG)


# --- finding 1: a create never goes out on a connection that may be closing -------------------


@pytest.mark.parametrize("which", TRANSPORTS)
def test_a_create_after_a_500_on_a_kept_alive_connection_goes_out_on_a_new_one(
    which: str, keep_alive_server: Callable[..., KeepAliveServer]
) -> None:
    """The first connection answers 500, stays open, then closes as the next request arrives."""
    target = keep_alive_server(
        [keep_alive(500, "Internal Server Error", error_body(500, "Queue unavailable")), drop],
        [answer(201, "Created", QUEUED_CALL_XML)],
    )

    failed, created = play(which, target.url, [("record", GET_CALL), ("record", MAKE_CALL)])

    failed.raised(Twilio2008ServerError, "Queue unavailable")
    assert created.error is None, f"{type(created.error).__name__}: {created.error}"
    assert created.result.status is CallStatus.QUEUED
    assert target.requests == [(0, f"GET {GET_CALL.path} HTTP/1.1"), (1, f"POST {MAKE_CALL.path} HTTP/1.1")]


@pytest.mark.parametrize("which", TRANSPORTS)
def test_a_create_never_reuses_a_pooled_connection_even_after_a_success(
    which: str, keep_alive_server: Callable[..., KeepAliveServer]
) -> None:
    """A pooled connection may be closing (its idle timeout ran out): a create opens its own."""
    target = keep_alive_server(
        [keep_alive(200, "OK", COMPLETED_CALL_XML), drop], [answer(201, "Created", render_sms())]
    )

    fetched, created = play(which, target.url, [("record", GET_CALL), ("record", SEND_SMS)])

    assert fetched.error is None and created.error is None, f"{fetched.error} / {created.error}"
    assert [number for number, _ in target.requests] == [0, 1]


@pytest.mark.parametrize("which", TRANSPORTS)
def test_after_an_error_answer_the_pool_is_dropped_so_the_next_get_does_not_fail(
    which: str, keep_alive_server: Callable[..., KeepAliveServer]
) -> None:
    target = keep_alive_server(
        [keep_alive(503, "Service Unavailable", error_body(503, "Busy")), drop],
        [answer(200, "OK", COMPLETED_CALL_XML)],
    )

    busy, fetched = play(which, target.url, [("record", GET_CALL), ("record", GET_CALL)], retries=0)

    busy.raised(Twilio2008ServerError, "Busy")
    assert fetched.error is None, f"{type(fetched.error).__name__}: {fetched.error}"
    assert [number for number, _ in target.requests] == [0, 1]


@pytest.mark.parametrize("which", TRANSPORTS)
def test_gets_still_share_one_kept_alive_connection(
    which: str, keep_alive_server: Callable[..., KeepAliveServer]
) -> None:
    target = keep_alive_server([keep_alive(200, "OK", COMPLETED_CALL_XML)] * 3)

    outcomes = play(which, target.url, [("record", GET_CALL)] * 3)

    assert [outcome.error for outcome in outcomes] == [None, None, None]
    assert [number for number, _ in target.requests] == [0, 0, 0]


# --- finding 2: one attempt ends within 3 x the timeout, however slowly the server drips -------

HEAD_200 = b"HTTP/1.1 200 OK\r\n"
WHOLE_HEAD_201 = b"HTTP/1.1 201 Created\r\nContent-Type: application/xml\r\nContent-Length: %d\r\n\r\n"


@pytest.mark.parametrize("which", TRANSPORTS)
def test_a_head_dripped_a_byte_every_1_5_s_ends_at_the_deadline_with_timeout_2(
    which: str, server: Callable[..., RawServer]
) -> None:
    """The case from the report: ``timeout=2``, ``retries=0``; without a deadline it lasted 21-60 s."""
    target = server(drip(HEAD_200, b"Content-Type: application/xml\r\n" * 10, interval=1.5))

    (outcome,) = play(which, target.url, [("record", GET_CALL)], timeout=2)

    outcome.raised(
        Twilio2008TransportError, "deadline passed: no complete answer within 6 s (3 × the timeout)"
    )
    assert outcome.seconds < 15


@pytest.mark.parametrize("which", TRANSPORTS)
def test_a_create_whose_body_drips_past_the_deadline_is_an_unknown_outcome_sent_once(
    which: str, server: Callable[..., RawServer]
) -> None:
    target = server(drip(WHOLE_HEAD_201 % len(QUEUED_CALL_XML), QUEUED_CALL_XML, interval=0.3))

    (outcome,) = play(which, target.url, [("record", MAKE_CALL)], retries=3, timeout=0.5)

    error = outcome.raised(
        Twilio2008OutcomeUnknownError, "deadline passed: the request was sent but no answer"
    )
    assert "not re-sent" in str(error)
    assert outcome.seconds < 10
    assert target.request_lines() == [f"POST {MAKE_CALL.path} HTTP/1.1"]


@pytest.mark.parametrize("which", TRANSPORTS)
def test_a_get_that_drips_past_the_deadline_is_retried_then_reported(
    which: str, server: Callable[..., RawServer]
) -> None:
    target = server(drip(HEAD_200, b"X-Slow: 1\r\n" * 100, interval=0.3))

    (outcome,) = play(which, target.url, [("record", GET_CALL)], retries=1, timeout=0.5)

    outcome.raised(Twilio2008TransportError, "deadline passed: no complete answer within 1.5 s")
    assert outcome.sleeps == [0.5]
    assert outcome.seconds < 15
    assert len(target.requests) == 2


def test_a_dripped_download_ends_at_the_deadline_and_leaves_no_file(
    make_hook: HookFactory, server: Callable[..., RawServer], tmp_path: Path
) -> None:
    head = b"HTTP/1.1 200 OK\r\nContent-Type: audio/x-wav\r\nContent-Length: 100000\r\n\r\n"
    target = server(drip(head, b"R" * 100_000, interval=0.3))
    hook = make_hook(host=target.url, extra={"retries": 0, "timeout": 0.5})
    started = time.monotonic()

    with pytest.raises(Twilio2008TransportError) as raised:
        hook.download_recording(RECORDING_SID, tmp_path / "voicemail.wav")

    assert "download interrupted after" in str(raised.value) and "deadline passed" in str(raised.value)
    assert time.monotonic() - started < 10
    assert list(tmp_path.iterdir()) == []


# --- finding 3: downloads are capped, and a failed one leaves no file --------------------------


def test_the_longest_recording_as_wav_fits_under_the_media_cap(
    make_hook: HookFactory, server: Callable[..., RawServer], tmp_path: Path
) -> None:
    """3,600 s of 8 kHz 16-bit mono WAV is 57,600,044 bytes: it downloads whole."""
    longest = 44 + 3600 * 8000 * 2
    target = server(big_body(longest, "audio/x-wav"))
    hook = make_hook(host=target.url, extra={"retries": 0})

    written = hook.download_recording(RECORDING_SID, tmp_path / "hour.wav")

    assert written == longest == (tmp_path / "hour.wav").stat().st_size
    assert longest < MAX_MEDIA_BYTES


def test_a_100_mb_download_is_refused_before_writing_and_leaves_no_file(
    make_hook: HookFactory, server: Callable[..., RawServer], tmp_path: Path
) -> None:
    target = server(big_body(100 * 1000 * 1000, "audio/x-wav"))
    hook = make_hook(host=target.url, extra={"retries": 0})
    existing = tmp_path / "voicemail.wav"
    existing.write_bytes(b"previous download")
    started = time.monotonic()

    with pytest.raises(Twilio2008ResponseError) as raised:
        hook.download_recording(RECORDING_SID, existing)

    assert f"recording of 100000000 bytes exceeds the {MAX_MEDIA_BYTES}-byte limit" in str(raised.value)
    assert raised.value.path == MEDIA
    assert time.monotonic() - started < 15
    assert existing.read_bytes() == b"previous download"
    assert [path.name for path in tmp_path.iterdir()] == ["voicemail.wav"]


@pytest.mark.parametrize("answer_with", [endless_body, gzip_bomb], ids=["endless", "gzip-bomb"])
def test_an_endless_or_bomb_download_is_cut_at_the_cap_in_bounded_memory_and_leaves_no_file(
    answer_with: Callable[[str], Script],
    make_hook: HookFactory,
    server: Callable[..., RawServer],
    tmp_path: Path,
) -> None:
    gzip_of_zeros()  # built before measuring
    target = server(answer_with("audio/x-wav"))
    hook = make_hook(host=target.url, extra={"retries": 0})
    assert hook.config.timeout == 30  # the connection is read before measuring
    started = time.monotonic()
    tracemalloc.start()
    try:
        with pytest.raises(Twilio2008ResponseError) as raised:
            hook.download_recording(RECORDING_SID, tmp_path / "voicemail.wav")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    assert f"exceeds the {MAX_MEDIA_BYTES}-byte limit" in str(raised.value)
    assert peak < 8 * MIB, f"peak {peak / MIB:.1f} MiB"
    assert time.monotonic() - started < 30
    assert list(tmp_path.iterdir()) == []


def test_a_download_in_an_encoding_not_asked_for_is_refused_and_leaves_no_file(
    make_hook: HookFactory, server: Callable[..., RawServer], tmp_path: Path
) -> None:
    body = b"\x8b\x00\x80RIFF"  # what a brotli stream of audio might start with
    raw = (
        b"HTTP/1.1 200 OK\r\nContent-Type: audio/x-wav\r\nContent-Encoding: br\r\n"
        b"Content-Length: %d\r\nConnection: close\r\n\r\n" % len(body)
    ) + body
    target = server(raw_reply(raw))
    hook = make_hook(host=target.url, extra={"retries": 0})

    with pytest.raises(Twilio2008ResponseError) as raised:
        hook.download_recording(RECORDING_SID, tmp_path / "voicemail.wav")

    assert "recording is encoded 'br', which was not asked for" in str(raised.value)
    assert list(tmp_path.iterdir()) == []


# --- finding 4: a server echoing the credentials never puts them into an error or a log ----------

ECHO = f"Authenticate: {PAIR} is not valid (you sent {BASIC_AUTH}; token {AUTH_TOKEN.upper()})"


def _echoing_page() -> bytes:
    link = f"https://evil.example.com/2008-08-01/Accounts/{ACCOUNT_SID}/Calls?token={AUTH_TOKEN}"
    return page_body([sample_call()], Call, num_pages=2, next_page_uri=link)


ECHOES: list[tuple[str, Step, Script, type[Twilio2008Error]]] = [
    ("rest-exception", ("record", GET_CALL), answer(401, "Unauthorized", error_body(401, ECHO, 20003)),
     Twilio2008AuthenticationError),
    ("reason-phrase", ("record", MAKE_CALL),
     raw_reply(f"HTTP/1.1 403 {ECHO}\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()),
     Twilio2008AuthenticationError),
    ("redirect-location", ("record", GET_CALL),
     raw_reply(f"HTTP/1.1 302 Found\r\nLocation: https://evil.example.com/?auth={BASIC_VALUE}&t={AUTH_TOKEN}"
               "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()),
     Twilio2008ApiError),
    ("status-line", ("record", GET_CALL), raw_reply(f"{ECHO}\r\n\r\n".encode()), Twilio2008TransportError),
    ("html-500", ("text", ops.transcription_text(ACCOUNT_SID, "TR" + "0" * 32)),
     answer(500, "Internal Server Error", f"<html><pre>{ECHO}</pre></html>".encode(), "text/html"),
     Twilio2008ServerError),
    ("next-page-link", ("iterate", LIST_CALLS), answer(200, "OK", _echoing_page()), Twilio2008ResponseError),
    ("redirect-unpadded-base64", ("record", GET_CALL),
     raw_reply(f"HTTP/1.1 307 Temporary Redirect\r\nLocation: http://127.0.0.1:9/x?auth={UNPADDED['pair']}"
               f"&u={UNPADDED['pair-urlsafe']}&t={UNPADDED['token']}&v={UNPADDED['token-urlsafe']}"
               "\r\nContent-Length: 0\r\nConnection: close\r\n\r\n".encode()),
     Twilio2008ApiError),
    ("error-unpadded-base64", ("record", MAKE_CALL),
     answer(400, "Bad Request", error_body(400, f"bad auth {' '.join(UNPADDED.values())}", 21205)),
     Twilio2008BadRequestError),
]  # fmt: skip


@pytest.mark.parametrize("which", TRANSPORTS)
@pytest.mark.parametrize(
    ("step", "script", "error"), [case[1:] for case in ECHOES], ids=[c[0] for c in ECHOES]
)
def test_a_server_echoing_the_credentials_never_gets_them_into_errors_or_logs(
    which: str,
    step: Step,
    script: Script,
    error: type[Twilio2008Error],
    server: Callable[..., RawServer],
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    target = server(script)

    (outcome,) = play(which, target.url, [step])

    assert type(outcome.error) is error, f"{type(outcome.error).__name__}: {outcome.error}"
    out, err = capfd.readouterr()
    assert_no_secret(everything_about(outcome.error), caplog.text, out, err)


def test_an_echoed_token_is_replaced_by_the_mask_and_the_rest_of_the_message_kept(
    server: Callable[..., RawServer],
) -> None:
    target = server(answer(401, "Unauthorized", error_body(401, ECHO, 20003)))

    (outcome,) = play("sync", target.url, [("record", GET_CALL)])

    error = outcome.raised(Twilio2008AuthenticationError, "Twilio code 20003): Authenticate: ")
    assert isinstance(error, Twilio2008ApiError)
    masked = (
        f"Authenticate: {ACCOUNT_SID}:{REDACTED} is not valid (you sent Basic {REDACTED}; token {REDACTED})"
    )
    assert error.message == masked


@pytest.mark.parametrize("which", TRANSPORTS)
@pytest.mark.parametrize("status", [302, 307])
def test_a_redirect_carrying_the_unpadded_basic_credentials_is_reported_masked(
    which: str, status: int, server: Callable[..., RawServer]
) -> None:
    assert BASIC_VALUE.endswith("=") and UNPADDED["pair"] != BASIC_VALUE
    elsewhere = server(answer(200, "OK", COMPLETED_CALL_XML))
    location = f"{elsewhere.url}/x?auth={UNPADDED['pair']}"
    head = f"HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
    origin = server(raw_reply(head.encode()))

    (outcome,) = play(which, origin.url, [("record", GET_CALL)])

    error = outcome.raised(Twilio2008ApiError, f"unexpected redirect to {elsewhere.url}/x?auth={REDACTED};")
    assert_no_secret(everything_about(error))
    assert elsewhere.requests == [], "a redirect was followed"


def test_a_redirect_to_another_server_is_not_followed_and_the_token_never_sent_there(
    server: Callable[..., RawServer],
) -> None:
    elsewhere = server(answer(200, "OK", COMPLETED_CALL_XML))
    for which in TRANSPORTS:
        for status in (301, 302, 303, 307, 308):
            location = f"{elsewhere.url}{GET_CALL.path}"
            head = f"HTTP/1.1 {status} Moved\r\nLocation: {location}\r\nContent-Length: 0\r\n\r\n"
            origin = server(raw_reply(head.encode()))

            (outcome,) = play(which, origin.url, [("record", GET_CALL)], retries=2)

            error = outcome.raised(Twilio2008ApiError, f"unexpected redirect to {location}")
            assert isinstance(error, Twilio2008ApiError) and error.status == status
            assert len(origin.requests) == 1
    assert elsewhere.requests == [], "a redirect was followed"


# --- hostile bodies ----------------------------------------------------------------------------

XXE = (
    b'<?xml version="1.0"?><!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>'
    b"<TwilioResponse><Call><Sid>&x;</Sid></Call></TwilioResponse>"
)
LAUGHS = (
    b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
    + b"".join(
        b'<!ENTITY lol%d "%s">' % (n, (b"&lol%d;" % (n - 1) if n > 1 else b"&lol;") * 10)
        for n in range(1, 10)
    )
    + b"]><TwilioResponse><Call><Sid>&lol9;</Sid></Call></TwilioResponse>"
)
EXTERNAL_DTD = (
    b'<?xml version="1.0"?><!DOCTYPE TwilioResponse SYSTEM "http://127.0.0.1:9/evil.dtd">'
    b"<TwilioResponse><Call><Sid>CA1</Sid></Call></TwilioResponse>"
)
UTF16_DTD = '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE r [<!ENTITY x "y">]><TwilioResponse/>'.encode(
    "utf-16"
)


@dataclass(frozen=True)
class Body:
    """A hostile answer, the request it answers, and the error both transports must give."""

    name: str
    script: Callable[[], Script]
    error: type[Twilio2008Error]
    phrase: str
    step: Step = ("record", GET_CALL)
    received: int = 1
    retries: int = 0
    max_peak: int = 48 * MIB


BODIES = [
    Body("xxe", lambda: answer(200, "OK", XXE), Twilio2008ResponseError, "declares a DTD or entities"),
    Body("billion-laughs", lambda: answer(200, "OK", LAUGHS), Twilio2008ResponseError, "declares a DTD"),
    Body("external-dtd", lambda: answer(200, "OK", EXTERNAL_DTD), Twilio2008ResponseError, "declares a DTD"),
    Body("dtd-in-utf-16", lambda: answer(200, "OK", UTF16_DTD), Twilio2008ResponseError, "declares a DTD"),
    Body("xxe-on-a-create", lambda: answer(201, "Created", XXE), Twilio2008ResponseError,
         "the request was accepted, so it may have taken effect", step=("record", MAKE_CALL)),
    Body("50-mb-announced", lambda: big_body(50 * 1000 * 1000), Twilio2008ResponseError,
         f"response body of 50000000 bytes exceeds the {xml.MAX_BODY_BYTES}-byte limit", max_peak=4 * MIB),
    Body("endless", lambda: endless_body(), Twilio2008ResponseError,
         f"response body exceeds the {xml.MAX_BODY_BYTES}-byte limit; refused"),
    Body("gzip-bomb", lambda: gzip_bomb(), Twilio2008ResponseError,
         f"exceeds the {xml.MAX_BODY_BYTES}-byte limit once decompressed (gzip)"),
    Body("gzip-bomb-on-a-create", lambda: gzip_bomb(status=201, reason="Created"), Twilio2008ResponseError,
         "once decompressed (gzip); refused [HTTP 201, application/xml]; the request was accepted",
         step=("record", SEND_SMS)),
    Body("gzip-bomb-as-a-500-page", lambda: gzip_bomb("text/html", 500, "Internal Server Error"),
         Twilio2008ServerError, "(HTTP 500): Internal Server Error", received=2, retries=1),
    Body("corrupt-gzip", lambda: raw_reply(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: 20\r\nConnection: close\r\n\r\n" + b"\x1f\x8b\x08\x00" + b"\xff" * 16),
        Twilio2008ResponseError, "response body is not valid gzip data", received=2, retries=1),
    Body("gzip-cut-short", lambda: raw_reply(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Encoding: gzip\r\n"
        b"Content-Length: 30\r\nConnection: close\r\n\r\n" + gzip.compress(COMPLETED_CALL_XML)[:30]),
        Twilio2008ResponseError, "response body (gzip) is cut short", received=2, retries=1),
    Body("brotli-not-asked-for", lambda: raw_reply(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Encoding: br\r\n"
        b"Content-Length: 4\r\nConnection: close\r\n\r\n\x8b\x00\x80<"),
        Twilio2008ResponseError, "response body is encoded 'br', which was not asked for"),
    Body("html-503-page", lambda: answer(503, "Service Unavailable", b"<html><h1>5</h1>" * 500, "text/html"),
         Twilio2008ServerError, "(HTTP 503): Service Unavailable", received=3, retries=2),
    Body("html-200-from-a-proxy", lambda: answer(200, "OK", b"<html><p>Sign in</p></html>", "text/html"),
         Twilio2008ResponseError, "expected <TwilioResponse>, got <html> [HTTP 200, text/html]"),
    Body("json-200", lambda: answer(200, "OK", b'{"sid": "CA1"}', "application/json"),
         Twilio2008ResponseError, "not well-formed XML", received=2, retries=1),
    Body("plain-text-500", lambda: answer(500, "Internal Server Error", b"oops", "text/plain"),
         Twilio2008ServerError, "(HTTP 500): Internal Server Error"),
    Body("xml-cut-mid-document", lambda: answer(200, "OK", COMPLETED_CALL_XML[:-40]),
         Twilio2008ResponseError, "not well-formed XML", received=2, retries=1),
    Body("xml-cut-on-the-wire", lambda: raw_reply(
        b"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\nContent-Length: 9000\r\n\r\n"
        + COMPLETED_CALL_XML),
        Twilio2008TransportError, "answer cut short: the connection closed before the whole body"),
    Body("endless-headers", lambda: endless_headers(), Twilio2008TransportError, f"GET {GET_CALL.path}: "),
    Body("garbage-status-line", lambda: raw_reply(b"\x00\xff\xfe garbage\r\n\r\n"),
         Twilio2008TransportError, f"GET {GET_CALL.path}: "),
]  # fmt: skip


@pytest.mark.parametrize("which", TRANSPORTS)
@pytest.mark.parametrize("case", BODIES, ids=[case.name for case in BODIES])
def test_a_hostile_answer_gives_a_typed_error_in_bounded_time_and_memory(
    which: str, case: Body, server: Callable[..., RawServer], caplog: pytest.LogCaptureFixture
) -> None:
    gzip_of_zeros()  # built before measuring
    target = server(case.script())

    (outcome,) = play(which, target.url, [case.step], retries=case.retries, memory=True)

    outcome.raised(case.error, case.phrase)
    assert outcome.seconds < 15
    assert outcome.peak < case.max_peak, f"peak {outcome.peak / MIB:.1f} MiB"
    assert len(target.requests) == case.received
    assert_no_secret(everything_about(outcome.error), caplog.text)


def test_the_hostile_bodies_cover_the_issue_list() -> None:
    """Guard the table: each family named in issue #8 is there, and every name is unique."""
    names = {case.name for case in BODIES}
    for family in ("xxe", "billion-laughs", "external-dtd", "50-mb", "endless", "gzip-bomb", "html", "json",
                   "cut"):  # fmt: skip
        assert any(family in name for name in names), family
    assert len(names) == len(BODIES)


def test_a_gzip_bomb_is_a_valid_gzip_of_a_gibibyte_of_zeros() -> None:
    """The bomb is real: it inflates to 1 GiB (checked on its first and last pieces, not whole)."""
    bomb = gzip_of_zeros()
    inflater = zlib.decompressobj(16 + zlib.MAX_WBITS)
    first = inflater.decompress(bomb, MIB)
    assert first == bytes(MIB) and len(bomb) < 2 * MIB
    assert int.from_bytes(bomb[-4:], "little") == 1 << 30  # ISIZE: the inflated size modulo 2**32
