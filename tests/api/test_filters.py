"""Pins ``api/filters.py``: each list's filters declared once, for the hook's query and the emulator."""

from __future__ import annotations

from datetime import date

import pytest
import requests

from airflow_provider_twilio2008.api import filters
from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.api.filters import Dated, Exact, ListFilters
from airflow_provider_twilio2008.api.records import Call, SmsMessage
from airflow_provider_twilio2008.api.xml import parse_page
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle

SEED = "5005550006"  # the emulator account's own number: a valid, owned From

DECLARED = [value for value in vars(filters).values() if isinstance(value, ListFilters)]


def test_every_list_of_the_module_is_declared() -> None:
    assert len(DECLARED) == 8


def test_a_filter_on_an_element_the_record_lacks_is_refused_when_declared() -> None:
    with pytest.raises(ValueError, match="Call has no element To to filter on"):
        ListFilters(Call, (Exact("To", "to", lambda value, arg, wire: value),))


def test_the_query_takes_only_the_declared_arguments() -> None:
    with pytest.raises(TypeError, match="SmsMessage lists take no filter started_on"):
        filters.SMS_MESSAGES.query(started_on="2026-01-05")


def test_the_query_checks_in_declared_order_and_writes_dates_into_the_key() -> None:
    query = filters.CALLS.query(
        status="completed", to="(415) 555-0100", started_after=date(2026, 1, 4), started_before="2026-01-06"
    )
    assert query == (
        ("Called", "4155550100"),
        ("Status", "2"),
        ("StartTime>", "2026-01-04"),
        ("StartTime<", "2026-01-06"),
    )
    with pytest.raises(Twilio2008ValidationError, match="to") as refused:
        filters.CALLS.query(to="not a number", status="nonsense")
    assert refused.value.param == "Called"


def test_a_dated_filter_has_three_arguments_in_the_order_of_its_keys() -> None:
    assert Dated("DateSent", "sent").args() == ("sent_on", "sent_after", "sent_before")
    assert filters.date_keys("DateSent") == ("DateSent", "DateSent>", "DateSent<")


@pytest.mark.parametrize("declared", DECLARED, ids=lambda d: d.record.__name__)
def test_each_filter_reads_an_attribute_of_its_record(declared: ListFilters) -> None:
    attributes = {attribute for attribute, _, _ in declared.record.wire_fields()}
    for wire in [f.wire for f in declared.exact] + [f.wire for f in declared.dated]:
        assert declared.attribute(wire) in attributes


@pytest.mark.parametrize(
    ("arguments", "expected"),
    [
        ({"to": "4155550101"}, {"4155550101"}),
        ({"from_": SEED}, {"4155550101", "4155550102"}),
        ({"to": "4155550199"}, set()),
        ({"sent_on": "2008-08-01"}, set()),
    ],
)
def test_the_emulator_filters_by_what_the_hook_sends(
    twilio2008_emulator: EmulatorHandle, arguments: dict[str, str], expected: set[str]
) -> None:
    for to in ("4155550101", "4155550102"):
        sent = requests.post(
            f"{twilio2008_emulator.api_root}/SMS/Messages",
            data={"From": SEED, "To": to, "Body": "filters"},
            auth=twilio2008_emulator.auth,
            timeout=10,
        )
        assert sent.status_code == 201, sent.text
    listed = requests.get(
        f"{twilio2008_emulator.api_root}/SMS/Messages",
        params=filters.SMS_MESSAGES.query(**arguments),
        auth=twilio2008_emulator.auth,
        timeout=10,
    )
    assert listed.status_code == 200, listed.text
    assert {m.to for m in parse_page(listed.content, SmsMessage)} == expected
