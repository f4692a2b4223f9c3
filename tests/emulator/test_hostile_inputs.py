"""Hostile input to the emulator's REST and control endpoints: each is refused clearly and harms nothing.

Every case talks real HTTP to a real emulator over loopback (raw sockets where ``requests``
would not send the bytes: a lying ``Content-Length``, a slow drip). A refusal is a 4xx naming
the field; afterwards the emulator still answers every read (no stored value can make a read
fail) and the state holds nothing the refused request would have made.
"""

from __future__ import annotations

import json
import socket
import sqlite3
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import quote

import psutil
import pytest
import requests
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.api.records import (
    Account,
    Call,
    IncomingPhoneNumber,
    Notification,
    SmsMessage,
    SmsStatus,
)
from airflow_provider_twilio2008.api.xml import parse_page, parse_record
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.emulator.helpers import Api, wait_for

INVALID_PARAMETER = 21200
SEED = "5005550006"
#: Characters XML 1.0 cannot carry, as the outside hostile test sent them.
XML_ILLEGAL = ["\x00", "\x01", "\x0b", "\x1f", "\ufffe", "\uffff"]
REPRESENTATIONS = ["", ".xml", ".json", ".csv", ".html"]


# ---------------------------------------------------------------------------------------------
# Helpers
# ---------------------------------------------------------------------------------------------


def control(
    emulator: EmulatorHandle, method: str, path: str, body: Any = None, **kwargs: Any
) -> requests.Response:
    """Call ``/_emulator/{path}`` with the emulator's credentials; ``body`` is sent as JSON unless bytes."""
    if isinstance(body, bytes | str):
        kwargs["data"] = body
    elif body is not None:
        kwargs["json"] = body
    return requests.request(
        method, f"{emulator.base_url}/_emulator/{path}", auth=emulator.auth, timeout=10, **kwargs
    )


def refused_json(response: requests.Response, field: str, status: int = 400) -> dict[str, Any]:
    """Assert a control endpoint refused one field; return the JSON error."""
    assert response.status_code == status, response.text
    error = response.json()
    assert error.get("field") == field, error
    assert field in error["error"], error
    return error


def rest_refused(api: Api, response: requests.Response, field: str) -> str:
    """Assert a REST answer is 400 with code 21200 whose message names ``field``; return the message."""
    assert response.status_code == 400, response.text
    assert api.error(response) == (400, INVALID_PARAMETER)
    message = response.text
    assert field in message, message
    return message


def sms_count(api: Api) -> int:
    """Return how many SMS the account holds (reading the XML list: it must stay readable)."""
    return api.page("SMS/Messages", SmsMessage).total


def every_read_works(api: Api) -> None:
    """Assert the reads the hostile test saw fail for good all answer 200 in every representation."""
    emulator = api.emulator
    for path in ("SMS/Messages", "Calls", "Notifications", "IncomingPhoneNumbers", ""):
        for suffix in REPRESENTATIONS:
            url = f"{emulator.api_root}/{path}{suffix}" if path else emulator.api_root + suffix
            response = api.session.get(url, timeout=10)
            assert response.status_code == 200, (path, suffix, response.text)
    for suffix in REPRESENTATIONS:
        response = requests.get(
            f"{emulator.base_url}/2008-08-01/Accounts{suffix}", auth=emulator.auth, timeout=10
        )
        assert response.status_code == 200, (suffix, response.text)
    assert control(emulator, "GET", "state").status_code == 200


def raw_http(
    emulator: EmulatorHandle, head: str, body: bytes = b"", *, wait: float = 15.0
) -> tuple[bytes, float]:
    """Send raw bytes and read until the server closes (or ``wait`` passes); return (answer, seconds)."""
    started = time.monotonic()
    with socket.create_connection(
        (emulator.base_url.split("//")[1].split(":")[0], emulator.server.port)
    ) as sock:
        sock.settimeout(wait)
        sock.sendall(head.encode("latin-1") + body)
        chunks = []
        try:
            while chunk := sock.recv(65536):
                chunks.append(chunk)
        except (TimeoutError, ConnectionResetError):
            pass
    return b"".join(chunks), time.monotonic() - started


