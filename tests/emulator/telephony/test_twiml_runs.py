"""TwiML run by emulated calls: recordings with media, transcriptions, gather, SMS, conferences."""

from __future__ import annotations

import io
import wave
from urllib.parse import parse_qs

import requests
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.api.records import (
    Call,
    CallStatus,
    Conference,
    ConferenceStatus,
    Participant,
    Recording,
    SmsFlags,
    SmsMessage,
    Transcription,
    TranscriptionStatus,
)
from airflow_provider_twilio2008.api.xml import parse_record
from tests.emulator.helpers import Api, wait_for

CALLER = "5005550006"


def _place(api: Api, url: str, called: str = "4155550100") -> Call:
    return api.create("Calls", Call, {"Caller": CALLER, "Called": called, "Url": url})


def _final(api: Api, sid: str) -> Call:
    return wait_for(lambda: (c := api.record(f"Calls/{sid}", Call)).status.is_terminal and c)


def _form(request: object) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(request.get_data(as_text=True)).items()}  # type: ignore[attr-defined]


def test_say_and_record_makes_public_media_and_a_transcription(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/transcribed").respond_with_data("")
    url = api.url("/twiml/say-and-record?callback=" + httpserver.url_for("/transcribed"))
    call = _final(api, _place(api, url).sid)
    assert call.status is CallStatus.COMPLETED
    (recording,) = api.page(f"Calls/{call.sid}/Recordings", Recording)
    assert recording.call_sid == call.sid and recording.duration == 5
    assert [r.sid for r in api.page("Recordings", Recording, CallSid=call.sid)] == [recording.sid]
    media = api.url(f"Recordings/{recording.sid}")
    wav = requests.get(media, timeout=5)  # no credentials: instance media is public
    assert wav.status_code == 200 and wav.headers["content-type"] == "audio/x-wav"
    with wave.open(io.BytesIO(wav.content)) as reader:
        assert round(reader.getnframes() / reader.getframerate()) == 5
    assert requests.get(media + ".wav", timeout=5).content == wav.content
    mp3 = requests.get(media + ".mp3", timeout=5)
    assert mp3.headers["content-type"] == "audio/mpeg" and mp3.content[:2] in (b"\xff\xfb", b"ID")
    assert parse_record(requests.get(media + ".xml", timeout=5).content, Recording).sid == recording.sid
    assert requests.get(api.url("Recordings"), timeout=5).status_code == 401  # the list is protected

    transcription = wait_for(
        lambda: [
            t for t in api.page("Transcriptions", Transcription) if t.status is TranscriptionStatus.COMPLETED
        ]
    )[0]
    assert transcription.recording_sid == recording.sid and transcription.transcription_text
    nested = f"Recordings/{recording.sid}/Transcriptions/{transcription.sid}"
    assert api.record(nested, Transcription).sid == transcription.sid
    assert api.record(f"Transcriptions/{transcription.sid}", Transcription).price < 0
    text = api.get(nested + ".txt")
    assert (
        text.headers["content-type"].startswith("text/plain")
        and text.text == transcription.transcription_text
    )
    assert api.get(f"Transcriptions/{transcription.sid}.txt").text == transcription.transcription_text
    assert "<DateCreated>1" in api.get(f"Transcriptions/{transcription.sid}").text  # epoch seconds
    assert api.page(f"Recordings/{recording.sid}/Transcriptions", Transcription).total == 1

    wait_for(lambda: httpserver.log)
    form = _form(httpserver.log[0][0])
    assert form["TranscriptionStatus"] == "completed" and form["CallSid"] == call.sid
    assert form["TranscriptionText"] == transcription.transcription_text
    assert form["RecordingUrl"] == media and form["TranscriptionUrl"].endswith(transcription.sid)

    deleted = api.request("DELETE", f"Recordings/{recording.sid}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert requests.get(media, timeout=5).status_code == 404


def test_record_action_gets_recording_url(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/start").respond_with_data(
        '<Response><Record action="/done" maxLength="3"/></Response>', content_type="text/xml"
    )
    httpserver.expect_request("/done").respond_with_data(
        "<Response><Hangup/></Response>", content_type="text/xml"
    )
    _final(api, _place(api, httpserver.url_for("/start")).sid)
    form = _form(httpserver.log[1][0])
    assert form["Duration"] == "3" and form["RecordingUrl"].startswith(api.emulator.base_url)
    assert requests.get(form["RecordingUrl"] + ".mp3", timeout=5).status_code == 200


def test_gather_sends_scripted_digits(api: Api, httpserver: HTTPServer) -> None:
    api.emulator.script_callee("4155550100", digits="42#")
    httpserver.expect_request("/digits").respond_with_data(
        "<Response><Hangup/></Response>", content_type="text/xml"
    )
    call = _final(api, _place(api, api.url("/twiml/gather?action=" + httpserver.url_for("/digits"))).sid)
    assert call.status is CallStatus.COMPLETED
    assert _form(httpserver.log[0][0])["Digits"] == "42"


def test_builtin_gather_with_default_digit_completes(api: Api) -> None:
    assert _final(api, _place(api, api.url("/twiml/gather")).sid).status is CallStatus.COMPLETED


def test_sms_verb_sends_from_the_call(api: Api) -> None:
    call = _final(api, _place(api, api.url("/twiml/sms?body=Your+code+is+1234")).sid)
    (message,) = api.page("SMS/Messages", SmsMessage)
    assert (message.to, message.from_, message.body) == ("4155550100", CALLER, "Your code is 1234")
    assert message.flags == SmsFlags.REPLY and call.status is CallStatus.COMPLETED


def test_conference_mute_and_kick(api: Api) -> None:
    for number in ("4155550100", "4155550101"):
        api.emulator.script_callee(number, conference_seconds=600)
    room_url = api.url("/twiml/conference?name=standup")
    first, second = _place(api, room_url, "4155550100"), _place(api, room_url, "4155550101")
    conference = wait_for(
        lambda: [c for c in api.page("Conferences", Conference) if c.status is ConferenceStatus.IN_PROGRESS]
    )[0]
    assert conference.friendly_name == "standup"
    assert api.page("Conferences", Conference, FriendlyName="standup", Status="1").total == 1
    participants = wait_for(
        lambda: len(p := api.page(f"Conferences/{conference.sid}/Participants", Participant)) == 2 and p
    )
    assert {p.call_sid for p in participants} == {first.sid, second.sid}
    assert all(p.start_conference_on_enter and not p.muted for p in participants)

    muted = api.post(f"Conferences/{conference.sid}/Participants/{first.sid}", {"Muted": "true"})
    assert muted.status_code == 200 and parse_record(muted.content, Participant).muted is True
    assert [
        p.call_sid for p in api.page(f"Conferences/{conference.sid}/Participants", Participant, Muted="true")
    ] == [first.sid]
    # The reference: 1 is true too, and anything else is false (never a 400).
    for text, expected in (("0", False), ("1", True), ("maybe", False), ("TRUE", True)):
        answer = api.post(f"Conferences/{conference.sid}/Participants/{second.sid}", {"Muted": text})
        assert answer.status_code == 200 and parse_record(answer.content, Participant).muted is expected, text
    kicked = api.request("DELETE", f"Conferences/{conference.sid}/Participants/{first.sid}")
    assert kicked.status_code == 204 and kicked.content == b""
    assert api.get(f"Conferences/{conference.sid}/Participants/{first.sid}").status_code == 404
    assert _final(api, first.sid).status is CallStatus.COMPLETED
    api.post(f"Calls/{second.sid}", {"CurrentUrl": api.url("/twiml/hangup")})
    assert _final(api, second.sid).status is CallStatus.COMPLETED
    done = wait_for(lambda: (c := api.record(f"Conferences/{conference.sid}", Conference)).status == 2 and c)
    assert done.status is ConferenceStatus.COMPLETED
    assert api.page(f"Conferences/{conference.sid}/Participants", Participant).total == 0
    assert api.request("DELETE", f"Conferences/{conference.sid}").status_code == 405


def test_state_endpoint_lists_what_happened(api: Api) -> None:
    call = _final(api, _place(api, api.url("/twiml/say-and-record")).sid)
    wait_for(lambda: api.emulator.state()["transcriptions"])
    state = api.emulator.state()
    (listed,) = state["calls"]
    assert listed["sid"] == call.sid and listed["status"] == 2 and len(listed["recordings"]) == 1
    (recording,) = state["recordings"]
    assert recording["mp3_url"].endswith(".mp3") and requests.get(recording["wav_url"], timeout=5).ok
    assert "auth_token" not in str(state)
