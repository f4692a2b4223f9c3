"""The inbox page at ``/`` in a real headless Chromium against a real emulator.

Chromium is Debian's ``/usr/bin/chromium`` (or ``$CHROMIUM``). Without it the tests skip on a
developer machine, but fail when the ``CI`` environment variable is set: CI must run them.

Pages that only need looking at are loaded with ``--dump-dom``. Pages that are used (a form
filled in and submitted) are driven through the DevTools protocol over
``--remote-debugging-pipe`` (:class:`Browser`): JSON messages ending in a NUL byte, written to the
browser's fd 3 and read from its fd 4, so no driver package is needed.
"""

from __future__ import annotations

import fcntl
import html
import json
import os
import select
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import requests

from airflow_provider_twilio2008.api.records import Call, SmsMessage
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle

SEED_NUMBER = "5005550006"
CALLED = "4155550134"
SMS_FAIL_NUMBER = "5005550009"
PHONE = "4155550100"
NOT_OURS = "4155550199"
SMS_BODY = "Hello <b>inbox</b> & friends"
SIGN_IN_TEXT = "You must sign in"
WRONG_CREDENTIALS_TEXT = "Sign-in failed: the Account SID or Auth Token is wrong."


def chromium_path() -> str:
    """Return the Chromium binary, skipping (or failing in CI) when it is missing."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    message = f"headless Chromium not found ({candidate}); install Debian's 'chromium' package"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def chromium_switches(profile: str) -> list[str]:
    """Return the headless switches every run uses, with ``profile`` as the throw-away profile."""
    return [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
    ]


def run_chromium(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """Load ``url`` in headless Chromium with a throw-away profile; return the finished process.

    :param url: the page.
    :param extra: more switches (``--dump-dom``, ``--screenshot=...``).
    """
    binary = chromium_path()
    with tempfile.TemporaryDirectory(prefix="twilio2008-chromium-") as profile:
        command = [binary, *chromium_switches(profile), "--virtual-time-budget=5000", *extra, url]
        return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


#: Run in the child: put the command pipe on fd 3 and the answer pipe on fd 4, then become Chromium.
PIPE_TRAMPOLINE = (
    "import os, sys; os.dup2(int(sys.argv[1]), 3); os.dup2(int(sys.argv[2]), 4); "
    "os.execv(sys.argv[3], sys.argv[3:])"
)


def _high_fd(fd: int) -> int:
    """Return a copy of ``fd`` numbered 10 or more (so fds 3 and 4 of the child are free), closing it."""
    high = fcntl.fcntl(fd, fcntl.F_DUPFD_CLOEXEC, 10)
    os.close(fd)
    return high


class Browser:
    """A headless Chromium with one page, driven over the DevTools protocol on a pipe.

    :param binary: the Chromium executable.
    :param profile: a throw-away profile directory.
    """

    def __init__(self, binary: str, profile: str) -> None:
        to_browser_read, self._to_browser = (_high_fd(fd) for fd in os.pipe())
        self._from_browser, from_browser_write = (_high_fd(fd) for fd in os.pipe())
        self._log = tempfile.TemporaryFile()  # a file, not a pipe: a chatty browser never blocks on it
        self.process = subprocess.Popen(
            [
                sys.executable,
                "-c",
                PIPE_TRAMPOLINE,
                str(to_browser_read),
                str(from_browser_write),
                binary,
                *chromium_switches(profile),
                "--remote-debugging-pipe",
            ],
            pass_fds=(to_browser_read, from_browser_write),
            stdin=subprocess.DEVNULL,
            stdout=self._log,
            stderr=self._log,
        )
        os.close(to_browser_read)
        os.close(from_browser_write)
        self._buffer = b""
        self._next_id = 0
        #: every event received, in order (``method`` and ``params``)
        self.events: list[dict[str, Any]] = []
        target = self.send("Target.createTarget", {"url": "about:blank"})["targetId"]
        self.session = self.send("Target.attachToTarget", {"targetId": target, "flatten": True})["sessionId"]
        self.send("Runtime.enable", session=True)
        self.send("Page.enable", session=True)

    def _message(self, deadline: float) -> dict[str, Any]:
        while b"\0" not in self._buffer:
            left = deadline - time.monotonic()
            assert left > 0, "Chromium did not answer in time"
            ready, _, _ = select.select([self._from_browser], [], [], left)
            if ready:
                chunk = os.read(self._from_browser, 1 << 16)
                assert chunk, f"Chromium closed the pipe: {self.log()[-2000:]}"
                self._buffer += chunk
        raw, self._buffer = self._buffer.split(b"\0", 1)
        return json.loads(raw)

    def log(self) -> str:
        """Return what the browser wrote to stdout and stderr so far."""
        self._log.seek(0)
        return self._log.read().decode("utf-8", "replace")

    def send(
        self, method: str, params: dict[str, Any] | None = None, *, session: bool = False, timeout: float = 30
    ) -> Any:
        """Send one command (to the page when ``session``, else to the browser); return its result."""
        self._next_id += 1
        message: dict[str, Any] = {"id": self._next_id, "method": method, "params": params or {}}
        if session:
            message["sessionId"] = self.session
        try:
            os.write(self._to_browser, json.dumps(message).encode() + b"\0")
        except BrokenPipeError:
            self.process.wait(timeout=10)
            exited = f"Chromium exited ({self.process.returncode}): {self.log()[-2000:]}"
            raise AssertionError(exited) from None
        deadline = time.monotonic() + timeout
        while True:
            answer = self._message(deadline)
            if answer.get("id") == self._next_id:
                assert "error" not in answer, f"{method}: {answer['error']}"
                return answer.get("result", {})
            if "method" in answer:
                self.events.append(answer)

    def open(self, url: str) -> None:
        """Load ``url`` in the page."""
        self.send("Page.navigate", {"url": url}, session=True)

    def js(self, expression: str) -> Any:
        """Evaluate ``expression`` in the page (awaiting a promise); return its JSON value."""
        result = self.send(
            "Runtime.evaluate",
            {"expression": expression, "returnByValue": True, "awaitPromise": True},
            session=True,
        )
        assert "exceptionDetails" not in result, result["exceptionDetails"]
        return result["result"].get("value")

    def wait_for(self, expression: str, timeout: float = 20.0) -> Any:
        """Evaluate ``expression`` until its JSON value is truthy; return it (``!!`` a DOM node: ``{}``)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                value = self.js(expression)
            except AssertionError:  # the page is being replaced: no document to evaluate in yet
                value = None
            if value:
                return value
            assert time.monotonic() < deadline, f"the page never satisfied {expression!r}"
            time.sleep(0.1)

    def console_text(self) -> str:
        """Return everything the page wrote to its console, as one string."""
        self.send("Runtime.evaluate", {"expression": "0"}, session=True)  # collect pending events
        lines = []
        for event in self.events:
            if event.get("method") == "Runtime.consoleAPICalled":
                lines.extend(json.dumps(arg) for arg in event["params"].get("args", []))
            elif event.get("method") == "Runtime.exceptionThrown":
                lines.append(json.dumps(event["params"]))
        return "\n".join(lines)

    def close(self) -> None:
        """Close the browser and wait for it."""
        try:
            self.send("Browser.close", timeout=10)
        except (AssertionError, OSError):
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
        os.close(self._to_browser)
        os.close(self._from_browser)
        self._log.close()