def nested(depth: int) -> Any:
    """Return ``"x"`` inside ``depth`` JSON arrays."""
    value: Any = "x"
    for _ in range(depth):
        value = [value]
    return value


def basic(emulator: EmulatorHandle) -> str:
    """Return the Authorization header line of the emulator's account."""
    import base64

    token = base64.b64encode(f"{emulator.account_sid}:{emulator.auth_token}".encode()).decode()
    return f"Authorization: Basic {token}\r\n"


@pytest.fixture
def other(api: Api) -> Iterator[Api]:
    """A second account on the same emulator, with its own client."""
    created = control(api.emulator, "POST", "accounts", {"friendly_name": "B"}).json()
    client = Api(api.emulator)
    client.root = f"{api.emulator.base_url}/2008-08-01/Accounts/{created['sid']}"
    client.session.auth = (created["sid"], created["auth_token"])
    yield client


def other_control(other: Api, method: str, path: str, body: Any = None) -> requests.Response:
    """Call the control endpoint with the second account's credentials."""
    return other.session.request(method, f"{other.emulator.base_url}/_emulator/{path}", json=body, timeout=10)


def send_sms(api: Api, body: str = "hello", to: str = "4155550100") -> requests.Response:
    """POST an SMS from the seed number."""
    return api.post("SMS/Messages", {"From": SEED, "To": to, "Body": body})


# ---------------------------------------------------------------------------------------------
# Finding 1: poisoned state. XML-illegal characters are refused on input; a stored one never
# breaks a read.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("char", XML_ILLEGAL, ids=[f"U+{ord(c):04X}" for c in XML_ILLEGAL])
def test_sms_body_with_an_xml_illegal_character_is_refused_and_nothing_is_stored(api: Api, char: str) -> None:
    message = rest_refused(api, send_sms(api, f"a{char}b"), "Body")
    assert f"U+{ord(char):04X}" in message
    assert sms_count(api) == 0
    every_read_works(api)


@pytest.mark.parametrize("char", ["\x00", "\x1f", "\uffff"], ids=["U+0000", "U+001F", "U+FFFF"])
def test_account_friendly_name_with_an_xml_illegal_character_is_refused(api: Api, char: str) -> None:
    rest_refused(api, api.post("", {"FriendlyName": f"x{char}"}), "FriendlyName")
    assert api.record("", Account).friendly_name == "Emulated account"
    every_read_works(api)


def test_phone_number_friendly_name_with_nul_is_refused(api: Api) -> None:
    seed = api.page("IncomingPhoneNumbers", IncomingPhoneNumber).items[0]
    rest_refused(
        api, api.post(f"IncomingPhoneNumbers/{seed.sid}", {"FriendlyName": "x\x00y"}), "FriendlyName"
    )
    assert (
        api.record(f"IncomingPhoneNumbers/{seed.sid}", IncomingPhoneNumber).friendly_name == "(500) 555-0006"
    )


def test_an_xml_illegal_character_in_a_query_filter_or_a_parameter_name_is_refused(api: Api) -> None:
    rest_refused(api, api.get("SMS/Messages", params={"To": "\x00"}), "To")
    response = api.post("SMS/Messages", {"From": SEED, "To": "4155550100", "Body": "hi", "X\x01": "1"})
    assert response.status_code == 400 and api.error(response) == (400, INVALID_PARAMETER)
    assert sms_count(api) == 0


