"""``SendSMSOperator`` in real Airflow against the emulator: lists, validation, no duplicates."""

from __future__ import annotations

from typing import Any

import pytest

from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from tests.helpers import run_dag

NUMBERS = ["4155550101", "4155550102", "4155550103", "4155550104", "4155550105"]


@pytest.fixture
def emulator(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch, airflow_db: None) -> Any:
    """The emulator, with the default connection pointing at it and a metadata DB."""
    twilio2008_emulator.set_connection_env(monkeypatch, create_settle=1)
    return twilio2008_emulator


def _sent(emulator: Any) -> list[Any]:
    with Twilio2008Hook() as hook:
        return list(hook.list_sms())


def test_one_number_returns_one_message_dict(emulator: Any) -> None:
    result = run_dag("twilio2008_test_send_sms")
    assert result.state == "success", result.states
    (sent,) = _sent(emulator)
    message = result.xcom("sms")
    assert (
        message["sid"] == sent.sid
        and message["to"] == "4155550134"
        and message["from"] == "5005550006"
        and "from_" not in message
    )
    assert message["body"] == "Your appointment is tomorrow at 9:00"


def test_a_list_is_sent_to_each_number_once_in_order(emulator: Any) -> None:
    result = run_dag("twilio2008_test_send_sms", to=NUMBERS)
    assert result.state == "success", result.states
    messages = result.xcom("sms")
    assert [message["to"] for message in messages] == NUMBERS
    assert sorted(sms.to for sms in _sent(emulator)) == NUMBERS


@pytest.mark.parametrize(
    ("to", "body"),
    [
        (["4155550101", "4155550102", "12"], "hello"),
        (["4155550101", "4155550101"], "hello"),
        ("4155550101", "x" * 161),
        ([], "hello"),
    ],
)
def test_bad_input_anywhere_sends_nothing(emulator: Any, to: Any, body: str) -> None:
    emulator.control("DELETE", "requests")
    result = run_dag("twilio2008_test_send_sms", to=to, body=body)
    assert result.state == "failed"
    assert emulator.control("GET", "requests")["count"] == 0
    assert _sent(emulator) == []


def test_lost_answers_do_not_text_anyone_twice(emulator: Any) -> None:
    emulator.add_fault("drop", after=True, count=2, method="POST", path="/SMS/Messages")
    emulator.add_fault("error500", count=8, method="GET", path="/SMS/Messages")  # both checks of try 1
    result = run_dag("twilio2008_test_send_sms", to=NUMBERS)
    assert result.state == "success", result.states
    assert result.tries("sms") == 2
    assert sorted(sms.to for sms in _sent(emulator)) == NUMBERS