@pytest.fixture
def browser() -> Iterator[Browser]:
    """A real headless Chromium page to drive."""
    binary = chromium_path()
    with tempfile.TemporaryDirectory(prefix="twilio2008-chromium-") as profile:
        driven = Browser(binary, profile)
        try:
            yield driven
        finally:
            driven.close()


def dump_dom(url: str) -> str:
    """Return the page's DOM after its scripts have run for 5 s of virtual time.

    :param url: the page.
    """
    finished = run_chromium(url, "--dump-dom")
    assert finished.returncode == 0, finished.stderr[-2000:]
    assert "<html" in finished.stdout, finished.stderr[-2000:]
    return finished.stdout


def wait_for_state(emulator: EmulatorHandle, check: Any, timeout: float = 30.0) -> Any:
    """Poll the emulator's state until ``check(state)`` returns something truthy; return it."""
    deadline = time.monotonic() + timeout
    while True:
        result = check(emulator.state())
        if result:
            return result
        assert time.monotonic() < deadline, "the emulator did not reach the expected state in time"
        time.sleep(0.05)


def inbox_url(emulator: EmulatorHandle) -> str:
    return f"{emulator.base_url}/#{emulator.account_sid}:{emulator.auth_token}"


@pytest.fixture
def finished_call(api: Any, twilio2008_emulator: EmulatorHandle) -> dict[str, str]:
    """Make a call that records a message and an SMS through HTTP; wait until both are done."""
    base = twilio2008_emulator.base_url
    call = api.create(
        "Calls", Call, {"Caller": SEED_NUMBER, "Called": CALLED, "Url": f"{base}/twiml/say-and-record"}
    )
    sms = api.create("SMS/Messages", SmsMessage, {"From": SEED_NUMBER, "To": CALLED, "Body": SMS_BODY})
    call_sid, sms_sid = call.sid, sms.sid

    def done(state: dict[str, Any]) -> dict[str, Any] | None:
        calls = {call["sid"]: call for call in state["calls"]}
        if calls.get(call_sid, {}).get("status") != 2 or not state["recordings"]:
            return None
        return {"call_sid": call_sid, "sms_sid": sms_sid, "recording": state["recordings"][0]}

    return wait_for_state(twilio2008_emulator, done)


