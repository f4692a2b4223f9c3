"""Helpers of the emulator tests: a small REST client of a real emulator over loopback, and a poll."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any, TypeVar

import requests

from airflow_provider_twilio2008.api.records import Page, Record
from airflow_provider_twilio2008.api.xml import parse_page, parse_record, parse_rest_exception
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle

R = TypeVar("R", bound=Record)


class Api:
    """A requests session bound to one emulator account.

    :param emulator: the running emulator.
    """

    def __init__(self, emulator: EmulatorHandle) -> None:
        self.emulator = emulator
        self.root = emulator.api_root
        self.session = requests.Session()
        self.session.auth = emulator.auth

    def url(self, path: str) -> str:
        """Return the absolute URL of ``path`` under the account (or of an absolute path)."""
        if path.startswith("/"):
            return self.emulator.base_url + path
        return f"{self.root}/{path}" if path else self.root

    def request(self, method: str, path: str, **kwargs: Any) -> requests.Response:
        """Send a request under the account root."""
        kwargs.setdefault("timeout", 10)
        return self.session.request(method, self.url(path), **kwargs)

    def get(self, path: str, **kwargs: Any) -> requests.Response:
        """GET under the account root."""
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict[str, str] | None = None, **kwargs: Any) -> requests.Response:
        """POST form data under the account root."""
        return self.request("POST", path, data=data, **kwargs)

    def record(self, path: str, record_type: type[R]) -> R:
        """GET a single resource and parse it."""
        response = self.get(path)
        assert response.status_code == 200, response.text
        return parse_record(response.content, record_type)

    def page(self, path: str, record_type: type[R], **params: Any) -> Page[R]:
        """GET a list resource and parse it."""
        response = self.get(path, params=params)
        assert response.status_code == 200, response.text
        return parse_page(response.content, record_type)

    def create(self, path: str, record_type: type[R], data: dict[str, str], status: int = 201) -> R:
        """POST a create and parse the new record."""
        response = self.post(path, data)
        assert response.status_code == status, response.text
        return parse_record(response.content, record_type)

    def error(self, response: requests.Response) -> tuple[int, int | None]:
        """Return ``(Status, Code)`` of a RestException answer."""
        found = parse_rest_exception(response.content)
        assert found is not None, response.text
        return found.status, found.code


def wait_for(check: Callable[[], Any], timeout: float = 10.0, interval: float = 0.02) -> Any:
    """Poll ``check`` until it returns something truthy; return it (fail after ``timeout``)."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError("condition not reached in time")
        time.sleep(interval)
