"""Fixtures of the hostile-input suite: a hook on a counting fake Twilio, an emulator per module."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.hooks.fakes import CONN_ENV, CONN_ID, base_url, connection_json


@pytest.fixture
def hook(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> Iterator[Twilio2008Hook]:
    """A hook whose connection points at ``httpserver``; ``httpserver.log`` counts what it sent."""
    monkeypatch.setenv(CONN_ENV, connection_json(base_url(httpserver), retries=0))
    with Twilio2008Hook(CONN_ID) as made:
        yield made


@pytest.fixture(scope="module")
def module_emulator() -> Iterator[EmulatorHandle]:
    """An emulator for a whole module, the default connection pointing at it; its request log counts."""
    from airflow_provider_twilio2008.emulator.server import EmulatorConfig, EmulatorServer

    server = EmulatorServer(EmulatorConfig()).start()
    try:
        with pytest.MonkeyPatch.context() as monkeypatch:
            handle = EmulatorHandle(server)
            handle.set_connection_env(monkeypatch)
            yield handle
    finally:
        server.stop()
