"""Helpers for the hook tests: the connection that points at the fake Twilio, bodies, samples.

The fake Twilio is ``pytest-httpserver`` (a real HTTP server); what the hook sent is read back
from ``httpserver.log``. For failures an HTTP server cannot produce (a connection dropped after
the request was read, a body cut short, a server that never answers) :class:`RawServer` is a
bare TCP server whose answer to each request is scripted.
"""

from __future__ import annotations

import base64
import functools
import json
import select
import socket
import struct
import threading
import time
import zlib
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

import pendulum
from pytest_httpserver import HTTPServer
from werkzeug.datastructures import MultiDict

from airflow_provider_twilio2008.api import xml
from airflow_provider_twilio2008.api.records import (
    Account,
    AccountStatus,
    Call,
    CallFlags,
    CallStatus,
    Conference,
    ConferenceStatus,
    IncomingPhoneNumber,
    Notification,
    NotificationLog,
    OutgoingCallerId,
    Page,
    Participant,
    Record,
    Recording,
    SmsFlags,
    SmsMessage,
    SmsStatus,
    Transcription,
    TranscriptionStatus,
    ValidationRequest,
)
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

ACCOUNT_SID = "AC569f37a7882d4ae4b137dc01b69ca936"
#: A distinctive token, so that any leak of it is easy to find in logs and messages.
AUTH_TOKEN = "f00dfeedc0ffee00d15ea5edeadbeef1"
BASIC_AUTH = "Basic " + base64.b64encode(f"{ACCOUNT_SID}:{AUTH_TOKEN}".encode()).decode()
CONN_ID = "twilio2008_test"
CONN_ENV = "AIRFLOW_CONN_TWILIO2008_TEST"
API = f"/2008-08-01/Accounts/{ACCOUNT_SID}"

CALL_SID = "CAa33daab7eae46930dbde97c13e86cb9d"
OTHER_CALL_SID = "CAc9bf0126a4890525c9da5d0f8d2d9c40"
SEGMENT_SID = "CA0f1e2d3c4b5a69788796a5b4c3d2e1f0"
SMS_SID = "SM4a4551f8b8a42e6f49f26d56c4748ba9"
RECORDING_SID = "RE9998648e3eee538e92a53407b824a08e"
TRANSCRIPTION_SID = "TR4179d4e2cb681f3a0c380174d4d8050a"
NOTIFICATION_SID = "NO578335d2f866e2cd6f91dd04c30cb44f"
CALLER_ID_SID = "PNdabce6dd0b5a5229e68bb58da13abb23"
NUMBER_SID = "PN8382ae1bc8ebb8eb579500bcefc3531f"
CONFERENCE_SID = "CF322ba14a5bf9e95c818604ef033311bf"

XML_TYPE = "application/xml"
PACIFIC = pendulum.FixedTimezone(-8 * 3600)


# --- the fake Twilio -------------------------------------------------------------------------


def base_url(server: HTTPServer) -> str:
    """Return ``http://127.0.0.1:<port>`` for the fake Twilio."""
    return server.url_for("").rstrip("/")


def connection_json(host: str | None, **extra: Any) -> str:
    """Return the JSON form of a ``twilio2008`` connection for an ``AIRFLOW_CONN_*`` variable."""
    conn: dict[str, Any] = {"conn_type": "twilio2008", "login": ACCOUNT_SID, "password": AUTH_TOKEN}
    if host is not None:
        conn["host"] = host
    if extra:
        conn["extra"] = extra
    return json.dumps(conn)


HookFactory = Callable[..., Twilio2008Hook]


def only_values(values: MultiDict[str, str]) -> dict[str, str]:
    """Return a plain dict of a query or form, failing if a key was sent twice."""
    pairs = list(values.items(multi=True))
    as_dict = dict(pairs)
    assert len(as_dict) == len(pairs), f"a key was sent more than once: {pairs}"
    return as_dict