def test_invalid_utf8_in_a_form_becomes_replacement_characters_and_reads_still_work(api: Api) -> None:
    # Encoded lone surrogate and a stray continuation byte: not UTF-8, so decoded as U+FFFD.
    response = api.post(
        "SMS/Messages",
        data=f"From={SEED}&To=4155550100&Body=a%ED%A0%80b%80c",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert response.status_code == 201, response.text
    assert parse_record(response.content, SmsMessage).body == "a\ufffd\ufffd\ufffdb\ufffdc"
    every_read_works(api)


@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("inbound/sms", {"From": "4155550100", "To": SEED, "Body": "hi\x00"}, "Body"),
        ("inbound/sms", {"From": "4155550100", "To": SEED, "Body": "hi\ud800"}, "Body"),
        ("inbound/sms", {"From": "4155550100\x0b", "To": SEED, "Body": "hi"}, "From"),
        ("callees/4155550100", {"sms_reply": "yes\x01"}, "sms_reply"),
        ("callees/4155550100", {"transcript": "lone \udfff surrogate"}, "transcript"),
        ("accounts", {"friendly_name": "evil\x00"}, "friendly_name"),
        ("faults", {"kind": "error500", "path": "/Calls\x00"}, "path"),
    ],
    ids=[
        "inbound-body-nul",
        "inbound-body-surrogate",
        "inbound-from-vt",
        "callee-reply",
        "callee-transcript",
        "account-name",
        "fault-path",
    ],
)
def test_control_json_with_an_xml_illegal_character_is_refused(
    api: Api, path: str, body: dict[str, Any], field: str
) -> None:
    # json.dumps escapes lone surrogates as \udXXX, which decode back to the same lone surrogate.
    response = control(
        api.emulator, "POST" if not path.startswith("callees") else "PUT", path, json.dumps(body)
    )
    error = refused_json(response, field)
    assert error["code"] == INVALID_PARAMETER
    state = control(api.emulator, "GET", "state").json()
    assert state["sms"] == [] and control(api.emulator, "GET", "callees").json() == {}
    assert control(api.emulator, "GET", "faults").json()["rules"] == []
    every_read_works(api)


def test_an_apps_answer_holding_control_characters_is_logged_xml_safe(
    api: Api, httpserver: HTTPServer
) -> None:
    # TwiML with a raw U+0001 is not XML: the call fails with 12100 and the notification keeps the
    # body it got, with U+FFFD in place of the character XML cannot carry.
    httpserver.expect_request("/bad").respond_with_data(
        "<Response><Sms>hi\x01there</Sms></Response>", content_type="text/xml"
    )
    api.post("Calls", {"Caller": SEED, "Called": "4155550100", "Url": httpserver.url_for("/bad")})
    notes = wait_for(lambda: api.page("Notifications", Notification).items)
    full = api.record(f"Notifications/{notes[0].sid}", Notification)
    assert "hi\ufffdthere" in (full.response_body or "")
    assert sms_count(api) == 0
    every_read_works(api)


