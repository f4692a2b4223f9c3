"""Many clients at once lose no write; the fixture API behaves as documented."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests

from airflow_provider_twilio2008.api.records import SmsMessage, SmsStatus
from airflow_provider_twilio2008.api.xml import parse_page, parse_record
from airflow_provider_twilio2008.testing.plugin import CONN_ENV, EmulatorHandle
from tests.emulator.helpers import Api, wait_for

THREADS = 20
PER_THREAD = 10


def test_concurrent_senders_lose_no_message(api: Api) -> None:
    def sender(worker: int) -> list[str]:
        session = requests.Session()
        session.auth = api.emulator.auth
        sids = []
        for index in range(PER_THREAD):
            response = session.post(
                api.url("SMS/Messages"),
                data={"From": "5005550006", "To": "4155550100", "Body": f"worker {worker} message {index}"},
                timeout=10,
            )
            assert response.status_code == 201, response.text
            sids.append(parse_record(response.content, SmsMessage).sid)
        return sids

    with ThreadPoolExecutor(THREADS) as pool:
        created = [sid for sids in pool.map(sender, range(THREADS)) for sid in sids]
    assert len(set(created)) == THREADS * PER_THREAD
    listed = api.page("SMS/Messages", SmsMessage, num=1000)
    assert listed.total == THREADS * PER_THREAD and {m.sid for m in listed} == set(created)
    bodies = {m.body for m in listed}
    assert bodies == {f"worker {w} message {i}" for w in range(THREADS) for i in range(PER_THREAD)}
    wait_for(lambda: all(m.status is SmsStatus.SENT for m in api.page("SMS/Messages", SmsMessage, num=1000)))


def test_fixture_exposes_connection_forms(
    twilio2008_emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    emulator = twilio2008_emulator
    assert emulator.base_url.startswith("http://127.0.0.1:")
    assert emulator.env == {CONN_ENV: emulator.conn_uri}
    port = emulator.base_url.rsplit(":", 1)[1]
    credentials = f"{emulator.account_sid}:{emulator.auth_token}"
    uri = f"twilio2008://http://{credentials}@127.0.0.1%3A{port}/?default_from=5005550006"
    assert emulator.conn_uri == uri
    from airflow.sdk.definitions.connection import Connection

    from_json = Connection.from_json(emulator.conn_json, conn_id="x")
    from_uri = Connection.from_uri(emulator.conn_uri, conn_id="x")
    for connection in (from_json, from_uri):
        assert (connection.host, connection.login, connection.password) == (
            emulator.base_url,
            emulator.account_sid,
            emulator.auth_token,
        )
        assert connection.extra_dejson == {"default_from": "5005550006"}
    name = emulator.set_connection_env(monkeypatch)
    assert name == CONN_ENV and os.environ[CONN_ENV] == emulator.conn_uri
    emulator.set_connection_env(monkeypatch, "other", json_form=True)
    assert os.environ["AIRFLOW_CONN_OTHER"] == emulator.conn_json


@pytest.mark.twilio2008_time_scale(1)
def test_marker_sets_time_scale(twilio2008_emulator: EmulatorHandle) -> None:
    assert twilio2008_emulator.server.emulator.time_scale == 1


def test_reset_and_stop(twilio2008_emulator_factory) -> None:  # type: ignore[no-untyped-def]
    emulator: EmulatorHandle = twilio2008_emulator_factory(time_scale=200)
    session = requests.Session()
    session.auth = emulator.auth
    session.post(
        emulator.api_root + "/SMS/Messages", data={"From": "5005550006", "To": "4155550100", "Body": "x"}
    )
    emulator.reset()
    page = parse_page(session.get(emulator.api_root + "/SMS/Messages", timeout=5).content, SmsMessage)
    assert page.total == 0
    assert "5005550006" in session.get(emulator.api_root + "/IncomingPhoneNumbers", timeout=5).text
    emulator.stop()
    with pytest.raises(requests.ConnectionError):
        requests.get(emulator.base_url + "/_emulator/health", timeout=2)
