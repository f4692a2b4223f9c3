"""The emulator's requests to applications: answers read to the 64 KiB cap, one deadline each.

Pins :mod:`airflow_provider_twilio2008.emulator.webhooks` through what a user sees: the call or
the incoming SMS an answer belongs to, its Notification, and how much the application managed
to send before the emulator stopped reading. The applications are real HTTP servers on loopback.
"""

from __future__ import annotations

import socketserver
import threading
import time
from collections.abc import Callable, Iterator

import pytest

from airflow_provider_twilio2008.api.records import (
    Call,
    CallStatus,
    IncomingPhoneNumber,
    Notification,
    SmsMessage,
)
from airflow_provider_twilio2008.emulator.model.state import SEED_NUMBER
from airflow_provider_twilio2008.emulator.webhooks import ANSWER_LIMIT
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.emulator.helpers import Api, wait_for

HUGE = 64 * 1024 * 1024
CHUNK = 64 * 1024
HANGUP = b"<Response><Hangup/></Response>"
#: What ``/final`` answers: the TwiML a redirect leads to.
FINAL = b"HTTP/1.1 200 OK\r\nContent-Type: text/xml\r\nContent-Length: %d\r\nConnection: close\r\n\r\n%s" % (
    len(HANGUP),
    HANGUP,
)


class Application:
    """A loopback HTTP server answering every request with headers, then ``body()``'s chunks.

    It counts the body bytes it managed to write before the client stopped reading.

    :param content_type: the answer's ``Content-Type``.
    :param length: the ``Content-Length`` it declares.
    :param body: yields the body's chunks (written one by one, with any pause it makes).
    :param redirect_to: answer ``302`` to this path instead of ``200`` (with the same body);
        ``/final`` answers ``<Response><Hangup/></Response>``.
    """

    def __init__(
        self,
        content_type: str,
        length: int,
        body: Callable[[], Iterator[bytes]],
        *,
        redirect_to: str | None = None,
    ) -> None:
        self.sent = 0
        self.paths: list[str] = []
        self.requests = 0
        self.done = threading.Event()
        outer = self

        class Handler(socketserver.StreamRequestHandler):
            def handle(self) -> None:
                path = self.rfile.readline().split(b" ")[1].decode()
                while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                    pass  # the headers; the form does not matter here
                outer.requests += 1
                outer.paths.append(path)
                if path.startswith("/final"):
                    self.wfile.write(FINAL)
                    return
                status = f"302 Found\r\nLocation: {redirect_to}" if redirect_to else "200 OK"
                head = (
                    f"HTTP/1.1 {status}\r\nContent-Type: {content_type}\r\nContent-Length: {length}\r\n\r\n"
                )
                try:
                    self.wfile.write(head.encode())
                    for chunk in body():
                        self.wfile.write(chunk)
                        self.wfile.flush()
                        outer.sent += len(chunk)
                except OSError:
                    pass  # the emulator closed the connection: what we counted is what it took
                finally:
                    outer.done.set()

        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", 0), Handler)
        self.server.allow_reuse_address = True
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/app"

    def close(self) -> None:
        """Stop serving."""
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def serve() -> Iterator[Callable[[str, int, Callable[[], Iterator[bytes]]], Application]]:
    """Start applications; stop them after the test."""
    started: list[Application] = []

    def start(
        content_type: str, length: int, body: Callable[[], Iterator[bytes]], *, redirect_to: str | None = None
    ) -> Application:
        app = Application(content_type, length, body, redirect_to=redirect_to)
        started.append(app)
        return app

    yield start
    for app in started:
        app.close()