def test_a_text_reply_holding_a_nul_is_not_texted_and_is_logged(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/reply").respond_with_data("thanks\x00!", content_type="text/plain")
    seed = api.page("IncomingPhoneNumbers", IncomingPhoneNumber).items[0]
    urls = {"Url": httpserver.url_for("/voice"), "SmsUrl": httpserver.url_for("/reply")}
    assert api.post(f"IncomingPhoneNumbers/{seed.sid}", urls).status_code == 200
    response = control(api.emulator, "POST", "inbound/sms", {"From": "4155550100", "To": SEED, "Body": "hi"})
    assert response.status_code == 201, response.text
    notes = wait_for(lambda: api.page("Notifications", Notification).items)
    assert notes[0].error_code == 12100 and "U+0000" in (notes[0].message_text or "")
    assert [m.body for m in api.page("SMS/Messages", SmsMessage).items] == ["hi"]  # no reply was sent
    every_read_works(api)


def test_values_written_straight_into_the_store_never_break_a_read(api: Api) -> None:
    sms = parse_record(send_sms(api, "clean").content, SmsMessage)
    # Once sent, no task of the emulator writes the row again.
    wait_for(lambda: api.record(f"SMS/Messages/{sms.sid}", SmsMessage).status is SmsStatus.SENT)
    db = sqlite3.connect(api.emulator.db_path, isolation_level=None)
    try:
        for kind, key, name in (
            (SmsMessage.TAG, sms.sid, "body"),
            (Account.TAG, api.emulator.account_sid, "friendly_name"),
        ):
            (data,) = db.execute("SELECT data FROM resources WHERE kind=? AND key=?", (kind, key)).fetchone()
            fields = json.loads(data)
            fields[name] = "a\x00b\ud800c\ufffed\x1fe"  # json.dumps escapes all of them
            text = json.dumps(fields).replace("\\u001f", "\x1f")  # and one raw control character
            db.execute("UPDATE resources SET data=? WHERE kind=? AND key=?", (text, kind, key))
    finally:
        db.close()
    every_read_works(api)
    for suffix in REPRESENTATIONS:
        response = api.get(f"SMS/Messages/{sms.sid}{suffix}")
        assert response.status_code == 200, (suffix, response.text)
        assert "a\ufffdb\ufffdc\ufffdd\ufffde" in response.content.decode("utf-8"), suffix
    assert (
        parse_page(api.get("SMS/Messages").content, SmsMessage).items[0].body
        == "a\ufffdb\ufffdc\ufffdd\ufffde"
    )
    assert api.record("", Account).friendly_name == "a\ufffdb\ufffdc\ufffdd\ufffde"
    state = control(api.emulator, "GET", "state").json()
    assert state["sms"][0]["body"] == "a\ufffdb\ufffdc\ufffdd\ufffde"


# ---------------------------------------------------------------------------------------------
# Finding 2: the control endpoints are scoped to the caller's account.
# ---------------------------------------------------------------------------------------------


def test_another_accounts_reset_leaves_my_resources_and_work_in_flight(api: Api, other: Api) -> None:
    mine = parse_record(send_sms(api, "mine").content, SmsMessage)
    theirs = parse_record(
        other.post("SMS/Messages", {"From": SEED, "To": "4155550100", "Body": "theirs"}).content, SmsMessage
    )
    assert other_control(other, "POST", "reset").status_code == 200
    assert other.page("SMS/Messages", SmsMessage).total == 0
    assert [m.sid for m in api.page("SMS/Messages", SmsMessage).items] == [mine.sid]
    # My message's delivery (a task of my account) was not cancelled by their reset.
    delivered = wait_for(
        lambda: (m := api.record(f"SMS/Messages/{mine.sid}", SmsMessage)).status is SmsStatus.SENT and m
    )
    assert delivered.date_sent is not None
    assert other.get(f"SMS/Messages/{theirs.sid}").status_code == 404
    assert [n.phone_number for n in other.page("IncomingPhoneNumbers", IncomingPhoneNumber).items] == [SEED]


def test_another_accounts_faults_never_touch_my_requests(api: Api, other: Api) -> None:
    api.emulator.add_fault("error503", path="/Calls$", retry_after=0)
    assert other_control(other, "POST", "faults", {"kind": "error500"}).status_code == 200
    assert api.get("SMS/Messages").status_code == 200  # their error500 applies to them only
    assert other.get("SMS/Messages").status_code == 500
    assert api.get("Calls").status_code == 503  # my own rule applies to me
    assert other.get("Calls").status_code == 500  # not my 503
    mine = control(api.emulator, "GET", "faults").json()
    assert [r["kind"] for r in mine["rules"]] == ["error503"] and mine["injected"] == 1
    assert other_control(other, "DELETE", "faults").json() == {"rules": [], "injected": 2}
    assert [r["kind"] for r in control(api.emulator, "GET", "faults").json()["rules"]] == ["error503"]
    assert other_control(other, "POST", "reset").status_code == 200
    assert api.get("Calls").status_code == 503  # their reset did not clear my faults


def test_callee_scripts_are_per_account(api: Api, other: Api) -> None:
    assert other_control(other, "PUT", "callees/4155550100", {"sms_reply": "theirs"}).status_code == 200
    assert control(api.emulator, "GET", "callees").json() == {}
    sent = parse_record(send_sms(api, "ping").content, SmsMessage)
    wait_for(lambda: api.record(f"SMS/Messages/{sent.sid}", SmsMessage).status is SmsStatus.SENT)
    time.sleep(0.3)  # 15 simulated seconds: past the 5 s a scripted reply would take
    assert [m.body for m in api.page("SMS/Messages", SmsMessage).items] == ["ping"]
    assert other_control(other, "DELETE", "callees/4155550100").status_code == 200


# ---------------------------------------------------------------------------------------------
# Finding 3: ``_method`` may only turn a POST into PUT or DELETE.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("override", ["GET", "HEAD", "PATCH", "OPTIONS", "", "get"])
def test_method_override_other_than_put_or_delete_is_405(api: Api, override: str) -> None:
    response = api.post(f"Calls?_method={override}", {})
    assert response.status_code == 405, response.text
    assert response.headers["Allow"] == "GET, POST"
    assert "_method" in response.text


def test_method_override_to_delete_still_works(api: Api) -> None:
    number = api.create("IncomingPhoneNumbers/Local", IncomingPhoneNumber, {"AreaCode": "415"})
    assert api.post(f"IncomingPhoneNumbers/{number.sid}?_method=DELETE", {}).status_code == 204


# ---------------------------------------------------------------------------------------------
# Finding 4: malformed numbers and control input answer 400, never 500.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("Page", "²"),
        ("Page", "٣"),
        ("num", "²"),
        ("Page", "1e3"),
        ("Page", "9" * 20),
        ("num", "9" * 5000),
        ("Page", "-1"),
    ],
    ids=[
        "page-superscript",
        "page-arabic-indic",
        "num-superscript",
        "page-exponent",
        "page-20-digits",
        "num-5000-digits",
        "page-negative",
    ],
)
def test_paging_parameters_take_ascii_digits_only(api: Api, name: str, value: str) -> None:
    message = rest_refused(api, api.get("Calls", params={name: value}), name)
    assert "ASCII digits" in message


