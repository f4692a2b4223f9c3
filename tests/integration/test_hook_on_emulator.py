"""Every hook method against the emulator: the client and the server agree on the wire format."""

from __future__ import annotations

import io
import time
from collections.abc import Callable
from typing import Any, TypeVar

import pendulum
import pytest
import requests

from airflow_provider_twilio2008.api.errors import (
    Twilio2008BadRequestError,
    Twilio2008NotFoundError,
    Twilio2008ServerError,
)
from airflow_provider_twilio2008.api.operations import NumberSettings
from airflow_provider_twilio2008.api.records import (
    CallFlags,
    CallStatus,
    ConferenceStatus,
    NotificationLog,
    SmsStatus,
    TranscriptionStatus,
)
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

T = TypeVar("T")
PERSON = "4155550134"
OWN_NUMBER = "5005550006"


def wait_for(check: Callable[[], T | None], what: str, timeout: float = 20.0) -> T:
    """Poll ``check`` until it returns something truthy."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        result = check()
        if result:
            return result
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def hook(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Twilio2008Hook:
    """A hook on the emulator's default connection."""
    twilio2008_emulator.set_connection_env(monkeypatch)
    with Twilio2008Hook(retries=2) as hook:
        yield hook


def control(emulator: Any, verb: str, path: str, body: dict[str, Any] | None = None) -> requests.Response:
    """Call the emulator's control endpoint."""
    response = requests.request(
        verb, f"{emulator.base_url}/_emulator/{path}", json=body, auth=emulator.auth, timeout=10
    )
    response.raise_for_status()
    return response


def ended_call(hook: Twilio2008Hook, sid: str) -> Any:
    """Wait for a call to reach a final status and return it."""
    return wait_for(lambda: (call := hook.get_call(sid)).status.is_terminal and call, f"call {sid} to end")


def test_account_read_rename_and_connection_test(hook: Twilio2008Hook, twilio2008_emulator: Any) -> None:
    account = hook.get_account()
    assert account.sid == twilio2008_emulator.account_sid and account.status_text == "Active"
    assert [a.sid for a in hook.list_accounts()] == [account.sid]
    renamed = hook.update_account("Ops team")
    assert renamed.friendly_name == "Ops team" and hook.get_account().friendly_name == "Ops team"
    ok, message = hook.test_connection()
    assert ok and account.sid in message


def test_call_runs_twiml_records_and_transcribes(
    hook: Twilio2008Hook, twilio2008_emulator: Any, tmp_path: Any
) -> None:
    url = f"{twilio2008_emulator.base_url}/twiml/say-and-record"
    placed = hook.make_call(f"+1{PERSON}", None, url)
    assert (
        placed.status is CallStatus.QUEUED and placed.flags == CallFlags.API and placed.caller == OWN_NUMBER
    )
    call = ended_call(hook, placed.sid)
    assert call.status is CallStatus.COMPLETED and call.duration > 0 and call.end_time is not None
    assert call.price is not None and call.price < 0

    assert [
        c.sid for c in hook.list_calls(to=PERSON, status="completed", started_on=pendulum.now("UTC"))
    ] == [call.sid]
    assert list(hook.list_calls(status=CallStatus.BUSY)) == []

    (recording,) = list(hook.list_recordings(call.sid))
    assert hook.get_recording(recording.sid).call_sid == call.sid and recording.duration > 0
    wav = tmp_path / "answer.wav"
    assert hook.download_recording(recording.sid, wav) == wav.stat().st_size > 44
    assert wav.read_bytes()[:4] == b"RIFF" and wav.read_bytes()[8:12] == b"WAVE"
    mp3 = io.BytesIO()
    assert hook.download_recording(recording.sid, mp3, fmt="mp3") > 0
    assert mp3.getvalue()[:2] == b"\xff\xfb"

    transcription = wait_for(
        lambda: next((t for t in hook.list_transcriptions(recording.sid) if t.status.is_terminal), None),
        "transcription",
    )
    assert transcription.status is TranscriptionStatus.COMPLETED
    assert [t.sid for t in hook.list_transcriptions()] == [transcription.sid]
    assert hook.get_transcription(transcription.sid).recording_sid == recording.sid
    assert hook.get_transcription(transcription.sid, recording.sid).sid == transcription.sid
    assert hook.get_transcription_text(transcription.sid, recording.sid) == transcription.transcription_text

    hook.delete_recording(recording.sid)
    with pytest.raises(Twilio2008NotFoundError):
        hook.get_recording(recording.sid)