def test_inbox_shows_the_call_the_sms_and_a_playable_recording(
    twilio2008_emulator: EmulatorHandle, finished_call: dict
) -> None:
    dom = dump_dom(inbox_url(twilio2008_emulator))
    assert f'data-sid="{finished_call["call_sid"]}"' in dom
    call_row = dom.split(f'data-sid="{finished_call["call_sid"]}"', 1)[1].split("</tr>", 1)[0]
    assert "completed (2)" in call_row
    assert f"{SEED_NUMBER} → {CALLED}" in call_row
    assert f'data-sid="{finished_call["sms_sid"]}"' in dom
    sms_row = dom.split(f'data-sid="{finished_call["sms_sid"]}"', 1)[1].split("</tr>", 1)[0]
    assert '<span class="direction out" title="outgoing, sent through the REST API (Flags 4)">' in sms_row
    # the body is shown as text, never interpreted as HTML
    assert html.escape(SMS_BODY, quote=False) in dom
    assert "<b>inbox</b>" not in dom
    recording = finished_call["recording"]
    assert f'<audio controls="" preload="none" data-recording="{recording["sid"]}">' in dom
    assert f'<source src="{recording["wav_url"]}" type="audio/wav">' in dom
    assert f'<source src="{recording["mp3_url"]}" type="audio/mpeg">' in dom
    # the credentials moved out of the address bar; the login form stays hidden
    assert '<form id="login" class="login" hidden="">' in dom
    assert twilio2008_emulator.account_sid in dom.split('id="account"', 1)[1][:80]


def test_inbox_asks_to_sign_in_and_shows_nothing_before(
    api: Any, twilio2008_emulator: EmulatorHandle, finished_call: dict
) -> None:
    dom = dump_dom(f"{twilio2008_emulator.base_url}/")
    assert '<form id="login" class="login">' in dom
    assert SIGN_IN_TEXT in dom.split('id="login-message"', 1)[1][:200]
    # calls and messages exist, but the page neither shows them nor says there are none
    assert "No calls yet." not in dom and "No messages yet." not in dom
    assert "Sign in to see the calls." in dom
    assert finished_call["call_sid"] not in dom and finished_call["sms_sid"] not in dom
    assert '<form id="compose" class="compose" hidden="">' in dom


def test_inbox_reports_wrong_credentials(twilio2008_emulator: EmulatorHandle, finished_call: dict) -> None:
    dom = dump_dom(f"{twilio2008_emulator.base_url}/#{twilio2008_emulator.account_sid}:{'0' * 32}")
    assert '<form id="login" class="login">' in dom
    assert WRONG_CREDENTIALS_TEXT in dom.split('id="login-message"', 1)[1][:200]
    assert "No calls yet." not in dom
    assert finished_call["call_sid"] not in dom and finished_call["sms_sid"] not in dom
    assert '<form id="compose" class="compose" hidden="">' in dom
    # the wrong token is neither kept in the address bar nor written into the page
    assert "0" * 32 not in dom