def test_area_code_in_other_digits_is_refused(api: Api) -> None:
    response = api.post("IncomingPhoneNumbers/Local", {"AreaCode": "٤١٥"})
    assert response.status_code == 400 and "AreaCode" in response.text
    assert api.page("IncomingPhoneNumbers", IncomingPhoneNumber).total == 1


@pytest.mark.parametrize(
    ("method", "path", "body", "field"),
    [
        ("POST", "faults", {"kind": "error500", "path": "("}, "rules[0]"),
        ("POST", "faults", "[" * 100_000, "body"),
        ("POST", "faults", "{" * 50 + "}" * 50, "body"),
        ("POST", "faults", json.dumps(nested(40)), "body"),
        ("POST", "faults", {"rules": {"kind": "error500"}}, "rules"),
        ("POST", "faults", {"rules": [], "replace": "yes"}, "replace"),
        ("POST", "faults", {"kind": "error500", "count": "5"}, "rules[0]"),
        ("POST", "faults", {"kind": "error500", "probability": "x"}, "rules[0]"),
        ("POST", "faults", {"kind": "error500", "probability": None}, "rules[0]"),
        ("POST", "faults", {"kind": "latency", "latency_ms": 10**12}, "rules[0]"),
        ("POST", "faults", {"kind": "error503", "retry_after": -1}, "rules[0]"),
        ("POST", "faults", {"kind": "drop", "after": "yes"}, "rules[0]"),
        ("POST", "faults", {"kind": "error500", "method": "GET /x HTTP/1.1\r\nX: y"}, "rules[0]"),
        ("POST", "faults", {"kind": "error500", "account_sid": "AC" + "0" * 32}, "rules[0]"),
        ("POST", "faults", {"path": "/Calls"}, "rules[0]"),
        ("POST", "faults", '"error500"', "body"),
        ("POST", "faults", "{not json", "body"),
        ("POST", "faults", b"\xff\xfe{}", "body"),
        ("PUT", "callees/4155550100", [], "body"),
        ("PUT", "callees/4155550100", {"digits": 5}, "digits"),
        ("PUT", "callees/4155550100", {"record_seconds": "5"}, "record_seconds"),
        ("PUT", "callees/4155550100", {"talk_seconds": 10**9}, "talk_seconds"),
        ("PUT", "callees/4155550100", {"answer": "maybe"}, "answer"),
        ("PUT", "callees/4155550100", {"sms_reply_after": float("inf")}, "sms_reply_after"),
        ("PUT", "callees/4155550100", {"hangs_up": True}, "hangs_up"),
        ("POST", "accounts", [], "body"),
        ("POST", "accounts", {"friendly_name": ["x"]}, "friendly_name"),
        ("POST", "accounts", {"friendly_name": "x" * 65}, "friendly_name"),
        ("POST", "inbound/sms", [], "body"),
        ("POST", "inbound/sms", {"From": "4155550100", "To": SEED, "Body": ["x"]}, "Body"),
        ("POST", "inbound/calls", "null", "body"),
        ("POST", "inbound/calls", {"From": {"a": 1}, "To": SEED}, "From"),
    ],
    ids=lambda value: str(value)[:30] if isinstance(value, str) else None,
)
def test_malformed_control_input_is_a_400_naming_the_field(
    api: Api, method: str, path: str, body: Any, field: str
) -> None:
    if isinstance(body, float | list | dict):
        payload: Any = json.dumps(body)  # allow_nan: Infinity is what a hostile client sends
    else:
        payload = body
    response = control(api.emulator, method, path, payload, headers={"Content-Type": "application/json"})
    assert response.status_code == 400, response.text
    error = response.json()
    assert field in error["error"] or error.get("field") == field, error
    assert "Traceback" not in response.text
    assert control(api.emulator, "GET", "faults").json()["rules"] == []
    assert control(api.emulator, "GET", "callees").json() == {}
    assert api.get("Calls").status_code == 200


