"""Accounts, numbers, caller IDs, auth, 404 across accounts, _method and the four representations."""

from __future__ import annotations

import csv
import io
import json

import pytest
import requests

from airflow_provider_twilio2008.api.records import (
    Account,
    IncomingPhoneNumber,
    OutgoingCallerId,
    SmsMessage,
    ValidationRequest,
)
from airflow_provider_twilio2008.api.xml import parse_page, parse_record
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.emulator.helpers import Api, wait_for


def test_account_list_holds_only_own_account_and_updates(api: Api) -> None:
    accounts = parse_page(api.session.get(api.emulator.base_url + "/2008-08-01/Accounts").content, Account)
    assert [a.sid for a in accounts] == [api.emulator.account_sid]
    account = api.record("", Account)
    assert (
        account.status == 2
        and account.status_text == "Active"
        and account.auth_token == api.emulator.auth_token
    )
    updated = parse_record(api.post("", {"FriendlyName": "Ops"}).content, Account)
    assert updated.friendly_name == "Ops"
    assert (
        parse_record(api.request("PUT", "", data={"FriendlyName": "Ops 2"}).content, Account).friendly_name
        == "Ops 2"
    )
    assert api.error(api.post("", {"FriendlyName": "x" * 65})) == (400, 21200)
    overridden = api.post("?_method=PUT", {"FriendlyName": "Ops 3"})
    assert parse_record(overridden.content, Account).friendly_name == "Ops 3"
    assert api.request("DELETE", "").status_code == 405
    assert api.session.post(api.emulator.base_url + "/2008-08-01/Accounts").status_code == 405


@pytest.mark.parametrize(
    "auth", [None, ("AC" + "0" * 32, "0" * 32), "wrong-token"], ids=["missing", "unknown", "wrong"]
)
def test_bad_credentials_give_401_with_20003(api: Api, auth: object) -> None:
    if auth == "wrong-token":
        auth = (api.emulator.account_sid, "f" * 32)
    response = requests.get(api.url("Calls"), auth=auth, timeout=5)  # type: ignore[arg-type]
    assert response.status_code == 401 and api.error(response) == (401, 20003)
    assert response.headers["WWW-Authenticate"].startswith("Basic")
    control = requests.get(api.emulator.base_url + "/_emulator/state", auth=auth, timeout=5)  # type: ignore[arg-type]
    assert control.status_code == 401


def test_other_accounts_resources_are_404(api: Api, twilio2008_emulator: EmulatorHandle) -> None:
    other = twilio2008_emulator.control("POST", "accounts", {"friendly_name": "B"})
    message = api.create("SMS/Messages", SmsMessage, {"From": "5005550006", "To": "4155550100", "Body": "hi"})
    theirs = requests.Session()
    theirs.auth = (other["sid"], other["auth_token"])
    own_root = f"{twilio2008_emulator.base_url}/2008-08-01/Accounts/{other['sid']}"
    assert theirs.get(f"{own_root}/SMS/Messages/{message.sid}", timeout=5).status_code == 404
    assert theirs.get(f"{api.root}/SMS/Messages/{message.sid}", timeout=5).status_code == 404
    assert theirs.get(api.root, timeout=5).status_code == 404
    assert 'total="0"' in theirs.get(f"{own_root}/SMS/Messages", timeout=5).text
    assert api.get("Calls/CA" + "1" * 32).status_code == 404
    assert api.get("NoSuchThing").status_code == 404


def test_local_and_toll_free_purchase_update_release(api: Api) -> None:
    response = api.post(
        "IncomingPhoneNumbers/Local", {"AreaCode": "650", "FriendlyName": "Support", "SmsUrl": ""}
    )
    assert response.status_code == 201
    local = parse_record(response.content, IncomingPhoneNumber)
    assert local.phone_number.startswith("650") and local.friendly_name == "Support"
    assert response.headers["Location"] == api.url(f"IncomingPhoneNumbers/{local.sid}")
    toll_free = api.create("IncomingPhoneNumbers/TollFree", IncomingPhoneNumber, {"AreaCode": "877"})
    assert toll_free.phone_number.startswith("877")
    assert {n.sid for n in api.page("IncomingPhoneNumbers/Local", IncomingPhoneNumber)} >= {local.sid}
    assert [n.sid for n in api.page("IncomingPhoneNumbers/TollFree", IncomingPhoneNumber)] == [toll_free.sid]
    assert api.page("IncomingPhoneNumbers", IncomingPhoneNumber).total == 3  # with the seed number
    assert [
        n.sid for n in api.page("IncomingPhoneNumbers", IncomingPhoneNumber, PhoneNumber=local.phone_number)
    ] == [local.sid]
    updated = parse_record(
        api.post(
            f"IncomingPhoneNumbers/{local.sid}", {"Url": "http://app.example/voice", "Method": "get"}
        ).content,
        IncomingPhoneNumber,
    )
    assert (updated.url, updated.method, updated.friendly_name) == (
        "http://app.example/voice",
        "GET",
        "Support",
    )
    assert api.error(api.request("PUT", f"IncomingPhoneNumbers/{local.sid}", data={"Url": "nope"})) == (
        400,
        21205,
    )
    released = api.post(f"IncomingPhoneNumbers/{local.sid}?_method=DELETE")
    assert released.status_code == 204 and released.content == b""
    assert api.get(f"IncomingPhoneNumbers/{local.sid}").status_code == 404


