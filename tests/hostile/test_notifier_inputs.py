"""Hostile input to ``Twilio2008SMSNotifier``: refused before any message, naming the field.

The notifier texts many numbers; it checks every number and the body before sending anything,
so one hostile recipient texts nobody. Both ``notify`` (the hook) and ``async_notify`` (the
triggers' transport) are driven against a real emulator whose request log must stay empty.
"""

from __future__ import annotations

import asyncio
import time
from typing import Any

import pytest

from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.notifications.sms import TRUNCATION_MARK, Twilio2008SMSNotifier
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle

MEGABYTE = 1_000_000
ONCALL = "4155550134"

HOSTILE: list[tuple[str, dict[str, Any], str]] = [
    ("to-negative-int", {"to": -4155550134}, "to"),
    ("to-bool", {"to": True}, "to"),
    ("to-float", {"to": 4155550134.0}, "to"),
    ("to-nul", {"to": f"{ONCALL}\x00"}, "to"),
    ("to-header-injection", {"to": f"{ONCALL}\r\nX-Injected: 1"}, "to"),
    ("to-arabic-indic", {"to": "٤١٥٥٥٥٠١٣٤"}, "to"),
    ("to-superscript-short-code", {"to": "²³⁴⁵⁶"}, "to"),
    ("to-one-bad-in-a-list", {"to": [ONCALL, "4155550135", "-4155550136"]}, "to"),
    ("to-one-bad-in-a-string", {"to": f"{ONCALL}; 4155550135, 41555501\u0663"}, "to"),
    ("to-only-separators", {"to": " ,; ,"}, "to"),
    ("to-empty-list", {"to": []}, "to"),
    ("to-dict", {"to": {"number": ONCALL}}, "to"),
    ("to-nested-list", {"to": [[ONCALL]]}, "to"),
    ("to-megabyte", {"to": "4" * MEGABYTE}, "to"),
    ("to-huge-int", {"to": 10**5000}, "to"),
    ("body-nul", {"body": "disk\x00full"}, "body"),
    ("body-escape", {"body": "disk \x1b[31mfull"}, "body"),
    ("body-noncharacter", {"body": "disk full\ufffe"}, "body"),
    ("body-surrogate", {"body": "disk \ud800 full"}, "body"),
    ("body-blank", {"body": " \n "}, "body"),
    ("body-int", {"body": 42}, "body"),
    ("body-nul-in-the-kept-part", {"body": "\x00" + "x" * MEGABYTE}, "body"),
    ("from-negative", {"from_": -5005550006}, "from_"),
    ("from-false", {"from_": False}, "from_"),
    ("from-crlf", {"from_": "5005550006\r\nX: 1"}, "from_"),
]


def notifier(**overrides: Any) -> Twilio2008SMSNotifier:
    """Return a notifier texting ``ONCALL`` "disk full", with ``overrides``."""
    return Twilio2008SMSNotifier(**{"to": ONCALL, "body": "disk full", **overrides})


def requests_sent(emulator: EmulatorHandle) -> int:
    """Return how many REST requests reached the emulator since the log was last cleared."""
    return int(emulator.control("GET", "requests")["count"])


@pytest.fixture
def emulator(module_emulator: EmulatorHandle) -> EmulatorHandle:
    """The module's emulator, with an empty request log and no messages."""
    module_emulator.reset()
    module_emulator.control("DELETE", "requests")
    return module_emulator


@pytest.mark.parametrize(("kwargs", "field"), [c[1:] for c in HOSTILE], ids=[c[0] for c in HOSTILE])
def test_hostile_input_texts_nobody_with_notify(
    kwargs: dict[str, Any], field: str, emulator: EmulatorHandle
) -> None:
    with pytest.raises(Twilio2008ValidationError) as raised:
        notifier(**kwargs).notify({})  # type: ignore[arg-type]

    assert raised.value.field == field
    assert str(raised.value).startswith(field) and str(raised.value).isprintable()
    assert requests_sent(emulator) == 0


@pytest.mark.parametrize(("kwargs", "field"), [c[1:] for c in HOSTILE[::4]], ids=[c[0] for c in HOSTILE[::4]])
def test_hostile_input_texts_nobody_with_async_notify(
    kwargs: dict[str, Any], field: str, emulator: EmulatorHandle
) -> None:
    with pytest.raises(Twilio2008ValidationError) as raised:
        asyncio.run(notifier(**kwargs).async_notify({}))  # type: ignore[arg-type]

    assert raised.value.field == field
    assert requests_sent(emulator) == 0


def test_a_megabyte_body_is_cut_to_one_message_and_sent(emulator: EmulatorHandle) -> None:
    notifier(body="x" * MEGABYTE).notify({})  # type: ignore[arg-type]

    (sms,) = emulator.state()["sms"]
    assert sms["body"] == "x" * (160 - len(TRUNCATION_MARK)) + TRUNCATION_MARK


def test_160_emoji_are_one_message_and_161_are_cut(emulator: EmulatorHandle) -> None:
    notifier(body="\U0001f6a8" * 160).notify({})  # type: ignore[arg-type]
    notifier(body="\U0001f6a8" * 161).notify({})  # type: ignore[arg-type]

    bodies = sorted(sms["body"] for sms in emulator.state()["sms"])
    assert bodies == ["\U0001f6a8" * 157 + TRUNCATION_MARK, "\U0001f6a8" * 160]


def test_a_number_repeated_ninety_thousand_times_is_texted_once_quickly(emulator: EmulatorHandle) -> None:
    started = time.monotonic()
    notifier(to=f"{ONCALL}," * 90_000).notify({})  # type: ignore[arg-type]

    assert time.monotonic() - started < 60  # generous: a hang, not a speed measure
    assert [sms["to"] for sms in emulator.state()["sms"]] == [ONCALL]
