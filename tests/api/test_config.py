"""Connection settings (:mod:`airflow_provider_twilio2008.api.config`): base URL, extras, refusals."""

from __future__ import annotations

import re

import pytest

from airflow_provider_twilio2008.api.config import ClientConfig, base_url_from
from airflow_provider_twilio2008.api.errors import (
    Twilio2008ValidationError,
)

# --- errors survive pickling and copying ------------------------------------------------------

SID = "AC" + "a" * 32
TOKEN = "0123456789abcdef0123456789abcdef"


@pytest.mark.parametrize(
    ("host", "port", "expected"),
    [
        (None, None, "https://api.twilio.com"),
        ("api.twilio.com", None, "https://api.twilio.com"),
        ("https://api.twilio.com/2008-08-01/", None, "https://api.twilio.com"),
        ("http://127.0.0.1:8080", None, "http://127.0.0.1:8080"),
        ("http://localhost", 9000, "http://localhost:9000"),
        ("http://[::1]:5000", None, "http://[::1]:5000"),
    ],
)
def test_base_url_from_connection_host(host: str | None, port: int | None, expected: str) -> None:
    assert base_url_from(host, port) == expected


@pytest.mark.parametrize(
    ("host", "words"),
    [
        ("http://api.twilio.com", "in clear"),
        ("http://10.0.0.5:8080", "in clear"),
        ("https://AC1:secret@api.twilio.com", "carries credentials"),
        ("ftp://api.twilio.com", "not an http(s) URL"),
        ("https://api.twilio.com/other", "unexpected path"),
    ],
)
def test_unsafe_hosts_are_refused_naming_host(host: str, words: str) -> None:
    with pytest.raises(Twilio2008ValidationError, match=f"^host: .*{re.escape(words)}"):
        base_url_from(host, None)


def test_config_reads_extras_plain_and_prefixed_and_hides_token() -> None:
    config = ClientConfig.from_connection(
        host=None,
        port=None,
        login=SID,
        password=TOKEN,
        extra={
            "timeout": "5",
            "extra__twilio2008__retries": 1,
            "default_from": "+15005550006",
            "colour": "x",
        },
    )
    assert (config.timeout, config.retries, config.default_from) == (5.0, 1, "5005550006")
    assert config.ignored_extras == ("colour",)
    assert TOKEN not in repr(config)


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"login": "nope"}, "login (Account SID)"),
        ({"password": ""}, "password (Auth Token)"),
        ({"extra": {"timeout": 0}}, "timeout"),
        ({"extra": {"retries": 11}}, "retries"),
        ({"extra": {"default_from": "12"}}, "default_from"),
    ],
)
def test_config_refuses_unusable_connections(kwargs: dict, field: str) -> None:
    base = {"host": None, "port": None, "login": SID, "password": TOKEN, "extra": {}} | kwargs
    with pytest.raises(Twilio2008ValidationError) as caught:
        ClientConfig.from_connection(**base)
    assert caught.value.field == field and TOKEN not in str(caught.value)


@pytest.mark.parametrize("empty", [None, ""])
def test_null_or_empty_timeout_and_retries_extras_mean_the_defaults(empty: object) -> None:
    # The conn-fields schema declares both as nullable, so the connection form can save null.
    config = ClientConfig.from_connection(
        host=None, port=None, login=SID, password=TOKEN, extra={"timeout": empty, "retries": empty}
    )
    assert (config.timeout, config.retries) == (30.0, 3)


@pytest.mark.parametrize("flag", [True, False])
def test_boolean_timeout_extra_is_refused(flag: bool) -> None:
    with pytest.raises(Twilio2008ValidationError, match="timeout"):
        ClientConfig.from_connection(host=None, port=None, login=SID, password=TOKEN, extra={"timeout": flag})
