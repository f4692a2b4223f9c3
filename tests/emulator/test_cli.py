"""The command line: start-up lines, the Airflow connection URI, clean signal stops, restart durability."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import pytest
import requests
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.api.records import (
    Call,
    CallStatus,
    IncomingPhoneNumber,
    SmsMessage,
    SmsStatus,
)
from airflow_provider_twilio2008.api.xml import parse_page, parse_record
from tests.emulator.helpers import wait_for

SID = "AC" + "ab" * 16
TOKEN = "cd" * 16


class Cli:
    """One emulator process started from the command line."""

    def __init__(self, *args: str) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "airflow_provider_twilio2008.emulator", "--port", "0", *args],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        self.lines: list[str] = []
        assert self.process.stdout is not None
        while not any(line.startswith("AIRFLOW_CONN_") for line in self.lines):
            line = self.process.stdout.readline()
            if not line:
                raise AssertionError(
                    f"emulator exited: {self.process.stderr.read() if self.process.stderr else ''}"
                )
            self.lines.append(line.strip())
        self.base_url = self.lines[0].rsplit(" ", 1)[-1]
        self.conn_uri = self.lines[-1].split("=", 1)[1]
        wait_for(lambda: requests.get(self.base_url + "/_emulator/health", timeout=1).ok)

    def stop(self, sig: int = signal.SIGTERM) -> int:
        """Send ``sig`` and return the exit status."""
        self.process.send_signal(sig)
        return self.process.wait(timeout=15)


@pytest.fixture
def cli_processes() -> Iterator[list[Cli]]:
    started: list[Cli] = []
    yield started
    for cli in started:
        if cli.process.poll() is None:
            cli.process.kill()
            cli.process.wait()


def test_start_up_lines_and_connection_uri(cli_processes: list[Cli]) -> None:
    cli = Cli("--time-scale", "50")
    cli_processes.append(cli)
    from airflow.sdk.definitions.connection import Connection

    connection = Connection.from_uri(cli.conn_uri, conn_id="x")
    assert connection.host == cli.base_url and cli.base_url.startswith("http://127.0.0.1:")
    assert connection.conn_type == "twilio2008"
    login, password = connection.login, connection.password
    assert login.startswith("AC") and len(login) == 34 and len(password) == 32
    assert all(ch in "0123456789abcdef" for ch in login[2:] + password)
    session = requests.Session()
    session.auth = (login, password)
    response = session.get(f"{connection.host}/2008-08-01/Accounts/{login}/IncomingPhoneNumbers", timeout=5)
    assert [n.phone_number for n in parse_page(response.content, IncomingPhoneNumber)] == ["5005550006"]
    # The token is printed on its own line (to sign in to the inbox) and in the connection, which comes last.
    assert [line for line in cli.lines if password in line] == [f"Auth Token: {password}", cli.lines[-1]]
    assert cli.lines[-1].startswith("AIRFLOW_CONN_TWILIO2008_DEFAULT=")
    assert "Auth Token above" in next(line for line in cli.lines if line.startswith("Web inbox:"))
    assert cli.stop(signal.SIGTERM) == 0


def test_sigint_stops_cleanly_and_removes_the_temporary_database(cli_processes: list[Cli]) -> None:
    cli = Cli()
    cli_processes.append(cli)
    db = next(line for line in cli.lines if "db " in line).rsplit("db ", 1)[1].rstrip(")")
    assert Path(db).exists()
    assert cli.stop(signal.SIGINT) == 0
    assert "Traceback" not in (cli.process.stderr.read() if cli.process.stderr else "")
    assert not Path(db).exists()


def test_cli_refuses_malformed_credentials() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "airflow_provider_twilio2008.emulator", "--account-sid", "ACnothex"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and "Account SID" in result.stderr


def _post(cli: Cli, path: str, data: dict[str, str]) -> requests.Response:
    return requests.post(
        f"{cli.base_url}/2008-08-01/Accounts/{SID}/{path}", data=data, auth=(SID, TOKEN), timeout=5
    )


def _get(cli: Cli, path: str) -> requests.Response:
    return requests.get(f"{cli.base_url}/2008-08-01/Accounts/{SID}/{path}", auth=(SID, TOKEN), timeout=5)


def test_restart_with_same_db_keeps_records_and_finishes_work_in_flight(
    tmp_path: Path, cli_processes: list[Cli], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/sms").respond_with_data("")
    httpserver.expect_request("/hangup").respond_with_data(
        "<Response><Hangup/></Response>", content_type="text/xml"
    )
    db = str(tmp_path / "state.db")
    common = ("--db", db, "--account-sid", SID, "--auth-token", TOKEN)
    first = Cli(*common, "--time-scale", "10")
    cli_processes.append(first)
    number = parse_record(
        _post(first, "IncomingPhoneNumbers/Local", {"AreaCode": "650"}).content, IncomingPhoneNumber
    )
    live = parse_record(
        _post(
            first,
            "Calls",
            {
                "Caller": "5005550006",
                "Called": "4155550100",
                "Url": f"{first.base_url}/twiml/pause?length=600",
            },
        ).content,
        Call,
    )
    wait_for(lambda: "<Status>1</Status>" in _get(first, f"Calls/{live.sid}").text)
    time.sleep(0.3)
    sms = parse_record(
        _post(
            first,
            "SMS/Messages",
            {
                "From": "5005550006",
                "To": "4155550100",
                "Body": "hi",
                "StatusCallback": httpserver.url_for("/sms"),
            },
        ).content,
        SmsMessage,
    )
    queued = parse_record(
        _post(
            first,
            "Calls",
            {"Caller": "5005550006", "Called": "4155550101", "Url": httpserver.url_for("/hangup")},
        ).content,
        Call,
    )
    assert first.stop() == 0

    second = Cli(*common, "--time-scale", "50")
    cli_processes.append(second)
    assert (
        parse_record(
            _get(second, f"IncomingPhoneNumbers/{number.sid}").content, IncomingPhoneNumber
        ).phone_number
        == number.phone_number
    )
    ended = parse_record(_get(second, f"Calls/{live.sid}").content, Call)
    assert ended.status is CallStatus.COMPLETED and ended.duration >= 1 and ended.price is not None
    finished = wait_for(
        lambda: (
            (c := parse_record(_get(second, f"Calls/{queued.sid}").content, Call)).status.is_terminal and c
        )
    )
    assert finished.status is CallStatus.COMPLETED
    message = wait_for(
        lambda: (
            (
                m := parse_record(_get(second, f"SMS/Messages/{sms.sid}").content, SmsMessage)
            ).status.is_terminal
            and m
        )
    )
    assert message.status is SmsStatus.SENT
    callbacks = wait_for(lambda: [r for r, _ in httpserver.log if r.path == "/sms"])
    assert parse_qs(callbacks[0].get_data(as_text=True))["SmsSid"] == [sms.sid]
    assert second.stop() == 0
    assert Path(db).exists()


def test_console_script_is_installed() -> None:
    script = Path(sys.executable).parent / "twilio2008-emulator"
    result = subprocess.run(
        [str(script), "--help"], capture_output=True, text=True, timeout=30, env=dict(os.environ)
    )
    assert result.returncode == 0 and "--time-scale" in result.stdout and "--fault-503" in result.stdout


def _seed_number(cli: Cli) -> IncomingPhoneNumber:
    page = parse_page(_get(cli, "IncomingPhoneNumbers?PhoneNumber=5005550006").content, IncomingPhoneNumber)
    return page.items[0]


def test_voice_and_sms_url_flags_set_the_seed_number(
    tmp_path: Path, cli_processes: list[Cli], httpserver: HTTPServer
) -> None:
    httpserver.expect_request("/sms", method="GET").respond_with_data("Got it", content_type="text/plain")
    db = str(tmp_path / "state.db")
    common = ("--db", db, "--account-sid", SID, "--auth-token", TOKEN, "--time-scale", "50")
    first = Cli(
        *common, "--voice-url", "https://app.example.com/voice", "--sms-url", httpserver.url_for("/sms")
    )
    cli_processes.append(first)
    number = _seed_number(first)
    assert (number.url, number.method) == ("https://app.example.com/voice", "POST")
    assert (number.sms_url, number.sms_method) == (httpserver.url_for("/sms"), "POST")
    assert first.stop() == 0

    # An existing database takes the flags of the new start; the methods can be chosen too.
    second = Cli(*common, "--sms-url", httpserver.url_for("/sms"), "--sms-method", "get")
    cli_processes.append(second)
    number = _seed_number(second)
    assert number.url == "https://app.example.com/voice" and number.sms_method == "GET"
    response = requests.post(
        f"{second.base_url}/_emulator/inbound/sms",
        json={"From": "4155550100", "To": "5005550006", "Body": "deploy?"},
        auth=(SID, TOKEN),
        timeout=5,
    )
    assert response.status_code == 201
    (request,) = wait_for(lambda: [r for r, _ in httpserver.log if r.path == "/sms"])
    assert parse_qs(request.query_string.decode())["Body"] == ["deploy?"]
    # Reset re-creates the seed number with the URLs of the command line.
    assert requests.post(f"{second.base_url}/_emulator/reset", auth=(SID, TOKEN), timeout=5).ok
    assert _seed_number(second).sms_url == httpserver.url_for("/sms")
    assert second.stop() == 0


@pytest.mark.parametrize(
    ("flag", "value", "message"),
    [
        ("--voice-url", "not a url", "white space"),
        ("--sms-url", "ftp://example.com/sms", "absolute http(s) URL"),
        ("--sms-url", "/relative/sms", "absolute http(s) URL"),
        ("--sms-method", "PUT", "GET or POST"),
        ("--voice-url", "http://127.0.0.1/a\r\nX-Injected: 1", "U+000D"),
        ("--retry-after", "-1", "from 0 to 86400"),
        ("--latency-ms", "999999999", "from 0 to 300000"),
        ("--time-scale", "inf", "finite"),
        ("--time-scale", "nan", "finite"),
    ],
)
def test_url_flags_refuse_what_is_not_an_http_url(flag: str, value: str, message: str) -> None:
    result = subprocess.run(
        [sys.executable, "-m", "airflow_provider_twilio2008.emulator", flag, value],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert result.returncode == 2 and flag in result.stderr and message in result.stderr


def test_help_documents_the_seed_number_flags() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "airflow_provider_twilio2008.emulator", "--help"],
        capture_output=True,
        text=True,
        timeout=30,
    )
    assert all(
        flag in result.stdout for flag in ("--voice-url", "--sms-url", "--voice-method", "--sms-method")
    )
    assert "5005550006" in result.stdout


#: Starts of the CLI, each stopped by a signal sent the moment its connection line is read.
SIGNAL_TRIES = 20


def test_a_signal_sent_right_after_the_connection_line_always_stops_with_status_0() -> None:
    outcomes = []
    for attempt in range(SIGNAL_TRIES):
        sig = signal.SIGINT if attempt % 4 == 3 else signal.SIGTERM
        process = subprocess.Popen(
            [sys.executable, "-m", "airflow_provider_twilio2008.emulator", "--port", "0"],
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            text=True,
        )
        try:
            assert process.stdout is not None
            while not (line := process.stdout.readline()).startswith("AIRFLOW_CONN_"):
                assert line, "the emulator exited before its connection line"
            process.send_signal(sig)
            started = time.monotonic()
            try:
                status: int | str = process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                status = "still running after 10 s"
            outcomes.append((sig.name, status, round(time.monotonic() - started, 1)))
        finally:
            if process.poll() is None:
                process.kill()
                process.wait()
    assert all(status == 0 for _name, status, _seconds in outcomes), outcomes


def test_a_restart_on_the_same_db_without_credentials_serves_the_stored_account(
    tmp_path: Path, twilio2008_emulator_factory: Any
) -> None:
    db = str(tmp_path / "kept.db")
    first = twilio2008_emulator_factory(db=db)
    first.control("POST", "accounts", {"friendly_name": "another"})
    first.stop()
    second = twilio2008_emulator_factory(db=db)
    assert (second.account_sid, second.auth_token) == (first.account_sid, first.auth_token)
    response = requests.get(second.api_root, auth=first.auth, timeout=5)
    assert response.status_code == 200
    second.stop()
    # Naming the account without a token keeps its stored token too.
    third = twilio2008_emulator_factory(db=db, account_sid=first.account_sid)
    assert third.auth_token == first.auth_token