# ---------------------------------------------------------------------------------------------
# Finding 5: fault paths are matched without catastrophic backtracking.
# ---------------------------------------------------------------------------------------------


def test_a_backtracking_fault_path_does_not_stall_the_server(api: Api) -> None:
    assert control(api.emulator, "POST", "faults", {"kind": "error500", "path": "(a+)+$"}).status_code == 200
    started = time.monotonic()
    response = api.get("Calls/" + "a" * 26 + "!")  # ``re`` needs 2**26 steps to give up on this
    assert time.monotonic() - started < 2.0
    assert response.status_code == 404  # no fault: the pattern does not match
    assert api.get("Calls/aaaa").status_code == 500  # it does match this one


@pytest.mark.parametrize(
    "pattern", [r"(a)\1", r"(?=Calls)", r"(?<=a)b", r"a{1000}", r"\Z", "(" * 40 + ")" * 40]
)
def test_fault_paths_outside_the_supported_subset_are_refused(api: Api, pattern: str) -> None:
    response = control(api.emulator, "POST", "faults", {"kind": "error500", "path": pattern})
    assert response.status_code == 400 and "path pattern" in response.json()["error"], response.text


# ---------------------------------------------------------------------------------------------
# Finding 6: bodies are capped and must arrive in time.
# ---------------------------------------------------------------------------------------------


@pytest.fixture
def quick(twilio2008_emulator_factory: Callable[..., EmulatorHandle]) -> Api:
    """An emulator whose body timeout is 1 s."""
    return Api(twilio2008_emulator_factory(body_timeout=1.0))


def test_a_declared_100_mb_form_is_413_without_being_read(api: Api) -> None:
    emulator = api.emulator
    path = f"/2008-08-01/Accounts/{emulator.account_sid}/SMS/Messages"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\n{basic(emulator)}"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        f"Content-Length: {100 * 1024 * 1024}\r\n\r\n"
    )
    answer, seconds = raw_http(emulator, head, b"Body=" + b"x" * 1000, wait=10)
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]
    assert b"<RestException>" in answer and b"65536 bytes" in answer
    assert seconds < 5
    assert sms_count(api) == 0


