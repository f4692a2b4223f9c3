"""Hostile input through every public hook method: refused locally, naming the field, sending nothing.

Every parameter of every public ``Twilio2008Hook`` method has a kind (a call SID, a phone
number, a URL, free text...), and every kind has a list of hostile values: traversing and
malformed SIDs, look-alike digits, negative and huge numbers, control characters, lone
surrogates, CR/LF header injection, 1 MB strings, wrong types. Each case calls one method with
one hostile value (all other arguments valid) against a fake Twilio that would answer anything,
and expects :class:`Twilio2008ValidationError` naming the parameter, with ``httpserver.log``
empty. A new method or parameter fails :func:`test_every_parameter_of_every_method_has_a_kind`
until it is given a kind here.
"""

from __future__ import annotations

import inspect
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass, fields
from datetime import datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.api.operations import NumberSettings
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from tests.hooks.fakes import ACCOUNT_SID, QUEUED_CALL_XML, XML_TYPE, public_hook_methods

HEX = "a33daab7eae46930dbde97c13e86cb9d"
TWIML = "https://app.example.com/twiml/start"
MEGABYTE = 1_000_000
TEMP = Path(tempfile.gettempdir())


class Evil:
    """An argument whose ``repr`` and ``str`` raise, to show errors never depend on printing it."""

    def __repr__(self) -> str:
        raise RuntimeError("repr of a hostile object")

    __str__ = __repr__


def sid_values(prefix: str) -> list[tuple[str, Any]]:
    """Return hostile values for a SID of ``prefix``."""
    other = "AC" if prefix != "AC" else "CA"
    return [
        ("traversal", f"{prefix}../../x"),
        ("traversal-34", f"{prefix}../../{HEX[:26]}"),
        ("encoded-slash", f"{prefix}%2F..%2F{HEX[:24]}"),
        ("query", f"{prefix}{HEX[:30]}?x"),
        ("fragment", f"{prefix}{HEX[:31]}#"),
        ("wrong-prefix", f"{other}{HEX}"),
        ("lower-prefix", f"{prefix.lower()}{HEX}"),
        ("33-chars", f"{prefix}{HEX[:-1]}"),
        ("35-chars", f"{prefix}{HEX}0"),
        ("upper-hex", f"{prefix}{HEX.upper()}"),
        ("trailing-newline", f"{prefix}{HEX}\n"),
        ("crlf-injection", f"{prefix}{HEX[:20]}\r\nX-Injected: 1"),
        ("nul", f"{prefix}{HEX[:31]}\x00"),
        ("arabic-digits", f"{prefix}{HEX[:29]}٤١٥"),
        ("surrogate", f"{prefix}{HEX[:31]}\ud800"),
        ("empty", ""),
        ("int", 12345),
        ("bytes", f"{prefix}{HEX}".encode()),
        ("megabyte", prefix + "a" * MEGABYTE),
        ("evil-object", Evil()),
    ]


PHONE: list[tuple[str, Any]] = [
    ("negative-int", -4155550134),
    ("zero", 0),
    ("huge-int", 10**5000),
    ("bool", True),
    ("float", 4155550134.0),
    ("negative-text", "-4155550134"),
    ("arabic-indic", "٤١٥٥٥٥٠١٣٤"),
    ("full-width", "４１５５５５０１３４"),
    ("superscript", "⁴¹⁵⁵⁵⁵⁰¹³⁴"),
    ("nul", "4155550134\x00"),
    ("crlf-injection", "4155550134\r\nX-Injected: 1"),
    ("inner-newline", "415555\n0134"),
    ("letters", "call me"),
    ("service-number", "911"),
    ("too-short", "555-1234"),
    ("megabyte", "4" * MEGABYTE),
    ("list", ["4155550134"]),
    ("evil-object", Evil()),
]

URL: list[tuple[str, Any]] = [
    ("javascript", "javascript:alert(1)"),
    ("file", "file:///etc/passwd"),
    ("ftp", "ftp://example.com/twiml.xml"),
    ("data", "data:text/xml,<Response/>"),
    ("relative", "/twiml/start"),
    ("scheme-relative", "//example.com/twiml"),
    ("no-host", "https:///twiml"),
    ("space", "https://example.com/a b"),
    ("crlf-injection", "https://example.com/t\r\nX-Injected: 1"),
    ("tab", "https://example.com/\tx"),
    ("nul", "https://example.com/\x00"),
    ("bidi-override", "https://example.com/\u202etxt.exe"),
    ("surrogate", "https://example.com/\ud800"),
    ("bad-port", "https://example.com:99999/twiml"),
    ("bad-ipv6", "http://[::1/twiml"),
    ("megabyte", "https://example.com/" + "x" * MEGABYTE),
    ("int", 42),
    ("evil-object", Evil()),
]