@pytest.mark.parametrize(
    ("number", "status"),
    [
        ("5005550001", CallStatus.BUSY),
        ("5005550002", CallStatus.NO_ANSWER),
        ("5005550003", CallStatus.FAILED),
    ],
)
def test_magic_numbers_end_calls_as_documented(
    hook: Twilio2008Hook, twilio2008_emulator: Any, number: str, status: CallStatus
) -> None:
    placed = hook.make_call(number, OWN_NUMBER, f"{twilio2008_emulator.base_url}/twiml/hangup")
    call = ended_call(hook, placed.sid)
    assert call.status is status and not call.status.succeeded and call.duration is None


def test_dial_creates_a_segment_and_redirect_ends_a_live_call(
    hook: Twilio2008Hook, twilio2008_emulator: Any
) -> None:
    base = twilio2008_emulator.base_url
    dialled = ended_call(hook, hook.make_call(PERSON, None, f"{base}/twiml/dial?number=4155550188").sid)
    (segment,) = list(hook.list_call_segments(dialled.sid))
    assert segment.sid == dialled.sid and segment.is_segment and segment.flags & CallFlags.DIAL
    assert hook.get_call_segment(dialled.sid, segment.call_segment_sid).called == "4155550188"

    live = hook.make_call(PERSON, None, f"{base}/twiml/pause?length=600")
    wait_for(lambda: hook.get_call(live.sid).status is CallStatus.IN_PROGRESS, "the call to connect")
    assert hook.redirect_call(live.sid, f"{base}/twiml/hangup").sid == live.sid
    assert ended_call(hook, live.sid).status is CallStatus.COMPLETED
    with pytest.raises(Twilio2008BadRequestError) as caught:
        hook.redirect_call(live.sid, f"{base}/twiml/hangup")
    assert caught.value.code == 21220


def test_unreachable_twiml_fails_the_call_with_a_notification(hook: Twilio2008Hook) -> None:
    call = ended_call(hook, hook.make_call(PERSON, None, "http://127.0.0.1:9/nothing-listens-here").sid)
    assert call.status is CallStatus.FAILED
    (notification,) = list(hook.list_notifications(call.sid))
    assert notification.error_code == 11200 and notification.log is NotificationLog.ERROR
    assert [n.sid for n in hook.list_notifications(log=NotificationLog.ERROR)] == [notification.sid]
    detail = hook.get_notification(notification.sid)
    assert detail.request_url == "http://127.0.0.1:9/nothing-listens-here" and detail.call_sid == call.sid
    hook.delete_notification(notification.sid)
    assert list(hook.list_notifications(call.sid)) == []


def test_sms_lifecycle_paging_and_failure(hook: Twilio2008Hook) -> None:
    sent = [hook.send_sms(PERSON, f"reminder {n}") for n in range(7)]
    assert all(s.status is SmsStatus.QUEUED and s.from_ == OWN_NUMBER for s in sent)
    done = wait_for(
        lambda: (sms := hook.get_sms(sent[-1].sid)).status.is_terminal and sms, "the SMS to be sent"
    )
    assert done.status is SmsStatus.SENT and done.date_sent is not None
    listed = list(hook.list_sms(to=PERSON, page_size=3))
    assert sorted(s.sid for s in listed) == sorted(s.sid for s in sent)
    failed = hook.send_sms("5005550009", "this one fails")
    assert (
        wait_for(
            lambda: hook.get_sms(failed.sid).status.is_terminal and hook.get_sms(failed.sid), "failure"
        ).status
        is SmsStatus.FAILED
    )


def test_server_side_rules_come_back_as_typed_errors(hook: Twilio2008Hook) -> None:
    with pytest.raises(Twilio2008BadRequestError) as caught:
        hook.make_call(PERSON, "4155550100", "https://example.com/t")
    assert caught.value.code == 21212 and caught.value.status == 400 and "Caller" in caught.value.message
    with pytest.raises(Twilio2008NotFoundError):
        hook.get_call("CA" + "0" * 32)


