"""Fixtures for the hook tests: a fake Twilio on 127.0.0.1 and the connection that points at it."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

from .fakes import CONN_ENV, CONN_ID, Answer, HookFactory, RawServer, base_url, connection_json


@pytest.fixture
def make_hook(monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer) -> Iterator[HookFactory]:
    """Return ``make(host=..., extra=..., **hook_kwargs)``: set the connection, build a hook.

    ``host`` defaults to the fake Twilio; ``extra`` defaults to ``{"retries": 1}`` so that retried
    failures stay fast. Hooks are closed at teardown.
    """
    made: list[Twilio2008Hook] = []

    def make(*, host: str | None = "", extra: dict[str, Any] | None = None, **kwargs: Any) -> Twilio2008Hook:
        chosen_host = base_url(httpserver) if host == "" else host
        extras = {"retries": 1} if extra is None else extra
        monkeypatch.setenv(CONN_ENV, connection_json(chosen_host, **extras))
        hook = Twilio2008Hook(CONN_ID, **kwargs)
        made.append(hook)
        return hook

    yield make
    for hook in made:
        hook.close()


@pytest.fixture
def hook(make_hook: HookFactory) -> Twilio2008Hook:
    """A hook pointed at the fake Twilio, with one retry."""
    return make_hook()


@pytest.fixture
def raw_server() -> Iterator[Callable[..., RawServer]]:
    """Return ``start(*answers)``: a :class:`RawServer` stopped at teardown."""
    servers: list[RawServer] = []

    def start(*answers: Answer) -> RawServer:
        server = RawServer(list(answers))
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()