def huge_twiml() -> Iterator[bytes]:
    """Yield a 64 MiB TwiML document: one ``<Say>`` that never ends."""
    yield b"<Response><Say>" + b"a" * (CHUNK - 15)
    for _ in range(HUGE // CHUNK - 1):
        yield b"a" * CHUNK


def huge_text() -> Iterator[bytes]:
    """Yield 64 MiB of plain text."""
    for _ in range(HUGE // CHUNK):
        yield b"thanks " * (CHUNK // 7) + b"x" * (CHUNK % 7)


def drip() -> Iterator[bytes]:
    """Yield one byte every half second, for far longer than any deadline."""
    for _ in range(600):
        yield b" "
        time.sleep(0.5)


def final_call(api: Api, sid: str, timeout: float = 10.0) -> Call:
    """Wait for a call to end; return it."""
    return wait_for(lambda: (c := api.record(f"Calls/{sid}", Call)).status.is_terminal and c, timeout)


def only_notification(api: Api) -> Notification:
    """Wait for the account's one Notification; return it in full (instance view)."""
    (listed,) = wait_for(lambda: api.page("Notifications", Notification).items)
    return api.record(f"Notifications/{listed.sid}", Notification)


def test_a_64_mib_twiml_answer_is_read_to_the_cap_and_fails_the_call_with_12100(
    api: Api, serve: Callable[..., Application]
) -> None:
    app = serve("text/xml", HUGE, huge_twiml)
    call = api.create("Calls", Call, {"Caller": SEED_NUMBER, "Called": "4155550100", "Url": app.url})

    ended = final_call(api, call.sid)

    assert ended.status is CallStatus.FAILED
    note = only_notification(api)
    assert note.error_code == 12100
    assert note.message_text == f"Document parse failure: document is over the {ANSWER_LIMIT}-byte limit"
    # The Notification keeps a bounded excerpt of what was answered, never the 64 MiB.
    assert note.response_body is not None and note.response_body.startswith("<Response><Say>aaa")
    assert len(note.response_body) == ANSWER_LIMIT
    assert len(api.get(f"Notifications/{note.sid}").content) < 2 * ANSWER_LIMIT
    # The emulator stopped reading at the cap: the application could not push its 64 MiB
    # (what it did write is the cap plus what the sockets' buffers held).
    assert app.done.wait(10)
    assert app.sent < HUGE // 4, app.sent


def test_a_64_mib_text_reply_to_an_incoming_sms_is_cut_at_the_cap_and_not_texted(
    api: Api, serve: Callable[..., Application]
) -> None:
    app = serve("text/plain", HUGE, huge_text)
    seed = api.page("IncomingPhoneNumbers", IncomingPhoneNumber).items[0]
    assert (
        api.post(f"IncomingPhoneNumbers/{seed.sid}", {"Url": app.url, "SmsUrl": app.url}).status_code == 200
    )
    api.emulator.control("POST", "inbound/sms", {"From": "4155550100", "To": SEED_NUMBER, "Body": "hi"})

    note = only_notification(api)

    assert note.error_code == 21605
    assert note.message_text == (
        f"SMS reply is over {ANSWER_LIMIT} bytes long, over 160 characters: nothing sent"
    )
    assert note.response_body is not None and len(note.response_body) == ANSWER_LIMIT
    assert [message.body for message in api.page("SMS/Messages", SmsMessage).items] == ["hi"]
    assert app.done.wait(10)
    assert app.sent < HUGE // 4, app.sent


def test_a_redirect_with_a_64_mib_body_is_followed_without_reading_it(
    api: Api, serve: Callable[..., Application]
) -> None:
    app = serve("text/html", HUGE, huge_text, redirect_to="/final")
    call = api.create("Calls", Call, {"Caller": SEED_NUMBER, "Called": "4155550100", "Url": app.url})

    ended = final_call(api, call.sid)

    assert ended.status is CallStatus.COMPLETED  # the TwiML behind the redirect ran
    assert [path.split("?")[0] for path in app.paths] == ["/app", "/final"]
    assert app.done.wait(10)
    assert app.sent < HUGE // 4, app.sent  # the 302's own body was left unread


@pytest.fixture
def impatient(twilio2008_emulator_factory: Callable[..., EmulatorHandle]) -> Api:
    """An emulator that gives an application 2 s for its whole answer."""
    return Api(twilio2008_emulator_factory(webhook_timeout=2.0))


def test_twiml_dripped_a_byte_at_a_time_fails_the_call_with_11200_at_the_deadline(
    impatient: Api, serve: Callable[..., Application]
) -> None:
    # Each byte comes well within any per-read timeout; only the overall deadline ends it.
    app = serve("text/xml", 1000, drip)
    call = impatient.create("Calls", Call, {"Caller": SEED_NUMBER, "Called": "4155550100", "Url": app.url})

    ended = final_call(impatient, call.sid, timeout=15)

    assert ended.status is CallStatus.FAILED
    note = only_notification(impatient)
    assert note.error_code == 11200
    assert note.message_text == "HTTP retrieval failure: TimeoutException: no complete answer within 2 s"
    assert 2 <= app.sent < 20  # it was reading, a byte every half second, until the deadline


def test_an_sms_url_that_drips_fails_the_reply_with_11200_at_the_deadline(
    impatient: Api, serve: Callable[..., Application]
) -> None:
    app = serve("text/plain", 1000, drip)
    seed = impatient.page("IncomingPhoneNumbers", IncomingPhoneNumber).items[0]
    assert (
        impatient.post(f"IncomingPhoneNumbers/{seed.sid}", {"Url": app.url, "SmsUrl": app.url}).status_code
        == 200
    )
    body = {"From": "4155550100", "To": SEED_NUMBER, "Body": "hi"}
    impatient.emulator.control("POST", "inbound/sms", body)

    note = wait_for(lambda: impatient.page("Notifications", Notification).items, timeout=15)[0]

    assert note.error_code == 11200
    assert note.message_text == "HTTP retrieval failure: TimeoutException: no complete answer within 2 s"
    assert app.requests == 1


def test_two_thousand_calls_fetching_their_twiml_at_once_all_get_it_within_the_deadline(
    twilio2008_emulator_factory: Callable[..., EmulatorHandle],
) -> None:
    # In real time, every call rings for 6 s after its create, so the fetches come in a burst
    # once the creates are done. Fetches beyond WEBHOOK_SLOTS wait for a slot, and their 2 s
    # deadline starts when they get one: before, the burst queued in httpx's pool held the
    # event loop (the pool's assignment is quadratic) until most fetches failed with 11200.
    impatient = Api(twilio2008_emulator_factory(webhook_timeout=2.0, time_scale=1.0))
    numbers = iter(range(2000))
    hold = impatient.url("/twiml/pause?length=3600")

    def place() -> None:
        for index in numbers:
            data = {"Caller": SEED_NUMBER, "Called": f"415{index:07d}", "Url": hold}
            impatient.create("Calls", Call, data)

    creators = [threading.Thread(target=place) for _ in range(8)]
    for creator in creators:
        creator.start()
    for creator in creators:
        creator.join()

    def settled() -> bool:
        return impatient.page("Calls", Call, Status="0", num="1").total == 0

    wait_for(settled, timeout=120, interval=0.5)
    assert impatient.page("Notifications", Notification, num="1").total == 0
    assert impatient.page("Calls", Call, Status="1", num="1").total == 2000