SMS_ROWS_JS = """Array.from(document.querySelectorAll('#sms-body tr[data-sid]')).map(row => ({
  sid: row.dataset.sid,
  direction: row.cells[1].textContent,
  flags: (row.cells[1].querySelector('[data-flags]') || {dataset: {}}).dataset.flags || null,
  status: row.cells[2].textContent,
  parties: row.cells[3].textContent,
  body: row.cells[4].textContent,
  sent: row.cells[5].textContent,
}))"""


def sms_rows(browser: Browser) -> dict[str, dict[str, Any]]:
    """Return the SMS rows the page shows, by SID: direction, status, parties, body, sent."""
    return {row["sid"]: row for row in browser.js(SMS_ROWS_JS)}


def post_inbound_sms(emulator: EmulatorHandle, **fields: str) -> requests.Response:
    """Text one of the account's numbers through ``POST /_emulator/inbound/sms``."""
    return requests.post(
        f"{emulator.base_url}/_emulator/inbound/sms", json=fields, auth=emulator.auth, timeout=10
    )


def fill_and_submit(browser: Browser, form: str, values: dict[str, str]) -> None:
    """Set the fields (by element id) as typing would, then submit the form like its button does."""
    browser.js(
        f"""(() => {{
  const values = {json.dumps(values)};
  for (const [id, value] of Object.entries(values)) {{
    const field = document.getElementById(id);
    field.value = value;
    field.dispatchEvent(new Event('input', {{bubbles: true}}));
  }}
  document.getElementById({json.dumps(form)}).requestSubmit();
  return true;
}})()"""
    )


def assert_token_kept_secret(browser: Browser, token: str) -> None:
    """The Auth Token is nowhere in the page, its address or its console."""
    assert token not in browser.js("document.documentElement.outerHTML")
    assert token not in browser.js("location.href")
    assert token not in browser.js(
        "Array.from(document.querySelectorAll('input, textarea, select')).map(f => f.value).join(' ')"
    )
    assert token not in browser.console_text()


def test_sms_rows_show_direction_and_a_sent_time_only_once_sent(
    api: Any, twilio2008_emulator: EmulatorHandle, browser: Browser
) -> None:
    base = twilio2008_emulator.base_url
    out = api.create("SMS/Messages", SmsMessage, {"From": SEED_NUMBER, "To": CALLED, "Body": "out via REST"})
    failed = api.create(
        "SMS/Messages", SmsMessage, {"From": SEED_NUMBER, "To": SMS_FAIL_NUMBER, "Body": "never arrives"}
    )
    # the seed number answers texts with SMS TwiML <Sms>: the inbound text gets a reply (Flags 2)
    seed = next(
        n for n in twilio2008_emulator.state()["incoming_phone_numbers"] if n["phone_number"] == SEED_NUMBER
    )
    update = api.post(
        f"IncomingPhoneNumbers/{seed['sid']}",
        {"Url": f"{base}/twiml/hangup", "SmsUrl": f"{base}/twiml/sms?body=reply+by+TwiML"},
    )
    assert update.status_code == 200, update.text
    answer = post_inbound_sms(twilio2008_emulator, From=PHONE, To=SEED_NUMBER, Body="in from a phone")
    assert answer.status_code == 201, answer.text
    inbound_sid = answer.json()["sid"]

    def settled(state: dict[str, Any]) -> dict[str, dict[str, Any]] | None:
        messages = {message["sid"]: message for message in state["sms"]}
        replies = [message for message in state["sms"] if message["flags"] == 2]
        if len(messages) < 4 or not replies:
            return None
        if any(message["status"] not in ("sent", "failed") for message in messages.values()):
            return None
        return messages

    messages = wait_for_state(twilio2008_emulator, settled)
    reply_sid = next(sid for sid, message in messages.items() if message["flags"] == 2)
    assert (messages[reply_sid]["to"], messages[reply_sid]["body"]) == (PHONE, "reply by TwiML")
    assert messages[out.sid]["flags"] == 4 and messages[inbound_sid]["flags"] == 1
    assert messages[failed.sid]["status"] == "failed"

    browser.open(inbox_url(twilio2008_emulator))
    browser.wait_for(f"document.querySelectorAll('#sms-body tr[data-sid]').length === {len(messages)}")
    rows = sms_rows(browser)
    assert (rows[out.sid]["direction"], rows[out.sid]["flags"]) == ("out", "4")
    assert (rows[inbound_sid]["direction"], rows[inbound_sid]["flags"]) == ("in", "1")
    assert (rows[reply_sid]["direction"], rows[reply_sid]["flags"]) == ("reply", "2")
    assert rows[inbound_sid]["parties"] == f"{PHONE} → {SEED_NUMBER}"
    assert rows[reply_sid]["parties"] == f"{SEED_NUMBER} → {PHONE}"
    # sent messages show when they were sent; the failed one shows no time at all
    for sid in (out.sid, inbound_sid, reply_sid):
        assert rows[sid]["status"] == "sent"
        assert any(ch.isdigit() for ch in rows[sid]["sent"]), rows[sid]
    assert rows[failed.sid]["status"] == "failed"
    assert rows[failed.sid]["sent"] == "—"
    assert messages[failed.sid]["date_created"]  # there was a date the page could have shown