def test_caller_id_validation_and_management(hook: Twilio2008Hook, twilio2008_emulator: Any) -> None:
    request = hook.start_caller_id_validation("+1 650 555 0123", friendly_name="Dana mobile")
    assert request.phone_number == "6505550123" and len(request.validation_code) == 6
    control(twilio2008_emulator, "POST", "validations/6505550123")
    (caller_id,) = list(hook.list_outgoing_caller_ids(phone_number="6505550123"))
    assert caller_id.friendly_name == "Dana mobile"
    assert hook.update_outgoing_caller_id(caller_id.sid, "Dana work").friendly_name == "Dana work"
    assert hook.get_outgoing_caller_id(caller_id.sid).friendly_name == "Dana work"
    placed = hook.make_call(PERSON, "6505550123", f"{twilio2008_emulator.base_url}/twiml/hangup")
    assert placed.caller == "6505550123"
    hook.delete_outgoing_caller_id(caller_id.sid)
    assert list(hook.list_outgoing_caller_ids()) == []


def test_numbers_buy_update_release(hook: Twilio2008Hook, twilio2008_emulator: Any) -> None:
    (seed,) = list(hook.list_incoming_phone_numbers())
    assert seed.phone_number == OWN_NUMBER
    local = hook.buy_local_number(
        "415", NumberSettings(friendly_name="Support", sms_url="https://example.com/sms")
    )
    assert local.phone_number.startswith("415") and local.friendly_name == "Support"
    toll_free = hook.buy_toll_free_number("866")
    assert toll_free.phone_number.startswith("866")
    assert {n.sid for n in hook.list_incoming_phone_numbers(kind="toll-free")} == {toll_free.sid}
    assert local.sid in {n.sid for n in hook.list_incoming_phone_numbers(kind="local")}
    updated = hook.update_incoming_phone_number(
        local.sid, NumberSettings(url="https://example.com/voice", method="GET")
    )
    assert (updated.url, updated.method) == ("https://example.com/voice", "GET")
    assert hook.get_incoming_phone_number(local.sid).url == "https://example.com/voice"
    hook.release_incoming_phone_number(local.sid)
    with pytest.raises(Twilio2008NotFoundError):
        hook.get_incoming_phone_number(local.sid)


def test_conference_participants_mute_and_kick(hook: Twilio2008Hook, twilio2008_emulator: Any) -> None:
    control(twilio2008_emulator, "PUT", "callees/4155550171", {"conference_seconds": 3600})
    control(twilio2008_emulator, "PUT", "callees/4155550172", {"conference_seconds": 3600})
    url = f"{twilio2008_emulator.base_url}/twiml/conference?name=standup"
    first = hook.make_call("4155550171", None, url)
    second = hook.make_call("4155550172", None, url)
    conference = wait_for(
        lambda: next(
            iter(hook.list_conferences(status=ConferenceStatus.IN_PROGRESS, friendly_name="standup")), None
        ),
        "the conference to start",
    )
    assert hook.get_conference(conference.sid).friendly_name == "standup"
    wait_for(lambda: len(list(hook.list_participants(conference.sid))) == 2, "both participants")
    assert hook.mute_participant(conference.sid, first.sid).muted is True
    assert [p.call_sid for p in hook.list_participants(conference.sid, muted=True)] == [first.sid]
    assert hook.unmute_participant(conference.sid, first.sid).muted is False
    assert hook.get_participant(conference.sid, second.sid).call_sid == second.sid
    hook.kick_participant(conference.sid, second.sid)
    with pytest.raises(Twilio2008NotFoundError):
        hook.get_participant(conference.sid, second.sid)


def test_reads_are_retried_through_injected_faults_and_creates_are_not(
    hook: Twilio2008Hook, twilio2008_emulator: Any
) -> None:
    placed = hook.make_call(PERSON, None, f"{twilio2008_emulator.base_url}/twiml/hangup")
    control(
        twilio2008_emulator,
        "POST",
        "faults",
        {"kind": "error503", "count": 1, "method": "GET", "path": "/Calls/", "retry_after": 0},
    )
    assert hook.get_call(placed.sid).sid == placed.sid
    control(
        twilio2008_emulator,
        "POST",
        "faults",
        {"kind": "error500", "count": 5, "method": "POST", "path": "/Calls$"},
    )
    with pytest.raises(Twilio2008ServerError):
        hook.make_call(PERSON, None, f"{twilio2008_emulator.base_url}/twiml/hangup")
    assert control(twilio2008_emulator, "GET", "faults").json()["injected"] == 2
    assert [c.sid for c in hook.list_calls()] == [placed.sid]
