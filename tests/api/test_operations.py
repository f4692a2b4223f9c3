"""Operations as requests (:mod:`airflow_provider_twilio2008.api.operations`): forms, filters, paging."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pendulum
import pytest

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api import validate
from airflow_provider_twilio2008.api.errors import (
    Twilio2008ResponseError,
    Twilio2008ValidationError,
)
from airflow_provider_twilio2008.api.records import Call, CallStatus, Page

# --- errors survive pickling and copying ------------------------------------------------------

SID = "AC" + "a" * 32
CALL_SID = "CA" + "b" * 32


def test_date_filters_are_written_into_the_key() -> None:
    request = ops.list_calls(
        SID,
        status="completed",
        started_after=date(2009, 7, 4),
        started_before="2009-07-06",
        started_on=pendulum.datetime(2009, 7, 5),
        page_size=10,
    )
    assert request.query == (
        ("Status", "2"),
        ("StartTime", "2009-07-05"),
        ("StartTime>", "2009-07-04"),
        ("StartTime<", "2009-07-06"),
        ("num", "10"),
    )
    assert "StartTime%3E=2009-07-04" in request.target and "%3E%3D" not in request.target


def test_make_call_form_uses_2008_names_and_number_forms() -> None:
    request = ops.make_call(
        SID,
        to="+1 (415) 555-0134",
        from_="5005550006",
        url="https://example.com/t",
        method="get",
        send_digits="1234#",
        if_machine="hangup",
        timeout=30,
    )
    assert request.method == "POST" and request.path == f"/2008-08-01/Accounts/{SID}/Calls"
    assert dict(request.form) == {
        "Caller": "5005550006",
        "Called": "4155550134",
        "Url": "https://example.com/t",
        "Method": "GET",
        "SendDigits": "1234#",
        "IfMachine": "Hangup",
        "Timeout": "30",
    }


def _page(**kwargs: object) -> Page[Call]:
    return Page((Call(sid=CALL_SID, status=CallStatus.COMPLETED),), **kwargs)  # type: ignore[arg-type]


def test_next_page_follows_the_server_link_or_increments_page() -> None:
    first = ops.list_calls(SID, to="4155550134", page_size=1)
    linked = ops.next_page_request(
        _page(page=0, num_pages=3, next_page_uri=f"{first.path}?num=1&Page=1&Called=4155550134"), first
    )
    assert linked is not None and dict(linked.query) == {"num": "1", "Page": "1", "Called": "4155550134"}
    counted = ops.next_page_request(_page(page=1, num_pages=3), linked)
    assert (
        counted is not None
        and dict(counted.query)["Page"] == "2"
        and dict(counted.query)["Called"] == "4155550134"
    )
    assert ops.next_page_request(_page(page=2, num_pages=3), counted) is None
    assert ops.next_page_request(_page(page=0, num_pages=3, next_page_uri=""), first) is None


def test_next_page_link_to_another_resource_or_server_is_refused() -> None:
    first = ops.list_calls(SID)
    base = "https://api.twilio.com"
    for link, words in (
        (f"https://evil.example{first.path}?Page=1", "points at another server"),
        (f"/2008-08-01/Accounts/{SID}/Recordings?Page=1", "does not name the listed resource"),
    ):
        with pytest.raises(Twilio2008ResponseError, match=words):
            ops.next_page_request(_page(page=0, num_pages=2, next_page_uri=link), first, base_url=base)
    same_server = _page(page=0, num_pages=2, next_page_uri=f"{base}{first.path}?Page=1")
    following = ops.next_page_request(same_server, first, base_url=base)
    assert following is not None and dict(following.query) == {"Page": "1"}


@pytest.mark.parametrize(
    "bad",
    ["../CA" + "b" * 30, CALL_SID + "?", "SM" + "b" * 32, CALL_SID.upper()[:2] + "B" * 32, CALL_SID + "0"],
)
def test_sids_of_the_wrong_shape_never_reach_a_path(bad: str) -> None:
    with pytest.raises(Twilio2008ValidationError, match="^call_sid: .*expected a call SID"):
        ops.get_call(SID, bad)


@pytest.mark.parametrize(
    ("call", "field", "code"),
    [
        (lambda: ops.send_sms(SID, to="4155550134", body=" ", from_="5005550006"), "body", 21602),
        (lambda: ops.send_sms(SID, to="4155550134", body="x" * 161, from_="5005550006"), "body", 21605),
        (lambda: ops.make_call(SID, to="911", from_="5005550006", url="https://e.x/t"), "to", 21202),
        (lambda: ops.make_call(SID, to="", from_="5005550006", url="https://e.x/t"), "to", 21201),
        (lambda: ops.make_call(SID, to="4155550134", from_="5005550006", url="/relative"), "url", 21205),
        (
            lambda: ops.make_call(SID, to="4155550134", from_="5005550006", url="https://e.x", timeout=1000),
            "timeout",
            21200,
        ),
    ],
)
def test_bad_input_names_the_field_and_carries_twilio_code(call, field: str, code: int) -> None:
    with pytest.raises(Twilio2008ValidationError) as caught:
        call()
    assert caught.value.field == field and caught.value.code == code and "expected" in str(caught.value)


@pytest.mark.parametrize("number", ["4١٥٥٥٥٠١٣٤", "+44２０７９４６０９５８", "1234５"])
def test_phone_number_with_non_ascii_digits_never_reaches_the_form(number: str) -> None:
    with pytest.raises(Twilio2008ValidationError, match="to"):
        validate.phone_number(number, "to", allow_short_code=True)


def test_aware_datetime_filter_is_the_utc_date() -> None:
    # 23:30 in Los Angeles on 6 July is 7 July in UTC; the emulator (and Airflow's data intervals)
    # read filter days in UTC, so the local calendar day would select the wrong day's calls.
    late_evening = pendulum.datetime(2009, 7, 6, 23, 30, tz="America/Los_Angeles")
    assert validate.filter_date(late_evening, "started_on") == "2009-07-07"
    stdlib = datetime(2009, 7, 7, 1, 0, tzinfo=timezone(timedelta(hours=5)))
    assert validate.filter_date(stdlib, "started_on") == "2009-07-06"
    assert validate.filter_date(datetime(2009, 7, 6, 23, 30), "started_on") == "2009-07-06"
    request = ops.list_calls(SID, started_after=late_evening)
    assert ("StartTime>", "2009-07-07") in request.query
