"""The inbox page at ``/`` in a real headless Chromium against a real emulator.

Chromium is Debian's ``/usr/bin/chromium`` (or ``$CHROMIUM``). Without it the tests skip on a
developer machine, but fail when the ``CI`` environment variable is set: CI must run them.
"""

from __future__ import annotations

import html
import os
import shutil
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import pytest
import requests

from airflow_provider_twilio2008.api.records import Call, SmsMessage
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle

SEED_NUMBER = "5005550006"
CALLED = "4155550134"
SMS_BODY = "Hello <b>inbox</b> & friends"


def chromium_path() -> str:
    """Return the Chromium binary, skipping (or failing in CI) when it is missing."""
    candidate = os.environ.get("CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
    if os.path.isfile(candidate) and os.access(candidate, os.X_OK):
        return candidate
    message = f"headless Chromium not found ({candidate}); install Debian's 'chromium' package"
    if os.environ.get("CI"):
        pytest.fail(message)
    pytest.skip(message)


def run_chromium(url: str, *extra: str) -> subprocess.CompletedProcess[str]:
    """Load ``url`` in headless Chromium with a throw-away profile; return the finished process.

    :param url: the page.
    :param extra: more switches (``--dump-dom``, ``--screenshot=...``).
    """
    binary = chromium_path()
    with tempfile.TemporaryDirectory(prefix="twilio2008-chromium-") as profile:
        command = [
            binary,
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
            "--virtual-time-budget=5000",
            *extra,
            url,
        ]
        return subprocess.run(command, capture_output=True, text=True, timeout=90, check=False)


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


def test_inbox_asks_for_credentials_without_them(twilio2008_emulator: EmulatorHandle) -> None:
    dom = dump_dom(f"{twilio2008_emulator.base_url}/")
    assert '<form id="login" class="login">' in dom
    assert "enter the account's SID and Auth Token" in dom


def test_inbox_reports_wrong_credentials(twilio2008_emulator: EmulatorHandle) -> None:
    dom = dump_dom(f"{twilio2008_emulator.base_url}/#{twilio2008_emulator.account_sid}:{'0' * 32}")
    assert '<form id="login" class="login">' in dom
    assert "the Account SID or Auth Token is wrong" in dom


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
