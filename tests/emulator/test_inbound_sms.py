"""Incoming SMS over real HTTP: ``POST /_emulator/inbound/sms`` stores the message and runs the app."""

from __future__ import annotations

from typing import Any

import pytest
import requests
from conftest import Api

from airflow_provider_twilio2008.api.records import SmsFlags, SmsMessage, SmsStatus

SEED = "5005550006"
SENDER = "4155550100"


def _text(api: Api, body: Any = None, **fields: str) -> requests.Response:
    data = {"From": SENDER, "To": SEED, "Body": "hello", **fields} if body is None else body
    return api.session.post(api.url("/_emulator/inbound/sms"), json=data, timeout=10)


def test_inbound_sms_is_stored_sent_with_inbound_flag(api: Api) -> None:
    response = _text(api, From="+1 (415) 555-0100", Body="Deploy?")
    assert response.status_code == 201, response.text
    data = response.json()
    assert (data["from_"], data["to"], data["body"]) == (SENDER, SEED, "Deploy?")
    assert data["status"] == "sent" and data["flags"] == 1
    assert data["date_sent"] == data["date_created"] is not None
    message = api.record(f"SMS/Messages/{data['sid']}", SmsMessage)
    assert message.flags == SmsFlags.INBOUND and message.status is SmsStatus.SENT
    assert message.date_sent == message.date_created
    assert [m["sid"] for m in api.emulator.state()["sms"]] == [data["sid"]]


def test_text_to_a_number_not_owned_is_404_naming_to(api: Api) -> None:
    response = _text(api, To="4155550199")
    assert response.status_code == 404
    assert response.json()["field"] == "To" and "4155550199" in response.json()["error"]
    assert api.emulator.state()["sms"] == []


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"To": SEED, "Body": "hi"}, "From"),
        ({"From": SENDER, "Body": "hi"}, "To"),
        ({"From": SENDER, "To": SEED}, "Body"),
        ({"From": "12", "To": SEED, "Body": "hi"}, "From"),
        ({"From": SENDER, "To": "abc", "Body": "hi"}, "To"),
        ({"From": SENDER, "To": SEED, "Body": "x" * 161}, "Body"),
        ({"From": SENDER, "To": SEED, "Body": "   "}, "Body"),
        (["not", "an", "object"], "body"),
    ],
)
def test_bad_input_is_400_naming_the_field(api: Api, body: Any, field: str) -> None:
    response = _text(api, body)
    assert response.status_code == 400, response.text
    assert response.json()["field"] == field and field in response.json()["error"]


def test_bad_json_is_400(api: Api) -> None:
    response = api.session.post(api.url("/_emulator/inbound/sms"), data=b"{not json", timeout=10)
    assert response.status_code == 400 and response.json()["field"] == "body"


def test_wrong_credentials_are_401(api: Api) -> None:
    response = requests.post(
        api.url("/_emulator/inbound/sms"),
        json={"From": SENDER, "To": SEED, "Body": "hi"},
        auth=(api.emulator.account_sid, "wrong"),
        timeout=10,
    )
    assert response.status_code == 401