def public_hook_methods() -> dict[str, Callable[..., Any]]:
    """Return every public method of ``Twilio2008Hook`` defined in this package, by name.

    ``vars(Twilio2008Hook)`` misses the methods of its mixins (``CallMethods``, ...), so this walks
    the whole MRO and keeps the classes whose module belongs to ``airflow_provider_twilio2008``;
    Airflow's own ``BaseHook`` methods are left out. A subclass's definition wins, as in lookup.
    """
    methods: dict[str, Callable[..., Any]] = {}
    for cls in Twilio2008Hook.__mro__:
        if not cls.__module__.startswith("airflow_provider_twilio2008"):
            continue
        for name, value in vars(cls).items():
            if not name.startswith("_") and callable(value):
                methods.setdefault(name, value)
    return methods


# --- response bodies ---------------------------------------------------------------------------


def page_body(items: list[Record], record_type: type[Record], **attributes: Any) -> bytes:
    """Render a one-page list (unless paging ``attributes`` say otherwise)."""
    defaults: dict[str, Any] = {
        "page": 0,
        "num_pages": 1,
        "page_size": 50,
        "total": len(items),
        "start": 0,
        "end": max(len(items) - 1, 0),
    }
    defaults.update(attributes)
    return xml.render_page(Page(tuple(items), **defaults), record_type)


def error_body(status: int, message: str, code: int | None = None, more_info: str | None = None) -> bytes:
    """Render a ``<RestException>`` document."""
    return xml.render_rest_exception(xml.RestException(status, message, code, more_info))


# Written by hand from the reference (section 3.1 and 3.2), not by our renderer.
ACCOUNT_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<TwilioResponse>
  <Account>
    <Sid>{ACCOUNT_SID}</Sid>
    <FriendlyName>Ops Account</FriendlyName>
    <Status>2</Status>
    <StatusText>Active</StatusText>
    <DateCreated>Mon, 12 Jan 2009 09:14:05 -0800</DateCreated>
    <DateUpdated>Mon, 12 Jan 2009 09:20:41 -0800</DateUpdated>
    <AuthToken>{AUTH_TOKEN}</AuthToken>
  </Account>
</TwilioResponse>
""".encode()

COMPLETED_CALL_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<TwilioResponse>
  <Call>
    <Sid>{CALL_SID}</Sid>
    <DateCreated>Fri, 06 Nov 2009 10:02:11 -0800</DateCreated>
    <DateUpdated>Fri, 06 Nov 2009 10:04:57 -0800</DateUpdated>
    <CallSegmentSid/>
    <AccountSid>{ACCOUNT_SID}</AccountSid>
    <Called>4155550134</Called>
    <Caller>4155550199</Caller>
    <PhoneNumberSid>PN8382ae1bc8ebb8eb579500bcefc3531f</PhoneNumberSid>
    <Status>2</Status>
    <StartTime>Fri, 06 Nov 2009 10:02:15 -0800</StartTime>
    <EndTime>Fri, 06 Nov 2009 10:04:57 -0800</EndTime>
    <Duration>162</Duration>
    <Price>-0.09000</Price>
    <Flags>2</Flags>
  </Call>
</TwilioResponse>
""".encode()

QUEUED_CALL_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<TwilioResponse>
  <Call>
    <Sid>{CALL_SID}</Sid>
    <DateCreated>Fri, 06 Nov 2009 10:02:11 -0800</DateCreated>
    <DateUpdated>Fri, 06 Nov 2009 10:02:11 -0800</DateUpdated>
    <CallSegmentSid/>
    <AccountSid>{ACCOUNT_SID}</AccountSid>
    <Called>4155550134</Called>
    <Caller>4155550199</Caller>
    <PhoneNumberSid>PN8382ae1bc8ebb8eb579500bcefc3531f</PhoneNumberSid>
    <Status>0</Status>
    <StartTime/>
    <EndTime/>
    <Duration/>
    <Price/>
    <Flags>2</Flags>
  </Call>
</TwilioResponse>
""".encode()

TRANSCRIPTION_XML = f"""<?xml version="1.0" encoding="UTF-8"?>
<TwilioResponse>
  <Transcription>
    <Sid>{TRANSCRIPTION_SID}</Sid>
    <DateCreated>1257530690</DateCreated>
    <DateUpdated>1257530712</DateUpdated>
    <AccountSid>{ACCOUNT_SID}</AccountSid>
    <Status>completed</Status>
    <RecordingSid>{RECORDING_SID}</RecordingSid>
    <Duration>37</Duration>
    <TranscriptionText>Hi, this is Dana, please call me back about the invoice.</TranscriptionText>
    <Price>-0.05000</Price>
  </Transcription>
