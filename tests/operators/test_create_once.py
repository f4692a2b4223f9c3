"""A task creates its own call or SMS exactly once: never another task's, never twice when slow.

Each test runs the operators in real Airflow (``dag.test()``) against the emulator, with the
fault that broke the promise in an outside test: a 503 or a dropped request on the task's own
create while other tasks called the same person moments before, and a create held longer than
the client waits.
"""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest

from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from tests.helpers import run_dag

PERSON = "4155551600"
BODY = "Your appointment is tomorrow at 9:00"


@pytest.fixture
def emulator(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Any:
    """The emulator, with a connection that settles lost creates for 1 s, and a metadata DB."""
    twilio2008_emulator.set_connection_env(monkeypatch, create_settle=1)
    return twilio2008_emulator


def _calls(to: str) -> list[Any]:
    with Twilio2008Hook() as hook:
        return list(hook.list_calls(to=to))


def _texts(to: str) -> list[Any]:
    with Twilio2008Hook() as hook:
        return list(hook.list_sms(to=to))


def _earlier_calls(emulator: Any, count: int) -> list[str]:
    """Call PERSON ``count`` times as other tasks would, then wait out the clock's precision (2 s)."""
    with Twilio2008Hook() as hook:
        sids = [hook.make_call(PERSON, None, f"{emulator.base_url}/twiml/say").sid for _ in range(count)]
    time.sleep(2.5)
    return sids


@pytest.mark.parametrize("fault", ["error503", "drop"])
def test_a_create_that_failed_places_this_tasks_own_call_not_adopting_an_earlier_one(
    emulator: Any, fault: str
) -> None:
    (earlier,) = _earlier_calls(emulator, 1)
    emulator.add_fault(fault, count=1, method="POST", path="/Calls$", retry_after=0)
    result = run_dag("twilio2008_test_make_call", to=PERSON)
    assert result.state == "success", result.states
    assert result.tries("call") == 2
    mine = result.xcom("call")["sid"]
    assert mine != earlier
    assert sorted(call.sid for call in _calls(PERSON)) == sorted([earlier, mine])


def test_two_earlier_calls_to_the_same_person_neither_block_nor_satisfy_the_create(emulator: Any) -> None:
    earlier = _earlier_calls(emulator, 2)
    emulator.add_fault("error503", count=1, method="POST", path="/Calls$", retry_after=0)
    result = run_dag("twilio2008_test_make_call", to=PERSON)
    assert result.state == "success", result.states
    mine = result.xcom("call")["sid"]
    assert mine not in earlier and len(_calls(PERSON)) == 3


@pytest.mark.parametrize("fault", ["error503", "drop"])
def test_an_sms_with_the_same_body_sent_earlier_is_not_taken_for_this_tasks_own(
    emulator: Any, fault: str
) -> None:
    with Twilio2008Hook() as hook:
        earlier = hook.send_sms(PERSON, BODY).sid
    time.sleep(2.5)
    emulator.add_fault(fault, count=1, method="POST", path="/SMS/Messages$", retry_after=0)
    result = run_dag("twilio2008_test_send_sms", to=PERSON, body=BODY)
    assert result.state == "success", result.states
    mine = result.xcom("sms")["sid"]
    assert mine != earlier
    assert sorted(sms.sid for sms in _texts(PERSON)) == sorted([earlier, mine])


@pytest.fixture
def slow_api(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Any:
    """The emulator behind a connection that gives up after 1 s and never re-tries, settling for 12 s."""
    twilio2008_emulator.set_connection_env(monkeypatch, timeout=1, retries=0, create_settle=12)
    return twilio2008_emulator


def test_an_sms_held_7_s_after_its_client_gave_up_is_adopted_by_the_retry_not_sent_again(
    slow_api: Any, caplog: pytest.LogCaptureFixture
) -> None:
    slow_api.add_fault("latency", latency_ms=7000, count=1, method="POST", path="/SMS/Messages$")
    result = run_dag("twilio2008_test_send_sms", to=PERSON, body=BODY)
    assert result.state == "success", result.states
    assert result.tries("sms") == 2
    (sent,) = _texts(PERSON)
    assert result.xcom("sms")["sid"] == sent.sid
    assert "may still be on its way: waiting" in caplog.text


def test_a_call_held_7_s_after_its_client_gave_up_is_adopted_by_the_retry_not_placed_again(
    slow_api: Any,
) -> None:
    slow_api.add_fault("latency", latency_ms=7000, count=1, method="POST", path="/Calls$")
    result = run_dag("twilio2008_test_make_call", to=PERSON)
    assert result.state == "success", result.states
    (placed,) = _calls(PERSON)
    assert result.xcom("call")["sid"] == placed.sid


def test_a_retry_3_s_later_still_waits_for_an_sms_held_10_s(slow_api: Any) -> None:
    slow_api.add_fault("latency", latency_ms=10000, count=1, method="POST", path="/SMS/Messages$")
    result = run_dag("twilio2008_test_send_sms_retry_delay", to=PERSON, body=BODY)
    assert result.state == "success", result.states
    (sent,) = _texts(PERSON)
    assert result.xcom("sms")["sid"] == sent.sid


def test_the_same_text_sent_by_someone_else_while_this_one_was_held_fails_rather_than_guess(
    slow_api: Any, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    # While the task's create is held (4 s; its answer lost at 1 s, and the first try's own look
    # lost too), another sender texts the same words to the same person: two identical records
    # in the window, which the 2008 API cannot tell apart. The retry (3 s after the first try
    # gave up, when both have landed) fails at once, naming what to check, and sends no more.
    slow_api.add_fault("latency", latency_ms=4000, count=1, method="POST", path="/SMS/Messages$")
    slow_api.add_fault("latency", latency_ms=2000, count=1, method="GET", path="/SMS/Messages$")

    def someone_else() -> None:
        deadline = time.monotonic() + 60
        while any(rule["method"] == "POST" for rule in slow_api.control("GET", "faults")["rules"]):
            assert time.monotonic() < deadline, "the task never sent its create"
            time.sleep(0.1)  # the task's create is now held
        with Twilio2008Hook() as hook:
            hook.send_sms(PERSON, BODY)

    other = threading.Thread(target=someone_else)
    other.start()
    result = run_dag("twilio2008_test_send_sms_retry_delay", to=PERSON, body=BODY)
    other.join()
    assert result.state == "failed"
    assert result.tries("sms") == 2  # not retried a third time: retrying cannot tell them apart
    assert len(_texts(PERSON)) == 2
    assert "cannot be told apart" in caplog.text + "".join(capfd.readouterr())
