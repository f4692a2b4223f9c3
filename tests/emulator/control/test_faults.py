"""Fault injection through the control endpoint: what a client sees on the wire."""

from __future__ import annotations

import time

import pytest
import requests

from airflow_provider_twilio2008.api.errors import Twilio2008ResponseError
from airflow_provider_twilio2008.api.records import Call, SmsMessage
from airflow_provider_twilio2008.api.xml import parse_page
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.emulator.helpers import Api


def test_faults_are_off_by_default(api: Api) -> None:
    assert api.emulator.control("GET", "faults") == {"rules": [], "injected": 0}
    assert all(api.get("Calls").status_code == 200 for _ in range(20))


def test_counted_503_on_one_path_and_method(api: Api) -> None:
    api.emulator.add_fault("error503", count=1, method="GET", path="/Calls$", retry_after=7)
    assert api.get("SMS/Messages").status_code == 200  # other path: untouched
    assert api.post("Calls", {}).status_code == 400  # other method: untouched
    hit = api.get("Calls")
    assert hit.status_code == 503 and hit.headers["Retry-After"] == "7"
    assert api.error(hit) == (503, None)
    assert api.get("Calls").status_code == 200  # the count is used up
    assert api.emulator.control("GET", "faults") == {"rules": [], "injected": 1}


def test_500_does_not_run_the_request(api: Api) -> None:
    api.emulator.add_fault("error500", count=1, method="POST")
    response = api.post("SMS/Messages", {"From": "5005550006", "To": "4155550100", "Body": "hi"})
    assert response.status_code == 500 and api.error(response) == (500, None)
    assert api.page("SMS/Messages", SmsMessage).total == 0


def test_drop_closes_the_connection_without_answer(api: Api) -> None:
    api.emulator.add_fault("drop", count=1)
    with pytest.raises(requests.ConnectionError):
        requests.get(api.url("Calls"), auth=api.emulator.auth, timeout=5)
    assert api.get("Calls").status_code == 200


def test_drop_after_runs_the_request_but_loses_the_answer(api: Api) -> None:
    api.emulator.add_fault("drop", count=1, method="POST", after=True)
    with pytest.raises(requests.ConnectionError):
        requests.post(
            api.url("SMS/Messages"),
            data={"From": "5005550006", "To": "4155550100", "Body": "hi"},
            auth=api.emulator.auth,
            timeout=5,
        )
    assert api.page("SMS/Messages", SmsMessage).total == 1  # the outcome is "unknown" to the client


def test_truncated_body_is_an_incomplete_read(api: Api) -> None:
    api.emulator.add_fault("truncate", count=1)
    with pytest.raises(requests.exceptions.ChunkedEncodingError):
        requests.get(api.url("IncomingPhoneNumbers"), auth=api.emulator.auth, timeout=5)


def test_cut_body_is_unparseable_xml(api: Api) -> None:
    api.emulator.add_fault("cut", count=1)
    response = requests.get(api.url("IncomingPhoneNumbers"), auth=api.emulator.auth, timeout=5)
    assert response.status_code == 200 and response.text.startswith("<?xml")
    with pytest.raises(Twilio2008ResponseError):
        parse_page(response.content, Call)


def test_latency_delays_answers(api: Api) -> None:
    api.emulator.add_fault("latency", latency_ms=300, count=1)
    started = time.monotonic()
    assert api.get("Calls").status_code == 200
    assert time.monotonic() - started >= 0.3


def test_a_create_whose_client_gave_up_during_latency_still_lands(api: Api) -> None:
    # Twilio runs a request that reached it, even when the client timed out waiting for the answer.
    api.emulator.add_fault("latency", latency_ms=1500, count=1, method="POST")
    with pytest.raises(requests.exceptions.ReadTimeout):
        requests.post(
            api.url("SMS/Messages"),
            data={"From": "5005550006", "To": "4155550100", "Body": "late"},
            auth=api.emulator.auth,
            timeout=0.5,
        )
    deadline = time.monotonic() + 10
    while api.page("SMS/Messages", SmsMessage).total == 0 and time.monotonic() < deadline:
        time.sleep(0.05)
    (message,) = api.page("SMS/Messages", SmsMessage).items
    assert message.body == "late"


def test_probability_and_replace(api: Api) -> None:
    api.emulator.control(
        "POST", "faults", {"rules": [{"kind": "error500", "probability": 0.5}], "replace": True}
    )
    statuses = [api.get("Calls").status_code for _ in range(60)]
    assert 5 < statuses.count(500) < 55 and statuses.count(200) > 5
    api.emulator.clear_faults()
    assert all(api.get("Calls").status_code == 200 for _ in range(10))


def test_faults_never_touch_control_or_twiml(api: Api) -> None:
    api.emulator.add_fault("error500")
    assert api.get("Calls").status_code == 500
    assert requests.get(api.url("/twiml/hangup"), timeout=5).status_code == 200
    assert api.emulator.control("GET", "faults")["rules"][0]["kind"] == "error500"


def test_bad_fault_rules_are_refused(api: Api) -> None:
    for body in ({"kind": "explode"}, {"kind": "error500", "probability": 2}, {"kind": "drop", "when": "x"}):
        response = requests.post(api.url("/_emulator/faults"), json=body, auth=api.emulator.auth, timeout=5)
        assert response.status_code == 400


def test_faults_from_the_factory(twilio2008_emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emulator: EmulatorHandle = twilio2008_emulator_factory(faults=[{"kind": "error503", "count": 2}])
    session = requests.Session()
    session.auth = emulator.auth
    codes = [session.get(emulator.api_root + "/Calls", timeout=5).status_code for _ in range(3)]
    assert codes == [503, 503, 200]
