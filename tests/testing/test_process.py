"""The process helper of demos and benchmarks: it starts the CLI and never echoes the Auth Token."""

from __future__ import annotations

import signal
from urllib.parse import urlsplit

from airflow_provider_twilio2008.testing.process import start_emulator_process


def test_start_up_lines_are_echoed_without_the_auth_token() -> None:
    echoed: list[str] = []
    process, conn_uri = start_emulator_process(time_scale=50, echo=echoed.append)
    try:
        token = urlsplit(conn_uri.removeprefix("twilio2008://")).password
        assert token and len(token) == 32
        assert not [line for line in echoed if token in line], echoed
        assert "Auth Token: <not shown>" in echoed  # the banner's token line, masked
        assert echoed[0].startswith("Twilio 2008-08-01 emulator listening on http://127.0.0.1:")
    finally:
        process.send_signal(signal.SIGTERM)
        assert process.wait(timeout=15) == 0