@pytest.mark.twilio2008_time_scale(1)
def test_a_message_not_sent_yet_shows_no_sent_time(
    api: Any, twilio2008_emulator: EmulatorHandle, browser: Browser
) -> None:
    browser.open(inbox_url(twilio2008_emulator))
    browser.wait_for("!document.getElementById('compose').hidden")
    message = api.create("SMS/Messages", SmsMessage, {"From": SEED_NUMBER, "To": CALLED, "Body": "slow"})
    selector = f"#sms-body tr[data-sid='{message.sid}']"
    browser.wait_for(f"!!document.querySelector({json.dumps(selector)})")
    pending = sms_rows(browser)[message.sid]
    assert pending["status"] in ("queued", "sending"), pending
    assert pending["sent"] == "—"
    browser.wait_for(f"document.querySelector({json.dumps(selector)}).cells[2].textContent === 'sent'")
    assert any(ch.isdigit() for ch in sms_rows(browser)[message.sid]["sent"])


def test_form_signs_in_and_texts_the_account_as_a_phone(
    twilio2008_emulator: EmulatorHandle, browser: Browser
) -> None:
    emulator = twilio2008_emulator
    browser.open(f"{emulator.base_url}/")
    browser.wait_for("!document.getElementById('login').hidden")
    assert SIGN_IN_TEXT in browser.js("document.getElementById('login-message').textContent")
    assert "No calls yet." not in browser.js("document.body.textContent")
    fill_and_submit(browser, "login", {"login-sid": emulator.account_sid, "login-token": emulator.auth_token})

    browser.wait_for("!document.getElementById('compose').hidden")
    options = browser.js("Array.from(document.getElementById('compose-to').options).map(o => o.value)")
    numbers = [number["phone_number"] for number in emulator.state()["incoming_phone_numbers"]]
    assert options == numbers and SEED_NUMBER in options
    assert browser.js("document.getElementById('compose-body').maxLength") == 160
    assert browser.js("document.getElementById('login').hidden") is True
    assert browser.js("document.getElementById('login-token').value") == ""

    body = "Hi from a phone <i>!</i>"
    fill_and_submit(
        browser, "compose", {"compose-from": PHONE, "compose-to": SEED_NUMBER, "compose-body": body}
    )
    result = browser.wait_for(
        "(t => t.startsWith('Texted') && t)(document.getElementById('compose-result').textContent)"
    )
    stored = [message for message in emulator.state()["sms"] if message["body"] == body]
    assert len(stored) == 1 and stored[0]["flags"] == 1 and stored[0]["from"] == PHONE
    assert stored[0]["sid"] in result
    # the list refreshes and shows the message as inbound
    selector = f"#sms-body tr[data-sid='{stored[0]['sid']}']"
    browser.wait_for(f"!!document.querySelector({json.dumps(selector)})")
    row = sms_rows(browser)[stored[0]["sid"]]
    assert (row["direction"], row["body"], row["parties"]) == ("in", body, f"{PHONE} → {SEED_NUMBER}")
    # the form is ready for the next text
    assert browser.js("document.getElementById('compose-body').value") == ""
    assert browser.js("document.getElementById('compose-count').textContent") == "0/160"
    assert_token_kept_secret(browser, emulator.auth_token)


