"""The ``twilio2008_emulator_factory`` fixture's application URLs and the handle's SMS helpers."""

from __future__ import annotations

import time
from collections.abc import Callable
from urllib.parse import parse_qs

import pytest
import requests
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.api.records import IncomingPhoneNumber
from airflow_provider_twilio2008.api.xml import parse_page
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle

Factory = Callable[..., EmulatorHandle]


def _seed_number(emulator: EmulatorHandle) -> IncomingPhoneNumber:
    response = requests.get(
        f"{emulator.api_root}/IncomingPhoneNumbers",
        params={"PhoneNumber": "5005550006"},
        auth=emulator.auth,
        timeout=5,
    )
    return parse_page(response.content, IncomingPhoneNumber).items[0]


def test_factory_sets_the_seed_numbers_urls(twilio2008_emulator_factory: Factory) -> None:
    emulator = twilio2008_emulator_factory(
        voice_url="https://app.example.com/voice",
        sms_url="https://app.example.com/sms",
        sms_method="get",
    )
    number = _seed_number(emulator)
    assert (number.url, number.method) == ("https://app.example.com/voice", "POST")
    assert (number.sms_url, number.sms_method) == ("https://app.example.com/sms", "GET")


def test_factory_leaves_the_seed_number_alone_by_default(twilio2008_emulator: EmulatorHandle) -> None:
    number = _seed_number(twilio2008_emulator)
    assert (number.url or "", number.sms_url or "", number.sms_method) == ("", "", "POST")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [({"voice_url": "app.example.com/voice"}, "voice_url"), ({"sms_method": "PUT"}, "sms_method")],
)
def test_factory_refuses_bad_urls_and_methods(
    twilio2008_emulator_factory: Factory, kwargs: dict[str, str], field: str
) -> None:
    with pytest.raises(Twilio2008ValidationError) as raised:
        twilio2008_emulator_factory(**kwargs)
    assert raised.value.field == field


def test_texting_the_factorys_sms_url(twilio2008_emulator_factory: Factory, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms").respond_with_data("", content_type="text/plain")
    emulator = twilio2008_emulator_factory(sms_url=httpserver.url_for("/sms"))
    message = emulator.text("4155550100", "deploy?")
    assert (message["from"], message["to"], message["flags"]) == ("4155550100", "5005550006", 1)
    deadline = time.monotonic() + 10  # the request is made in the background
    while not httpserver.log and time.monotonic() < deadline:
        time.sleep(0.02)
    (request, _response) = httpserver.log[0]
    assert parse_qs(request.get_data(as_text=True))["SmsSid"] == [message["sid"]]


def test_script_callee_passes_the_sms_fields(twilio2008_emulator: EmulatorHandle) -> None:
    answer = twilio2008_emulator.script_callee("4155550123", sms_reply="On it", sms_reply_after=12)
    assert answer["4155550123"]["sms_reply"] == "On it"
    assert answer["4155550123"]["sms_reply_after"] == 12
    assert answer["4155550123"]["answer"] == "human"
