"""Many waiting triggers share one poller: a handful of list requests per interval, not one each."""

from __future__ import annotations

import asyncio
import threading
import time
from typing import Any

import pytest

from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from airflow_provider_twilio2008.triggers.calls import CallCompletedTrigger, RecordingAvailableTrigger
from airflow_provider_twilio2008.triggers.poller import AccountPoller

WAITERS = 200


def _place_calls(count: int, url: str, to: str = "4155550134") -> list[str]:
    """Place ``count`` calls through the hook and return their SIDs."""
    with Twilio2008Hook() as hook:
        return [hook.make_call(to, None, url).sid for _ in range(count)]


def _rest_requests(emulator: Any) -> list[dict[str, str]]:
    return emulator.control("GET", "requests")["requests"]


async def _first_events(triggers: list[Any]) -> list[dict[str, Any]]:
    async def first(trigger: Any) -> dict[str, Any]:
        async for event in trigger.run():
            return event.payload
        raise AssertionError("the trigger ended without an event")

    return await asyncio.gather(*(first(trigger) for trigger in triggers))


@pytest.mark.twilio2008_time_scale(20)
def test_200_waiting_calls_cost_at_most_two_requests_per_interval(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio2008_emulator.set_connection_env(monkeypatch)
    # Each call says a sentence and then pauses: about 1.5 s of real time at scale 20.
    url = f"{twilio2008_emulator.base_url}/twiml/pause?length=30"
    sids = _place_calls(WAITERS, url)
    twilio2008_emulator.control("DELETE", "requests")
    interval = 0.25
    triggers = [
        CallCompletedTrigger(
            call_sid=sid,
            failed_statuses=[3, 4, 5],
            twilio_conn_id="twilio2008_default",
            poll_interval=interval,
        )
        for sid in sids
    ]
    started = time.monotonic()
    events = asyncio.run(_first_events(triggers))
    elapsed = time.monotonic() - started

    assert [event["status"] for event in events] == ["done"] * WAITERS
    assert {event["value"]["sid"] for event in events} == set(sids)
    seen = _rest_requests(twilio2008_emulator)
    rounds = elapsed / interval + 1
    assert all(request["method"] == "GET" for request in seen)
    assert all(request["path"].endswith("/Calls") for request in seen), {r["path"] for r in seen}
    assert len(seen) <= 2 * rounds, f"{len(seen)} requests in {elapsed:.2f} s at {interval} s intervals"
    assert len(seen) < WAITERS / 4  # nowhere near one request per waiter per round


@pytest.mark.twilio2008_time_scale(50)
def test_waiters_on_recordings_share_the_recording_and_transcription_lists(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio2008_emulator.set_connection_env(monkeypatch)
    sids = _place_calls(20, f"{twilio2008_emulator.base_url}/twiml/say-and-record")
    twilio2008_emulator.control("DELETE", "requests")
    interval = 0.25
    triggers = [
        RecordingAvailableTrigger(
            call_sid=sid,
            wait_for_transcription=True,
            twilio_conn_id="twilio2008_default",
            poll_interval=interval,
        )
        for sid in sids
    ]
    started = time.monotonic()
    events = asyncio.run(_first_events(triggers))
    elapsed = time.monotonic() - started

    assert [event["status"] for event in events] == ["done"] * len(sids)
    assert {event["value"]["call_sid"] for event in events} == set(sids)
    assert all(event["value"]["transcription_status"] == "completed" for event in events)
    seen = _rest_requests(twilio2008_emulator)
    assert len(seen) <= 3 * (elapsed / interval + 1)
    assert not [r for r in seen if "/Calls/CA" in r["path"]], "no call was fetched on its own"


def test_an_unknown_call_ends_only_its_own_wait(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio2008_emulator.set_connection_env(monkeypatch)
    (real,) = _place_calls(1, f"{twilio2008_emulator.base_url}/twiml/hangup")
    unknown = "CA" + "0" * 32
    triggers = [
        CallCompletedTrigger(
            call_sid=sid, failed_statuses=[3, 4, 5], twilio_conn_id="twilio2008_default", poll_interval=0.1
        )
        for sid in (real, unknown)
    ]
    done, missing = asyncio.run(_first_events(triggers))
    assert done["status"] == "done" and done["value"]["sid"] == real
    assert missing["status"] == "error" and missing["error"] == "Twilio2008NotFoundError"


def test_wrong_credentials_end_every_wait_with_an_error_naming_them(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = twilio2008_emulator.conn_uri.replace(twilio2008_emulator.auth_token, "0" * 32)
    monkeypatch.setenv("AIRFLOW_CONN_TWILIO2008_DEFAULT", wrong)
    triggers = [
        CallCompletedTrigger(
            call_sid="CA" + f"{n:032x}",
            failed_statuses=[3],
            twilio_conn_id="twilio2008_default",
            poll_interval=0.1,
        )
        for n in range(3)
    ]
    events = asyncio.run(_first_events(triggers))
    assert {event["error"] for event in events} == {"Twilio2008AuthenticationError"}
    assert all("0" * 32 not in event["message"] for event in events)


def test_transient_errors_do_not_end_the_wait(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio2008_emulator.set_connection_env(monkeypatch)
    (sid,) = _place_calls(1, f"{twilio2008_emulator.base_url}/twiml/hangup")
    twilio2008_emulator.add_fault("error503", count=6, method="GET", path="/Calls", retry_after=0)
    trigger = CallCompletedTrigger(
        call_sid=sid, failed_statuses=[3, 4, 5], twilio_conn_id="twilio2008_default", poll_interval=0.05
    )
    (event,) = asyncio.run(_first_events([trigger]))
    assert event["status"] == "done"


def test_the_poller_stops_when_its_last_waiter_leaves(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio2008_emulator.set_connection_env(monkeypatch)
    (sid,) = _place_calls(1, f"{twilio2008_emulator.base_url}/twiml/hangup")

    async def scenario() -> tuple[int, bool]:
        trigger = CallCompletedTrigger(
            call_sid=sid, failed_statuses=[3], twilio_conn_id="twilio2008_default", poll_interval=0.05
        )
        async for _event in trigger.run():
            break
        await asyncio.sleep(0.2)
        loop = asyncio.get_running_loop()
        return len(AccountPoller._pollers.get(loop, {})), True

    remaining, _ = asyncio.run(scenario())
    assert remaining == 0


def test_trigger_kwargs_are_json_and_hold_no_secret(twilio2008_emulator: Any) -> None:
    import json

    trigger = RecordingAvailableTrigger(
        call_sid="CA" + "a" * 32,
        wait_for_transcription=True,
        twilio_conn_id="twilio2008_default",
        poll_interval=5,
    )
    path, kwargs = trigger.serialize()
    assert path == "airflow_provider_twilio2008.triggers.calls.RecordingAvailableTrigger"
    text = json.dumps(kwargs)
    assert twilio2008_emulator.auth_token not in text
    assert RecordingAvailableTrigger(**json.loads(text)).serialize() == (path, kwargs)


@pytest.mark.twilio2008_time_scale(50)
def test_calls_and_sms_are_each_listed_only_while_someone_waits_on_them(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime, timezone

    from airflow_provider_twilio2008.triggers.sms import SMSReplyTrigger
    from tests.helpers import text_in

    twilio2008_emulator.set_connection_env(monkeypatch)
    (sid,) = _place_calls(1, f"{twilio2008_emulator.base_url}/twiml/hangup")
    since = datetime.now(timezone.utc).isoformat()
    # The SMS list fails for a while: only the SMS waiter hears nothing; the call waiter is served.
    twilio2008_emulator.add_fault("error503", count=8, method="GET", path="/SMS/Messages", retry_after=0)
    twilio2008_emulator.control("DELETE", "requests")
    interval = 0.1
    marks: dict[str, int] = {}

    async def wait(trigger: Any, name: str) -> dict[str, Any]:
        async for event in trigger.run():
            marks[name] = len(_rest_requests(twilio2008_emulator))
            return event.payload
        raise AssertionError("the trigger ended without an event")

    async def scenario() -> list[dict[str, Any]]:
        call = CallCompletedTrigger(
            call_sid=sid, failed_statuses=[3], twilio_conn_id="twilio2008_default", poll_interval=interval
        )
        reply = SMSReplyTrigger(
            from_="4155550134",
            to="5005550006",
            body_pattern=None,
            since=since,
            twilio_conn_id="twilio2008_default",
            poll_interval=interval,
        )
        waits = asyncio.gather(wait(call, "call"), wait(reply, "sms"))
        await asyncio.sleep(1.0)
        await asyncio.to_thread(text_in, twilio2008_emulator, From="4155550134", Body="ok")
        return await waits

    call_event, sms_event = asyncio.run(scenario())
    assert call_event["status"] == "done" and sms_event["status"] == "done"
    assert marks["call"] < marks["sms"]
    seen = [r["path"] for r in _rest_requests(twilio2008_emulator)][: marks["sms"]]
    after_call = seen[marks["call"] + 2 :]  # the call's waiter leaves within a round of its event
    assert after_call and all(path.endswith("/SMS/Messages") for path in after_call), after_call
    assert {path.rsplit("/", 1)[-1] for path in seen} == {"Calls", "Messages"}


@pytest.mark.twilio2008_time_scale(20)
def test_2100_waits_on_recent_calls_are_served_by_three_list_pages_not_by_single_fetches(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # As many pages as the waits could fill (3 pages of 1,000) are listed before any single GET.
    twilio2008_emulator.set_connection_env(monkeypatch)
    url = f"{twilio2008_emulator.base_url}/twiml/pause?length=3600"
    numbers = iter(range(2100))
    sids: list[str] = []

    def place() -> None:
        with Twilio2008Hook() as hook:
            sids.extend(hook.make_call(f"415{index:07d}", None, url).sid for index in numbers)

    creators = [threading.Thread(target=place) for _ in range(8)]
    for creator in creators:
        creator.start()
    for creator in creators:
        creator.join()
    twilio2008_emulator.control("DELETE", "requests")
    triggers = [
        CallCompletedTrigger(
            call_sid=sid, failed_statuses=[3, 4, 5], twilio_conn_id="twilio2008_default", poll_interval=1.0
        )
        for sid in sids
    ]

    async def wait_two_rounds() -> None:
        waits = [asyncio.ensure_future(anext(trigger.run())) for trigger in triggers]
        await asyncio.sleep(1.5)
        assert not any(wait.done() for wait in waits), "a wait on a call in progress ended"
        for wait in waits:
            wait.cancel()
        await asyncio.gather(*waits, return_exceptions=True)

    asyncio.run(wait_two_rounds())

    seen = _rest_requests(twilio2008_emulator)
    assert {request["path"].rsplit("/", 1)[-1] for request in seen} == {"Calls"}, "no call fetched alone"
    queries = [request["query"] for request in seen]
    assert "Page=2" in queries[2] and not any("Page=3" in query for query in queries), queries