def test_wrong_credentials_typed_into_an_open_page_hide_what_it_showed(
    api: Any, twilio2008_emulator: EmulatorHandle, browser: Browser
) -> None:
    emulator = twilio2008_emulator
    message = api.create("SMS/Messages", SmsMessage, {"From": SEED_NUMBER, "To": CALLED, "Body": "seen"})
    browser.open(inbox_url(emulator))
    selector = f"#sms-body tr[data-sid='{message.sid}']"
    browser.wait_for(f"!!document.querySelector({json.dumps(selector)})")
    wrong = "f" * 32
    browser.js(f"location.hash = {json.dumps(emulator.account_sid + ':' + wrong)}")
    shown = browser.wait_for(
        "(n => !document.getElementById('login').hidden && n.textContent)"
        "(document.getElementById('login-message'))"
    )
    assert shown == WRONG_CREDENTIALS_TEXT
    text = browser.js("document.querySelector('main').textContent")
    assert message.sid not in text and "No messages yet." not in text
    assert "Sign in to see the messages." in text
    assert browser.js("document.getElementById('compose').hidden") is True
    assert browser.js("document.getElementById('account').textContent") == ""
    assert wrong not in browser.js("location.href")


def test_form_counts_characters(twilio2008_emulator: EmulatorHandle, browser: Browser) -> None:
    browser.open(inbox_url(twilio2008_emulator))
    browser.wait_for("!document.getElementById('compose').hidden")
    browser.js(
        "(f => { f.value = 'x'.repeat(42); f.dispatchEvent(new Event('input')); })"
        "(document.getElementById('compose-body'))"
    )
    assert browser.js("document.getElementById('compose-count').textContent") == "42/160"


def test_form_shows_the_emulators_error_and_stores_nothing(
    twilio2008_emulator: EmulatorHandle, browser: Browser
) -> None:
    emulator = twilio2008_emulator
    browser.open(inbox_url(emulator))
    browser.wait_for("!document.getElementById('compose').hidden")
    # a number that is not the account's (as if it had been released after the page listed it)
    browser.js(
        f"""(s => {{ s.add(new Option({json.dumps(NOT_OURS)}, {json.dumps(NOT_OURS)})); return true; }})
(document.getElementById('compose-to'))"""
    )
    cases = [
        {"compose-from": PHONE, "compose-to": NOT_OURS, "compose-body": "anyone there?"},
        {"compose-from": "12", "compose-to": SEED_NUMBER, "compose-body": "bad sender"},
    ]
    for case in cases:
        fields = {"From": case["compose-from"], "To": case["compose-to"], "Body": case["compose-body"]}
        answer = post_inbound_sms(emulator, **fields)
        assert 400 <= answer.status_code < 500, answer.text
        expected = answer.json()["error"]
        browser.js("document.getElementById('compose-result').textContent = ''")
        fill_and_submit(browser, "compose", case)
        shown = browser.wait_for(
            "(n => n.className.includes('error') && n.textContent)(document.getElementById('compose-result'))"
        )
        assert shown == f"Not sent: {expected}"
        # what was typed stays, to be corrected
        assert browser.js("document.getElementById('compose-body').value") == case["compose-body"]
    assert emulator.state()["sms"] == []
    assert_token_kept_secret(browser, emulator.auth_token)


def test_recording_media_the_page_links_is_public_audio(finished_call: dict) -> None:
    recording = finished_call["recording"]
    for url, media_type, magic in (
        (recording["wav_url"], "audio/x-wav", b"RIFF"),
        (recording["mp3_url"], "audio/mpeg", b"\xff\xfb"),
    ):
        response = requests.get(url, timeout=10)  # no credentials: media is public
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media_type)
        assert response.content.startswith(magic)


def test_inbox_renders_a_screenshot(
    twilio2008_emulator: EmulatorHandle, finished_call: dict, tmp_path: Path
) -> None:
    """Render the page to a PNG; set TWILIO2008_INBOX_SCREENSHOT=path to keep a copy to look at."""
    target = tmp_path / "inbox.png"
    finished = run_chromium(
        inbox_url(twilio2008_emulator), f"--screenshot={target}", "--window-size=1400,900"
    )
    assert finished.returncode == 0 and target.is_file(), finished.stderr[-2000:]
    picture = target.read_bytes()
    assert picture.startswith(b"\x89PNG\r\n\x1a\n") and len(picture) > 20_000
    keep = os.environ.get("TWILIO2008_INBOX_SCREENSHOT")
    if keep:
        shutil.copyfile(target, keep)