def test_a_form_over_64_kib_is_413_chunked_or_not(api: Api) -> None:
    big = {"From": SEED, "To": "4155550100", "Body": "x" * 70_000}
    response = api.post("SMS/Messages.json", big)
    assert (
        response.status_code == 413 and response.json()["TwilioResponse"]["RestException"]["Status"] == "413"
    )
    assert sms_count(api) == 0


def test_an_endless_chunked_form_is_cut_at_the_cap_without_growing_the_server(api: Api) -> None:
    # The emulator runs in this process: its memory is ours. Before the cap, 100 MB were read
    # into memory, then decoded and parsed (the hostile test saw 50 -> 451 MB).
    process = psutil.Process()
    before = process.memory_info().rss
    sent = 0

    def chunks() -> Iterator[bytes]:
        nonlocal sent
        yield f"From={SEED}&To=4155550100&Body=".encode()
        for _ in range(1600):  # 100 MiB, never announced in a Content-Length
            sent += 65536
            yield b"y" * 65536

    started = time.monotonic()
    try:
        status = api.post("SMS/Messages", data=chunks(), timeout=30).status_code
    except requests.ConnectionError:
        status = 413  # the server answered 413 and closed while the client was still sending
    grown = (process.memory_info().rss - before) / 2**20
    print(f"\nendless form: cut after {sent / 2**20:.1f} MiB sent, server grew {grown:.1f} MiB")
    assert status == 413
    assert sent < 50 * 2**20 and grown < 50
    assert time.monotonic() - started < 10
    assert sms_count(api) == 0


def test_a_control_body_over_1_mib_is_413(api: Api) -> None:
    response = control(api.emulator, "POST", "faults", b"[" + b" " * (1024 * 1024 + 10) + b"]")
    assert response.status_code == 413 and "1048576 bytes" in response.json()["error"]


def test_a_lying_content_length_is_408_within_the_body_timeout(quick: Api) -> None:
    emulator = quick.emulator
    path = f"/2008-08-01/Accounts/{emulator.account_sid}/SMS/Messages"
    head = (
        f"POST {path} HTTP/1.1\r\nHost: x\r\n{basic(emulator)}"
        "Content-Type: application/x-www-form-urlencoded\r\n"
        "Content-Length: 1000\r\n\r\n"
    )
    answer, seconds = raw_http(emulator, head, f"From={SEED}&To=4155550100&Body=hi".encode(), wait=15)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert b"connection: close" in answer.lower()
    assert seconds < 8  # the timeout is 1 s; before the fix the connection stayed open
    assert sms_count(quick) == 0


def test_a_slow_drip_body_is_408(quick: Api) -> None:
    emulator = quick.emulator
    head = (
        f"POST /_emulator/faults HTTP/1.1\r\nHost: x\r\n{basic(emulator)}Content-Type: application/json\r\n"
        "Content-Length: 40\r\n\r\n"
    )
    host = emulator.base_url.split("//")[1].split(":")[0]
    started = time.monotonic()
    with socket.create_connection((host, emulator.server.port)) as sock:
        sock.settimeout(10)
        sock.sendall(head.encode())
        answer = b""
        for byte in b'{"kind": "error500"':
            try:
                sock.sendall(bytes([byte]))
            except OSError:
                break
            time.sleep(0.2)
            sock.setblocking(False)
            try:
                answer += sock.recv(65536)
            except BlockingIOError:
                pass
            sock.setblocking(True)
            if answer:
                break
    assert answer.startswith(b"HTTP/1.1 408"), answer[:200]
    assert time.monotonic() - started < 8
    assert control(emulator, "GET", "faults").json()["rules"] == []


def test_the_built_in_twiml_form_is_capped_too(api: Api) -> None:
    response = requests.post(
        f"{api.emulator.base_url}/twiml/gathered", data={"Digits": "1" * 70_000}, timeout=10
    )
    assert response.status_code == 413


