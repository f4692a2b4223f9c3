"""``SMSReplyTrigger``: many waits share one SMS list per interval; JSON kwargs; timeouts and errors."""

from __future__ import annotations

import asyncio
import json
import threading
import time
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from airflow_provider_twilio2008.triggers.sms import SMSReplyTrigger
from tests.helpers import text_in

WAITERS = 50


def _sms_trigger(person: str, since: datetime, **overrides: Any) -> SMSReplyTrigger:
    fields: dict[str, Any] = {
        "from_": person,
        "to": "5005550006",
        "body_pattern": r"^(yes|no)\b",
        "since": since.isoformat(),
        "twilio_conn_id": "twilio2008_default",
        "poll_interval": 0.25,
    }
    fields.update(overrides)
    return SMSReplyTrigger(**fields)


async def _first_events(triggers: list[Any]) -> list[dict[str, Any]]:
    async def first(trigger: Any) -> dict[str, Any]:
        async for event in trigger.run():
            return event.payload
        raise AssertionError("the trigger ended without an event")

    return await asyncio.gather(*(first(trigger) for trigger in triggers))


def _requests(emulator: Any) -> list[dict[str, str]]:
    return emulator.control("GET", "requests")["requests"]


def test_50_waiting_replies_cost_one_sms_list_request_per_interval(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio2008_emulator.set_connection_env(monkeypatch)
    people = [f"41555{n:05d}" for n in range(100, 100 + WAITERS)]
    now = datetime.now(timezone.utc)
    # Each waits from its own moment; the poller reads back to the oldest.
    triggers = [_sms_trigger(person, now - timedelta(minutes=n)) for n, person in enumerate(people)]
    for person in people[::2]:  # noise: texts that match nobody's pattern
        text_in(twilio2008_emulator, From=person, Body="who is this?")

    def reply() -> None:
        for person in people:
            text_in(twilio2008_emulator, From=person, Body="Yes")

    twilio2008_emulator.control("DELETE", "requests")
    timer = threading.Timer(1.5, reply)
    timer.start()
    started = time.monotonic()
    try:
        events = asyncio.run(_first_events(triggers))
    finally:
        timer.join()
    elapsed = time.monotonic() - started

    assert [event["status"] for event in events] == ["done"] * WAITERS
    assert [event["value"]["from"] for event in events] == people
    assert all(event["value"]["body"] == "Yes" for event in events)
    seen = _requests(twilio2008_emulator)
    rounds = elapsed / 0.25 + 1
    assert all(r["method"] == "GET" and r["path"].endswith("/SMS/Messages") for r in seen), seen
    assert all("num=1000" in r["query"] for r in seen)
    assert len(seen) <= rounds + 1, f"{len(seen)} requests in {elapsed:.2f} s at 0.25 s intervals"
    assert len(seen) < WAITERS / 4  # nowhere near one request per waiter per round
    print(
        f"\n{WAITERS} SMS-reply waits: {len(seen)} SMS list requests in {elapsed:.2f} s ({rounds:.1f} rounds)"
    )


def test_kwargs_are_json_hold_no_secret_and_round_trip(twilio2008_emulator: Any) -> None:
    trigger = _sms_trigger("+1 415 555 0134", datetime(2026, 1, 2, 9, 30, 1, 700000, tzinfo=timezone.utc))
    path, kwargs = trigger.serialize()
    assert path == "airflow_provider_twilio2008.triggers.sms.SMSReplyTrigger"
    assert kwargs["from_"] == "4155550134" and kwargs["since"] == "2026-01-02T09:30:01+00:00"
    text = json.dumps(kwargs)
    assert twilio2008_emulator.auth_token not in text
    assert SMSReplyTrigger(**json.loads(text)).serialize() == (path, kwargs)


def test_the_deadline_ends_the_wait_with_a_timeout_event(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio2008_emulator.set_connection_env(monkeypatch)
    trigger = _sms_trigger("4155550134", datetime.now(timezone.utc), timeout_at=time.time() + 0.5)
    (event,) = asyncio.run(_first_events([trigger]))
    assert event["status"] == "timeout" and "4155550134" in event["message"]


def test_a_reply_already_there_ends_the_wait_even_past_the_deadline(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio2008_emulator.set_connection_env(monkeypatch)
    since = datetime.now(timezone.utc)
    sent = text_in(twilio2008_emulator, From="4155550134", Body="no")
    trigger = _sms_trigger("4155550134", since, timeout_at=time.time() - 1)
    (event,) = asyncio.run(_first_events([trigger]))
    assert event["status"] == "done" and event["value"]["sid"] == sent["sid"]


def test_wrong_credentials_end_the_wait_with_an_error_naming_them(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    wrong = twilio2008_emulator.conn_uri.replace(twilio2008_emulator.auth_token, "0" * 32)
    monkeypatch.setenv("AIRFLOW_CONN_TWILIO2008_DEFAULT", wrong)
    (event,) = asyncio.run(_first_events([_sms_trigger("4155550134", datetime.now(timezone.utc))]))
    assert event["status"] == "error" and event["error"] == "Twilio2008AuthenticationError"
    assert "0" * 32 not in event["message"]


def test_transient_errors_do_not_end_the_wait(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    twilio2008_emulator.set_connection_env(monkeypatch)
    since = datetime.now(timezone.utc)
    text_in(twilio2008_emulator, From="4155550134", Body="yes")
    twilio2008_emulator.add_fault("error503", count=4, method="GET", path="/SMS/Messages", retry_after=0)
    trigger = _sms_trigger("4155550134", since, poll_interval=0.05)
    (event,) = asyncio.run(_first_events([trigger]))
    assert event["status"] == "done"
    assert twilio2008_emulator.control("GET", "faults")["injected"] >= 4