@pytest.mark.parametrize(
    ("path", "area", "code"),
    [("Local", "000", 21452), ("Local", "123", 21452), ("TollFree", "415", 21452), ("Local", "41", 21451)],
)
def test_purchase_without_available_number(api: Api, path: str, area: str, code: int) -> None:
    assert api.error(api.post(f"IncomingPhoneNumbers/{path}", {"AreaCode": area})) == (400, code)


def test_caller_id_validation_flow(api: Api) -> None:
    response = api.post("OutgoingCallerIds", {"PhoneNumber": "(415) 555-0123", "FriendlyName": "Dana"})
    assert response.status_code == 200
    request = parse_record(response.content, ValidationRequest)
    assert request.phone_number == "4155550123" and len(request.validation_code) == 6
    assert request.validation_code.isdigit() and request.friendly_name == "Dana"
    caller_id = wait_for(lambda: api.page("OutgoingCallerIds", OutgoingCallerId).items)[0]
    assert (caller_id.phone_number, caller_id.friendly_name) == ("4155550123", "Dana")
    call = api.post(
        "Calls", {"Caller": "4155550123", "Called": "4155550100", "Url": api.url("/twiml/hangup")}
    )
    assert call.status_code == 201  # a validated caller ID is a valid Caller
    assert api.error(api.post("OutgoingCallerIds", {"PhoneNumber": "4155550123"})) == (400, 21450)
    renamed = api.request("PUT", f"OutgoingCallerIds/{caller_id.sid}", data={"FriendlyName": "Dana cell"})
    assert parse_record(renamed.content, OutgoingCallerId).friendly_name == "Dana cell"
    assert [c.sid for c in api.page("OutgoingCallerIds", OutgoingCallerId, FriendlyName="Dana cell")] == [
        caller_id.sid
    ]
    deleted = api.request("DELETE", f"OutgoingCallerIds/{caller_id.sid}")
    assert deleted.status_code == 204 and deleted.content == b""
    assert api.page("OutgoingCallerIds", OutgoingCallerId).total == 0


def test_caller_id_validation_completed_through_control_endpoint(api: Api) -> None:
    api.post("OutgoingCallerIds", {"PhoneNumber": "4155550124", "CallDelay": "60"})
    assert api.page("OutgoingCallerIds", OutgoingCallerId).total == 0
    done = api.emulator.control("POST", "validations/4155550124")
    assert done["phone_number"] == "4155550124"
    assert api.page("OutgoingCallerIds", OutgoingCallerId).total == 1
    assert api.error(api.post("OutgoingCallerIds", {"PhoneNumber": "4155550125", "CallDelay": "61"})) == (
        400,
        21200,
    )


def _one_sms(api: Api) -> SmsMessage:
    return api.create("SMS/Messages", SmsMessage, {"From": "5005550006", "To": "4155550100", "Body": "a, b"})


def test_json_representation(api: Api) -> None:
    message = _one_sms(api)
    single = api.get(f"SMS/Messages/{message.sid}.json")
    assert single.headers["content-type"].startswith("application/json")
    body = single.json()["TwilioResponse"]["SMSMessage"]
    assert body["Sid"] == message.sid and body["Flags"] == "4" and isinstance(body["DateSent"], str)
    listed = api.get("SMS/Messages.json").json()["TwilioResponse"]
    assert listed["SMSMessages"][0]["SMSMessage"]["Sid"] == message.sid
    assert listed["total"] == "1" and listed["nextpageuri"] == ""
    error = api.get("SMS/Messages/SM" + "0" * 32 + ".json")
    assert error.status_code == 404 and error.json()["TwilioResponse"]["RestException"]["Status"] == "404"


def test_csv_representation(api: Api) -> None:
    message = _one_sms(api)
    response = api.get("SMS/Messages.csv")
    assert response.headers["content-type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.text)))
    assert rows[0][:3] == ["Sid", "DateCreated", "DateUpdated"]
    assert rows[1][0] == message.sid and rows[1][rows[0].index("Body")] == "a, b"
    assert '"' in response.text.splitlines()[1]  # RFC 2822 dates hold commas, so they are quoted
    calls = list(csv.reader(io.StringIO(api.get("Calls.csv").text)))
    assert calls == [
        [
            "Sid",
            "DateCreated",
            "DateUpdated",
            "CallSegmentSid",
            "AccountSid",
            "Called",
            "Caller",
            "PhoneNumberSid",
            "Status",
            "StartTime",
            "EndTime",
            "Duration",
            "Price",
            "Flags",
        ]
    ]


def test_html_representation(api: Api) -> None:
    message = _one_sms(api)
    page = api.get(f"SMS/Messages/{message.sid}.html")
    assert page.headers["content-type"].startswith("text/html")
    assert page.text.startswith('<html><head><title>200</title></head><body class="twilio-response">')
    assert '<div class="sms-message"><div class="sid">' + message.sid in page.text
    assert f'<div class="account-sid">{api.emulator.account_sid}</div>' in page.text
    missing = api.get("Calls/CA" + "0" * 32 + ".html")
    assert "<title>404</title>" in missing.text and '<div class="rest-exception">' in missing.text


def test_xml_suffix_equals_default(api: Api) -> None:
    message = _one_sms(api)
    wait_for(lambda: api.record(f"SMS/Messages/{message.sid}", SmsMessage).status.is_terminal)
    plain = api.get(f"SMS/Messages/{message.sid}")
    assert plain.headers["content-type"].startswith("application/xml")
    assert plain.content == api.get(f"SMS/Messages/{message.sid}.xml").content
    assert api.get(f"SMS/Messages/{message.sid}.wav").status_code == 404
    assert json.loads(api.get("Calls.json").text)["TwilioResponse"]["Calls"] == []