#: Free text for one-line labels (FriendlyName).
LABEL: list[tuple[str, Any]] = [
    ("nul", "Ops\x00"),
    ("control", "Ops\x1b[31m"),
    ("vertical-tab", "Ops\x0b"),
    ("newline", "Ops\nTeam"),
    ("crlf-injection", "Ops\r\nX-Injected: 1"),
    ("noncharacter", "Ops\ufffe"),
    ("surrogate", "Ops\ud800"),
    ("65-chars", "x" * 65),
    ("megabyte", "x" * MEGABYTE),
    ("blank", "   "),
    ("int", 42),
]

BODY: list[tuple[str, Any]] = [
    ("empty", ""),
    ("blank", " \n\t "),
    ("nul", "hi\x00there"),
    ("escape", "hi\x1b[2J"),
    ("form-feed", "hi\x0c"),
    ("noncharacter", "hi\uffff"),
    ("surrogate", "a\ud800b"),
    ("161-chars", "x" * 161),
    ("161-emoji", "\U0001f600" * 161),
    ("megabyte", "x" * MEGABYTE),
    ("int", 42),
    ("bytes", b"hello"),
    ("none", None),
]

PAGE_SIZE: list[tuple[str, Any]] = [
    ("zero", 0),
    ("negative", -1),
    ("1001", 1001),
    ("huge-int", 10**5000),
    ("arabic-indic", "٥٠"),
    ("full-width", "５０"),
    ("float", 50.0),
    ("bool", True),
    ("exponent", "1e3"),
    ("digits-4300", "9" * 5000),
    ("nul", "50\x00"),
    ("evil-object", Evil()),
]

PACIFIC_EDGE = datetime(9999, 12, 31, 23, 0, tzinfo=timezone(timedelta(hours=-5)))

DATE: list[tuple[str, Any]] = [
    ("impossible", "2009-02-30"),
    ("us-style", "07/04/2009"),
    ("arabic-indic", "٢٠٢٦-٠١-٠٢"),
    ("nul", "2026-01-02\x00"),
    ("crlf-injection", "2026-01-02\r\nX: 1"),
    ("short", "2026-1-2"),
    ("int", 20260102),
    ("bool", True),
    ("megabyte", "2" * MEGABYTE),
    ("past-year-9999-in-utc", PACIFIC_EDGE),
]

CALL_STATUS: list[tuple[str, Any]] = [
    ("bogus", "bogus"),
    ("ringing", "ringing"),
    ("bool", False),
    ("float", 1.5),
    ("arabic-indic", "٣"),
    ("superscript", "³"),
    ("six", 6),
    ("negative", -1),
    ("huge-int", 10**5000),
    ("megabyte", "x" * MEGABYTE),
]

CONFERENCE_STATUS: list[tuple[str, Any]] = [
    ("bogus", "bogus"),
    ("bool", True),
    ("float", 1.0),
    ("arabic-indic", "١"),
    ("three", 3),
]

LOG: list[tuple[str, Any]] = [("loud", "loud"), ("bool", True), ("two", 2), ("arabic-indic", "٠")]

FLAG: list[tuple[str, Any]] = [("false-text", "false"), ("true-text", "true"), ("zero", 0), ("one", 1)]

HTTP_METHOD: list[tuple[str, Any]] = [
    ("put", "PUT"),
    ("crlf-injection", "GET\r\nX-Injected: 1"),
    ("nul", "POST\x00"),
    ("empty", ""),
    ("int", 1),
]

KIND: list[tuple[str, Any]] = [("mobile", "mobile"), ("nul", "local\x00"), ("int", 1), ("bool", True)]

SEND_DIGITS: list[tuple[str, Any]] = [
    ("letters", "12a"),
    ("empty", ""),
    ("33-keys", "1" * 33),
    ("arabic-indic", "١٢"),
    ("nul", "1\x00"),
    ("crlf-injection", "1\r\nX: 1"),
    ("int", 1234),
]