</TwilioResponse>
""".encode()


def when(day: int, hour: int, minute: int, second: int = 0, month: int = 11) -> pendulum.DateTime:
    """Return a 2009 Pacific-time instant like the reference examples."""
    return pendulum.datetime(2009, month, day, hour, minute, second, tz=PACIFIC)


def sample_call(sid: str = CALL_SID, **overrides: Any) -> Call:
    values: dict[str, Any] = {
        "sid": sid,
        "date_created": when(6, 10, 2, 11),
        "date_updated": when(6, 10, 4, 57),
        "account_sid": ACCOUNT_SID,
        "called": "4155550134",
        "caller": "4155550199",
        "phone_number_sid": NUMBER_SID,
        "status": CallStatus.COMPLETED,
        "start_time": when(6, 10, 2, 15),
        "end_time": when(6, 10, 4, 57),
        "duration": 162,
        "price": Decimal("-0.09000"),
        "flags": CallFlags.API,
    }
    values.update(overrides)
    return Call(**values)


def sample_account(**overrides: Any) -> Account:
    values: dict[str, Any] = {
        "sid": ACCOUNT_SID,
        "friendly_name": "Ops Account",
        "status": AccountStatus.ACTIVE,
        "status_text": "Active",
        "date_created": pendulum.datetime(2009, 1, 12, 9, 14, 5, tz=PACIFIC),
        "date_updated": pendulum.datetime(2009, 1, 12, 9, 20, 41, tz=PACIFIC),
    }
    values.update(overrides)
    return Account(**values)


def sample_sms(**overrides: Any) -> SmsMessage:
    values: dict[str, Any] = {
        "sid": SMS_SID,
        "date_created": pendulum.datetime(2009, 10, 21, 16, 5, 12, tz=pendulum.FixedTimezone(-7 * 3600)),
        "date_updated": pendulum.datetime(2009, 10, 21, 16, 5, 12, tz=pendulum.FixedTimezone(-7 * 3600)),
        "account_sid": ACCOUNT_SID,
        "to": "6505550123",
        "from_": "4155550199",
        "body": "Build 1842 deployed to staging",
        "status": SmsStatus.QUEUED,
        "flags": SmsFlags.API,
    }
    values.update(overrides)
    return SmsMessage(**values)


def sample_recording(sid: str = RECORDING_SID, **overrides: Any) -> Recording:
    values: dict[str, Any] = {
        "sid": sid,
        "account_sid": ACCOUNT_SID,
        "call_sid": CALL_SID,
        "duration": 37,
        "date_created": when(6, 10, 3, 40),
        "date_updated": when(6, 10, 3, 40),
    }
    values.update(overrides)
    return Recording(**values)


def sample_transcription(**overrides: Any) -> Transcription:
    values: dict[str, Any] = {
        "sid": TRANSCRIPTION_SID,
        "date_created": pendulum.from_timestamp(1257530690),
        "date_updated": pendulum.from_timestamp(1257530712),
        "account_sid": ACCOUNT_SID,
        "status": TranscriptionStatus.COMPLETED,
        "recording_sid": RECORDING_SID,
        "duration": 37,
        "transcription_text": "Hi, this is Dana, please call me back about the invoice.",
        "price": Decimal("-0.05000"),
    }
    values.update(overrides)
    return Transcription(**values)


def sample_notification(**overrides: Any) -> Notification:
    values: dict[str, Any] = {
        "sid": NOTIFICATION_SID,
        "date_created": when(6, 10, 2, 16),
        "date_updated": when(6, 10, 2, 16),
        "account_sid": ACCOUNT_SID,
        "call_sid": CALL_SID,
        "log": NotificationLog.ERROR,
        "error_code": 11200,
        "more_info": "http://www.twilio.com/docs/errors/11200",
        "message_text": "HTTP retrieval failure",
        "message_date": when(6, 10, 2, 16),
        "request_url": "http://app.example.com/twiml/start",
        "request_method": "POST",
        "request_variables": f"CallSid={CALL_SID}&Caller=4155550199&Called=4155550134",
        "response_headers": "Content-Type: text/html",
        "response_body": "<h1>502 Bad Gateway</h1>",
    }
    values.update(overrides)
    return Notification(**values)


def sample_caller_id(**overrides: Any) -> OutgoingCallerId:
    values: dict[str, Any] = {
        "sid": CALLER_ID_SID,
        "date_created": when(2, 9, 0, 0),
        "date_updated": when(2, 9, 0, 0),
        "friendly_name": "(650) 555-0123",
        "account_sid": ACCOUNT_SID,
        "phone_number": "6505550123",
    }
    values.update(overrides)
    return OutgoingCallerId(**values)


def sample_validation_request() -> ValidationRequest:
    return ValidationRequest(
        account_sid=ACCOUNT_SID,
        phone_number="6505550123",
        friendly_name="Dana mobile",
        validation_code="730512",
    )


def sample_number(**overrides: Any) -> IncomingPhoneNumber:
    values: dict[str, Any] = {
        "sid": NUMBER_SID,
        "account_sid": ACCOUNT_SID,
        "friendly_name": "Support line",
        "phone_number": "4155550199",
        "url": "http://app.example.com/twiml/inbound",
        "method": "POST",
        "sms_url": "http://app.example.com/twiml/sms",
        "sms_method": "POST",
        "voice_caller_id_lookup": False,
        "date_created": when(15, 14, 0, 3, month=10),
        "date_updated": when(15, 14, 0, 3, month=10),
    }
    values.update(overrides)
    return IncomingPhoneNumber(**values)


def sample_conference(**overrides: Any) -> Conference:
    values: dict[str, Any] = {
        "sid": CONFERENCE_SID,
        "account_sid": ACCOUNT_SID,
        "friendly_name": "standup-room",
        "status": ConferenceStatus.IN_PROGRESS,
        "date_created": when(9, 9, 0, 12),
        "date_updated": when(9, 9, 1, 40),
    }
    values.update(overrides)
    return Conference(**values)


def sample_participant(**overrides: Any) -> Participant:
    values: dict[str, Any] = {
        "conference_sid": CONFERENCE_SID,
        "account_sid": ACCOUNT_SID,
        "call_sid": OTHER_CALL_SID,
        "muted": True,
        "start_conference_on_enter": True,
        "end_conference_on_exit": False,
        "date_created": when(9, 9, 1, 5),
        "date_updated": when(9, 9, 3, 22),
    }
    values.update(overrides)
    return Participant(**values)


# --- a scripted TCP server ------------------------------------------------------------------

Answer = Callable[[socket.socket], None]


def read_http_request(conn: socket.socket) -> bytes:
    """Read one whole HTTP/1.1 request (head and ``Content-Length`` body) from ``conn``."""
    data = b""
    while b"\r\n\r\n" not in data:
        chunk = conn.recv(65536)
        if not chunk:
            return data
        data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(body) < length:
        chunk = conn.recv(65536)
        if not chunk:
            break
        body += chunk
    return head + b"\r\n\r\n" + body


def http_response(status: int, reason: str, body: bytes, content_type: str = XML_TYPE) -> bytes:
    """Return a complete HTTP/1.1 response that closes the connection."""
    head = (
        f"HTTP/1.1 {status} {reason}\r\nContent-Type: {content_type}\r\n"
        f"Content-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    return head.encode() + body


def drop(conn: socket.socket) -> None:
    """Close the connection without answering (the request was read)."""


def hold(conn: socket.socket) -> None:
    """Keep the connection open, unanswered, until the server stops (handled by :class:`RawServer`)."""


def answer(status: int, reason: str, body: bytes, content_type: str = XML_TYPE) -> Answer:
    """Answer with a complete response."""

    def send(conn: socket.socket) -> None:
        conn.sendall(http_response(status, reason, body, content_type))

    return send


def answer_cut_short(body: bytes, announced: int, content_type: str = "audio/x-wav") -> Answer:
    """Announce ``announced`` bytes, send only ``body``, then close."""

    def send(conn: socket.socket) -> None:
        head = (
            f"HTTP/1.1 200 OK\r\nContent-Type: {content_type}\r\nContent-Length: {announced}\r\n"
            "Connection: close\r\n\r\n"
        )
        conn.sendall(head.encode() + body)

    return send


@dataclass
class RawServer:
    """A TCP server on 127.0.0.1 that reads each request whole, then runs the next scripted answer.

    The last answer is reused once the script runs out. :func:`hold` keeps the connection
    open, unanswered, until the server is stopped.
    """

    answers: list[Answer]
    requests: list[bytes] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            conn.settimeout(10)
            with conn:
                try:
                    request = read_http_request(conn)
                    if not request:
                        continue
                    index = len(self.requests)
                    self.requests.append(request)
                    chosen = self.answers[min(index, len(self.answers) - 1)]
                    if chosen is hold:
                        self.stopped.wait(10)
                    else:
                        chosen(conn)
                except OSError:
                    continue

    def request_lines(self) -> list[str]:
        """Return the request lines received (``POST /path HTTP/1.1``)."""
        return [request.split(b"\r\n", 1)[0].decode() for request in self.requests]

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        self.sock.close()


def closed_port() -> int:
    """Return a port on 127.0.0.1 that nothing listens on (connections are refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def render_sms(**overrides: Any) -> bytes:
    """Return a ``<SMSMessage>`` document."""
    return xml.render_record(sample_sms(**overrides))


# --- hostile answers (issue #8) ----------------------------------------------------------------

_BLOCK = b"a" * (1 << 20)


def _head(status: int, reason: str, content_type: str, *headers: str) -> bytes:
    lines = [f"HTTP/1.1 {status} {reason}", f"Content-Type: {content_type}", *headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode()


def raw_reply(data: bytes) -> Answer:
    """Send ``data`` exactly as given (a broken status line, an echo), then close."""

    def send(conn: socket.socket) -> None:
        conn.sendall(data)

    return send


def _client_left(conn: socket.socket, wait: float) -> bool:
    """Wait up to ``wait`` seconds; tell whether the client has closed its side (then the next is served)."""
    readable, _, _ = select.select([conn], [], [], wait)
    if not readable:
        return False
    try:
        return conn.recv(1, socket.MSG_PEEK) == b""
    except OSError:
        return True


def drip(head: bytes, body: bytes, interval: float, *, max_seconds: float = 40.0) -> Answer:
    """Send ``head`` at once, then ``body`` one byte every ``interval`` s, never idle for a whole timeout.

    Stops when the client goes away, when ``body`` is sent, or after ``max_seconds`` (a client
    without an overall deadline is then held that long, and its test fails on time).
    """

    def send(conn: socket.socket) -> None:
        started = time.monotonic()
        try:
            conn.sendall(head)
            for index in range(len(body)):
                if time.monotonic() - started > max_seconds or _client_left(conn, interval):
                    return
                conn.sendall(body[index : index + 1])
        except OSError:
            return

    return send


def big_body(size: int, content_type: str = XML_TYPE, status: int = 200, reason: str = "OK") -> Answer:
    """Announce and send ``size`` bytes (a repeated 1 MiB block, so the server itself stays small)."""

    def send(conn: socket.socket) -> None:
        try:
            conn.sendall(_head(status, reason, content_type, f"Content-Length: {size}", "Connection: close"))
            left = size
            while left > 0:
                piece = memoryview(_BLOCK)[: min(left, len(_BLOCK))]
                conn.sendall(piece)
                left -= len(piece)
        except OSError:
            return

    return send


def endless_body(content_type: str = XML_TYPE, *, limit: int = 1 << 30) -> Answer:
    """Send a chunked body that never ends (1 MiB chunks, up to ``limit`` bytes or till the client leaves)."""
    chunk = f"{len(_BLOCK):x}\r\n".encode() + _BLOCK + b"\r\n"

    def send(conn: socket.socket) -> None:
        try:
            conn.sendall(_head(200, "OK", content_type, "Transfer-Encoding: chunked"))
            for _ in range(limit // len(_BLOCK)):
                conn.sendall(chunk)
        except OSError:
            return

    return send


def endless_headers(*, limit: int = 64 << 20) -> Answer:
    """Send a status line, then header lines without end (in 64 KiB blocks, up to ``limit`` bytes)."""
    block = b"X-Filler: " + b"a" * 54 + b"\r\n"
    block *= (64 << 10) // len(block)

    def send(conn: socket.socket) -> None:
        try:
            conn.sendall(b"HTTP/1.1 200 OK\r\n")
            for _ in range(limit // len(block)):
                conn.sendall(block)
        except OSError:
            return

    return send


@functools.cache
def gzip_of_zeros(gib: int = 1) -> bytes:
    """Return a valid single-member gzip of ``gib`` GiB of zero bytes, about 1 MB long.

    Built from one full-flushed deflate block of 1 MiB of zeros repeated (the compressor's
    output for it is identical each time), so it takes a fraction of a second, not a minute.
    """
    zeros = bytes(1 << 20)
    deflate = zlib.compressobj(9, zlib.DEFLATED, -zlib.MAX_WBITS)
    first = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    steady = deflate.compress(zeros) + deflate.flush(zlib.Z_FULL_FLUSH)
    end = deflate.flush()
    megabytes = gib * 1024
    crc = 0
    for _ in range(megabytes):
        crc = zlib.crc32(zeros, crc)
    header = b"\x1f\x8b\x08\x00\x00\x00\x00\x00\x02\xff"
    trailer = struct.pack("<II", crc, (megabytes << 20) & 0xFFFFFFFF)
    return header + first + steady * (megabytes - 1) + end + trailer


def gzip_bomb(content_type: str = XML_TYPE, status: int = 200, reason: str = "OK") -> Answer:
    """Answer with 1 GiB of zeros, gzip-encoded into about 1 MB (``Content-Encoding: gzip``)."""

    def send(conn: socket.socket) -> None:
        body = gzip_of_zeros()
        head = _head(
            status,
            reason,
            content_type,
            "Content-Encoding: gzip",
            f"Content-Length: {len(body)}",
            "Connection: close",
        )
        try:
            conn.sendall(head + body)
        except OSError:
            return

    return send


def keep_alive(status: int, reason: str, body: bytes, content_type: str = XML_TYPE) -> Answer:
    """Answer completely but keep the connection open (no ``Connection: close``)."""

    def send(conn: socket.socket) -> None:
        conn.sendall(_head(status, reason, content_type, f"Content-Length: {len(body)}") + body)

    return send


@dataclass
class KeepAliveServer:
    """A TCP server that serves several requests per connection, each connection its own script.

    Connection ``n`` plays ``scripts[n]`` (the last script is reused): the ``k``-th request read
    on it gets the script's ``k``-th answer; after the last one (or after :func:`drop`) the
    connection is closed. ``keep_alive(...)`` answers leave it open for the next request.
    ``requests`` records ``(connection number, request line)``.
    """

    scripts: list[list[Answer]]
    requests: list[tuple[int, str]] = field(default_factory=list)
    stopped: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.05)
        self.port = self.sock.getsockname()[1]
        self.connections = 0
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def _serve(self) -> None:
        while not self.stopped.is_set():
            try:
                conn, _ = self.sock.accept()
            except TimeoutError:
                continue
            except OSError:
                return
            number = self.connections
            self.connections += 1
            script = self.scripts[min(number, len(self.scripts) - 1)]
            threading.Thread(target=self._play, args=(conn, number, script), daemon=True).start()

    def _play(self, conn: socket.socket, number: int, script: list[Answer]) -> None:
        conn.settimeout(10)
        with conn:
            for chosen in script:
                try:
                    request = read_http_request(conn)
                except OSError:
                    return
                if not request:
                    return
                self.requests.append((number, request.split(b"\r\n", 1)[0].decode()))
                if chosen is drop:
                    return
                chosen(conn)

    def stop(self) -> None:
        self.stopped.set()
        self.thread.join(5)
        self.sock.close()