def test_built_in_twiml_with_a_nul_in_its_text_still_answers_a_document(api: Api) -> None:
    response = requests.get(f"{api.emulator.base_url}/twiml/say", params={"text": "a\x00b"}, timeout=10)
    assert response.status_code == 200 and "<Say>a\ufffdb</Say>" in response.content.decode()


# ---------------------------------------------------------------------------------------------
# Traversal, foreign and malformed SIDs; header injection in URLs given to the emulator.
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "path",
    [
        "Calls/..%2F..%2F..%2FAccounts",
        "Calls/CA..%2FSMS",
        "SMS/Messages/%2e%2e",
        "SMS/Messages/SM%00",
        "Calls/CA" + "0" * 32 + "%0d%0aX-Injected:%201",
        "Recordings/..%5C..%5Cetc%5Cpasswd.wav",
        "IncomingPhoneNumbers/PN" + "g" * 32,
    ],
)
def test_traversal_and_malformed_sids_are_404(api: Api, path: str) -> None:
    response = requests.get(f"{api.root}/{path}", auth=api.emulator.auth, timeout=10)
    assert response.status_code == 404, response.text
    assert "X-Injected" not in response.headers


def test_another_accounts_resources_are_404(api: Api, other: Api) -> None:
    theirs = parse_record(
        other.post("SMS/Messages", {"From": SEED, "To": "4155550100", "Body": "theirs"}).content, SmsMessage
    )
    assert api.get(f"SMS/Messages/{theirs.sid}").status_code == 404
    assert api.get(f"{other.root}/SMS/Messages").status_code == 404


@pytest.mark.parametrize("number", ["..%2F..%2Freset", "%00", "4155550100%0d%0aX:1", "٤١٥٥٥٥٠١٠٠"])
def test_control_paths_with_malformed_numbers_are_refused(api: Api, number: str) -> None:
    response = requests.put(
        f"{api.emulator.base_url}/_emulator/callees/{number}", json={}, auth=api.emulator.auth, timeout=10
    )
    assert response.status_code in (400, 404), response.text
    assert control(api.emulator, "GET", "callees").json() == {}


@pytest.mark.parametrize(
    ("path", "field"),
    [("Calls", "Url"), ("SMS/Messages", "StatusCallback")],
)
def test_header_injection_in_a_url_given_to_the_emulator_is_refused(api: Api, path: str, field: str) -> None:
    evil = "http://127.0.0.1:9/x\r\nX-Injected: 1"
    data = (
        {"Caller": SEED, "Called": "4155550100", "Url": evil}
        if path == "Calls"
        else {"From": SEED, "To": "4155550100", "Body": "hi", "StatusCallback": evil}
    )
    response = api.post(path, data)
    assert response.status_code == 400 and field in response.text, response.text
    assert api.page(path, SmsMessage if path.startswith("SMS") else Call).total == 0
    assert "X-Injected" not in response.headers


def test_header_injection_in_a_number_url_is_refused(api: Api) -> None:
    seed = api.page("IncomingPhoneNumbers", IncomingPhoneNumber).items[0]
    evil = {"Url": "http://127.0.0.1:9/voice", "SmsUrl": "http://127.0.0.1:9/\r\nX: 1"}
    response = api.post(f"IncomingPhoneNumbers/{seed.sid}", evil)
    assert response.status_code == 400 and "SmsUrl" in response.text
    assert api.record(f"IncomingPhoneNumbers/{seed.sid}", IncomingPhoneNumber).sms_url in (None, "")


def test_unauthenticated_hostile_requests_get_401_and_no_body_is_read(api: Api) -> None:
    response = requests.post(
        f"{api.root}/SMS/Messages", data={"Body": "x" * 200_000}, auth=("AC" + "0" * 32, "0" * 32), timeout=10
    )
    assert response.status_code == 401
    response = requests.post(f"{api.emulator.base_url}/_emulator/reset", timeout=10)
    assert response.status_code == 401
    assert quote(api.emulator.auth_token) not in response.text