IF_MACHINE: list[tuple[str, Any]] = [("maybe", "maybe"), ("nul", "Continue\x00"), ("bool", True)]

TIMEOUT: list[tuple[str, Any]] = [
    ("zero", 0),
    ("1000", 1000),
    ("arabic-indic", "٦٠"),
    ("float", 60.5),
    ("bool", True),
    ("unit", "60s"),
]

CALL_DELAY: list[tuple[str, Any]] = [("negative", -1), ("61", 61), ("arabic-indic", "٥"), ("bool", False)]

AREA_CODE: list[tuple[str, Any]] = [
    ("two-digits", "41"),
    ("four-digits", "4155"),
    ("arabic-indic", "٤١٥"),
    ("superscript", "²³⁴"),
    ("full-width", "４１５"),
    ("int-two-digits", 41),
    ("bool", True),
    ("letters", "41a"),
    ("nul", "415\x00"),
    ("negative", -415),
]

FMT: list[tuple[str, Any]] = [("ogg", "ogg"), ("nul", "wav\x00"), ("traversal", "wav/../x"), ("int", 1)]

DESTINATION: list[tuple[str, Any]] = [
    ("missing-folder", str(TEMP / "no-such-folder-for-hostile-tests" / "x.wav")),
    ("a-directory", str(TEMP)),
    ("nul", str(TEMP / "x\x00.wav")),
    ("surrogate", str(TEMP / "x\ud800.wav")),
    ("empty", ""),
    ("int", 42),
]

REQUEST: list[tuple[str, Any]] = [("text", "GET /Calls"), ("none", None), ("dict", {"method": "GET"})]

SIDS = {
    "call_sid": "CA",
    "segment_sid": "CA",
    "sms_sid": "SM",
    "recording_sid": "RE",
    "transcription_sid": "TR",
    "notification_sid": "NO",
    "caller_id_sid": "PN",
    "number_sid": "PN",
    "conference_sid": "CF",
}
DATES = re.compile(r"(started|created|updated|sent)_(on|after|before)")

#: Hostile values by parameter name; ``status`` depends on the method.
BY_NAME: dict[str, list[tuple[str, Any]]] = {
    **{name: sid_values(prefix) for name, prefix in SIDS.items()},
    "to": PHONE,
    "from_": PHONE,
    "phone_number": PHONE,
    "url": URL,
    "status_callback": URL,
    "friendly_name": LABEL,
    "body": BODY,
    "page_size": PAGE_SIZE,
    "log": LOG,
    "muted": FLAG,
    "kind": KIND,
    "method": HTTP_METHOD,
    "send_digits": SEND_DIGITS,
    "if_machine": IF_MACHINE,
    "timeout": TIMEOUT,
    "call_delay": CALL_DELAY,
    "area_code": AREA_CODE,
    "fmt": FMT,
    "destination": DESTINATION,
    "request": REQUEST,
}
STATUS = {"list_calls": CALL_STATUS, "list_conferences": CONFERENCE_STATUS}

#: A valid value for each required parameter, by name.
VALID: dict[str, Any] = {
    **{name: prefix + HEX for name, prefix in SIDS.items()},
    "to": "4155550134",
    "from_": "4155550199",
    "phone_number": "6505550123",
    "url": TWIML,
    "body": "hello",
    "friendly_name": "Ops",
    "destination": str(TEMP / "hostile-never-written.wav"),
    "settings": NumberSettings(url=TWIML),
    "request": ops.list_calls(ACCOUNT_SID),
}

#: NumberSettings fields by kind of value.
SETTINGS_KIND = {
    "friendly_name": LABEL,
    "url": URL,
    "voice_fallback_url": URL,
    "sms_url": URL,
    "sms_fallback_url": URL,
    "method": HTTP_METHOD,
    "voice_fallback_method": HTTP_METHOD,
    "sms_method": HTTP_METHOD,
    "sms_fallback_method": HTTP_METHOD,
    "voice_caller_id_lookup": FLAG,
}
#: A few of each kind are enough per settings field (the kinds are covered in full above).
SETTINGS_SAMPLE = {"nul", "surrogate", "crlf-injection", "megabyte", "javascript", "false-text", "put", "int"}

METHODS = public_hook_methods()
#: Methods that take no input to be hostile about.
NO_INPUT = {"close", "get_account", "get_conn", "server_now", "test_connection"}


@dataclass(frozen=True)
class Case:
    """One hostile call.

    :param method: the hook method.
    :param kwargs: its arguments, one of them hostile.
    :param field: the field the error must name.
    """

    method: str
    kwargs: dict[str, Any]
    field: str


def hostile_values(method: str, name: str) -> list[tuple[str, Any]]:
    """Return the hostile values of parameter ``name`` of ``method``."""
    if name == "status":
        return STATUS[method]
    if (method, name) == ("list_conferences", "friendly_name"):  # room names may be longer than 64
        return [value for value in LABEL if value[0] != "65-chars"] + [("257-chars", "x" * 257)]
    if DATES.fullmatch(name):
        return DATE
    return BY_NAME.get(name, [])


def required(method: str) -> dict[str, Any]:
    """Return valid values for the parameters of ``method`` that have no default, and the sender.

    The sender (``from_``) is always given: the fake connection has no ``default_from``.
    """
    params = list(inspect.signature(METHODS[method]).parameters.values())[1:]
    return {
        p.name: VALID[p.name] for p in params if p.default is inspect.Parameter.empty or p.name == "from_"
    }


def settings_cases(method: str) -> list[tuple[str, Case]]:
    """Return hostile ``NumberSettings`` for a method taking ``settings``."""
    cases = []
    for setting in fields(NumberSettings):
        if method == "buy_toll_free_number" and setting.name.startswith("sms_"):
            continue  # refused whatever the value: toll-free numbers take no SMS settings
        for label, value in SETTINGS_KIND[setting.name]:
            if label not in SETTINGS_SAMPLE:
                continue
            settings = NumberSettings(**{"url": TWIML, setting.name: value})
            case = Case(method, {**required(method), "settings": settings}, setting.name)
            cases.append((f"{method}-settings.{setting.name}-{label}", case))
    return cases


def all_cases() -> list[tuple[str, Case]]:
    """Return every hostile case, with its test id."""
    cases: list[tuple[str, Case]] = []
    for method in sorted(METHODS):
        for name in list(inspect.signature(METHODS[method]).parameters)[1:]:
            if name == "settings":
                cases += settings_cases(method)
                continue
            for label, value in hostile_values(method, name):
                kwargs = {**required(method), name: value}
                cases.append((f"{method}-{name}-{label}", Case(method, kwargs, name)))
    cases += [
        (
            "update_incoming_phone_number-settings-without-url",
            Case(
                "update_incoming_phone_number",
                {"number_sid": "PN" + HEX, "settings": NumberSettings()},
                "url",
            ),
        ),
        (
            "buy_toll_free_number-settings-sms-url",
            Case("buy_toll_free_number", {"settings": NumberSettings(sms_url=TWIML)}, "sms_url"),
        ),
        (
            "get_page-not-a-list",
            Case("get_page", {"request": ops.get_call(ACCOUNT_SID, "CA" + HEX)}, "request"),
        ),
    ]
    return cases


CASES = all_cases()


def test_every_parameter_of_every_method_has_a_kind() -> None:
    """A new method or parameter must get hostile values here (or join ``NO_INPUT``)."""
    missing = [
        f"{method}({name})"
        for method in METHODS
        for name in list(inspect.signature(METHODS[method]).parameters)[1:]
        if name != "settings" and not hostile_values(method, name)
    ]
    no_parameters = {m for m in METHODS if len(inspect.signature(METHODS[m]).parameters) == 1}
    assert missing == []
    assert no_parameters == NO_INPUT
    assert {case.method for _, case in CASES} == set(METHODS) - NO_INPUT


@pytest.mark.parametrize("case", [c for _, c in CASES], ids=[i for i, _ in CASES])
def test_hostile_argument_is_refused_naming_it_before_any_request(
    case: Case, hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(re.compile(".*")).respond_with_data(QUEUED_CALL_XML, content_type=XML_TYPE)
    call: Callable[..., Any] = getattr(hook, case.method)

    with pytest.raises(Twilio2008ValidationError) as raised:
        result = call(**case.kwargs)
        if inspect.isgenerator(result) or hasattr(result, "__next__"):
            list(result)

    assert raised.value.field == case.field
    message = str(raised.value)
    assert message.startswith(case.field)
    assert "expected" in message and len(message) < 1000
    assert message.isprintable()  # no control character or surrogate echoed into logs
    assert len(httpserver.log) == 0
