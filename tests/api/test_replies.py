"""What a wait for an SMS reply comes to: the rules the sensor's pokes and the trigger share."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pendulum
import pytest

from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.api.records import Page, SmsFlags, SmsMessage, SmsStatus
from airflow_provider_twilio2008.api.replies import (
    ReplyReader,
    reply_filter,
    reply_list_request,
    reply_outcome,
)
from tests.hooks.fakes import ACCOUNT_SID, sample_sms

PACIFIC = pendulum.FixedTimezone(-7 * 3600)
SINCE = "2009-10-21T23:05:12.900+00:00"  # 16:05:12.9 Pacific; whole second 16:05:12


def _reply(second: int = 12, sid: str = "SM" + "1" * 32, **overrides: Any) -> SmsMessage:
    """An inbound text from 4155550134 to 5005550006 at 16:05:<second> Pacific."""
    stamp = pendulum.datetime(2009, 10, 21, 16, 5, second, tz=PACIFIC)
    values: dict[str, Any] = {
        "sid": sid,
        "date_created": stamp,
        "date_updated": stamp,
        "date_sent": stamp,
        "to": "5005550006",
        "from_": "4155550134",
        "body": "YES please, at 9",
        "status": SmsStatus.SENT,
        "flags": SmsFlags.INBOUND,
    }
    values.update(overrides)
    return sample_sms(**values)


def _wanted(pattern: str | None = r"^(?P<answer>yes|no)\b\s*(.*)$", **overrides: Any) -> Any:
    fields: dict[str, Any] = {"from_": "+1 (415) 555-0134", "to": "5005550006", "since": SINCE}
    fields.update(overrides)
    return reply_filter(body_pattern=pattern, **fields)


def test_a_matching_inbound_text_ends_the_wait_with_the_message_and_the_match() -> None:
    outcome = reply_outcome([_reply()], _wanted())
    assert outcome.state == "done" and outcome.value is not None
    value = outcome.value
    assert value["sid"] == "SM" + "1" * 32 and value["body"] == "YES please, at 9"
    assert value["from"] == "4155550134" and "from_" not in value and value["to"] == "5005550006"
    assert value["flags"] == 1 and value["status"] == "sent"
    assert value["match"] == "YES please, at 9"
    assert value["groups"] == ["YES", "please, at 9"]
    assert value["groupdict"] == {"answer": "YES"}


def test_without_a_pattern_any_body_counts_and_the_match_is_empty() -> None:
    outcome = reply_outcome([_reply(body="")], _wanted(pattern=None))
    assert outcome.state == "done" and outcome.value is not None
    assert (outcome.value["match"], outcome.value["groups"], outcome.value["groupdict"]) == (None, [], {})


@pytest.mark.parametrize(
    "other",
    [
        {"from_": "4155550199"},
        {"to": "5005550007"},
        {"body": "maybe"},
        {"flags": SmsFlags.API},
        {"flags": SmsFlags.REPLY},
        {"flags": None},
        {"date_created": None},
    ],
    ids=["other-sender", "other-recipient", "no-match", "outbound", "reply-flag", "no-flags", "no-date"],
)
def test_texts_that_are_not_the_reply_keep_the_wait_going(other: dict[str, Any]) -> None:
    outcome = reply_outcome([_reply(**other)], _wanted())
    assert outcome.state == "waiting"
    assert "4155550134" in outcome.message and "5005550006" in outcome.message


def test_since_is_compared_with_date_created_to_the_second() -> None:
    wanted = _wanted()
    assert wanted.since == datetime(2009, 10, 21, 23, 5, 12, tzinfo=timezone.utc)
    assert reply_outcome([_reply(second=12)], wanted).state == "done"  # same second as since counts
    assert reply_outcome([_reply(second=11)], wanted).state == "waiting"


def test_the_status_is_not_looked_at_only_the_inbound_flag() -> None:
    for status in SmsStatus:
        assert reply_outcome([_reply(status=status)], _wanted()).state == "done"
    assert reply_outcome([_reply(flags=SmsFlags.INBOUND | SmsFlags.REPLY)], _wanted()).state == "done"


def test_the_first_reply_wins_whatever_the_order() -> None:
    first, later = _reply(20, "SM" + "a" * 32, body="no"), _reply(30, "SM" + "b" * 32, body="yes")
    for listed in ([later, first], [first, later]):
        outcome = reply_outcome(listed, _wanted())
        assert outcome.value is not None and outcome.value["sid"] == first.sid
    # Created in the same second: the one listed last (lists run newest first) came first.
    twin = _reply(20, "SM" + "c" * 32)
    outcome = reply_outcome([twin, first], _wanted())
    assert outcome.value is not None and outcome.value["sid"] == first.sid


def test_the_pattern_is_searched_case_insensitively_anywhere_in_the_body() -> None:
    outcome = reply_outcome([_reply(body="ok then: CONFIRM 1234")], _wanted(pattern=r"confirm (\d+)"))
    assert outcome.value is not None and outcome.value["groups"] == ["1234"]


def test_numbers_in_any_form_are_compared_as_the_api_writes_them() -> None:
    wanted = _wanted(from_="+14155550134", to="(500) 555-0006")
    assert (wanted.from_, wanted.to) == ("4155550134", "5005550006")
    assert reply_outcome([_reply(from_="+14155550134")], wanted).state == "done"


@pytest.mark.parametrize(
    ("field", "fields"),
    [
        ("from_", {"from_": "12"}),
        ("from_", {"from_": None}),
        ("to", {"to": "911"}),
        ("body_pattern", {"pattern": "(yes|no"}),
        ("body_pattern", {"pattern": 42}),
        ("since", {"since": "yesterday"}),
        ("since", {"since": None}),
    ],
)
def test_bad_fields_are_refused_naming_the_field(field: str, fields: dict[str, Any]) -> None:
    with pytest.raises(Twilio2008ValidationError) as caught:
        _wanted(**fields)
    assert caught.value.field == field and str(caught.value).startswith(field)


def test_since_takes_datetimes_and_iso_strings_naive_ones_as_utc() -> None:
    expected = datetime(2026, 1, 2, 9, 30, 1, tzinfo=timezone.utc)
    for since in (
        "2026-01-02T09:30:01Z",
        "2026-01-02T09:30:01.999",
        "2026-01-02T10:30:01+01:00",
        datetime(2026, 1, 2, 9, 30, 1, 500),
        pendulum.datetime(2026, 1, 2, 1, 30, 1, tz=pendulum.FixedTimezone(-8 * 3600)),
    ):
        assert _wanted(since=since).since == expected, since


def test_the_list_request_filters_from_the_day_before_since() -> None:
    since = datetime(2026, 1, 2, 0, 30, tzinfo=timezone.utc)
    request = reply_list_request(ACCOUNT_SID, since, from_="4155550134", to="5005550006")
    assert request.path == f"/2008-08-01/Accounts/{ACCOUNT_SID}/SMS/Messages"
    assert dict(request.query) == {
        "From": "4155550134",
        "To": "5005550006",
        "DateSent>": "2026-01-01",
        "num": "1000",
    }
    assert "From" not in dict(reply_list_request(ACCOUNT_SID, since).query)


def _page(items: list[SmsMessage], page: int, num_pages: int) -> Page[SmsMessage]:
    return Page(items=tuple(items), page=page, num_pages=num_pages, page_size=len(items))


def test_the_reader_stops_at_the_page_that_reaches_messages_older_than_since() -> None:
    since = datetime(2009, 10, 21, 23, 5, 12, tzinfo=timezone.utc)
    request = reply_list_request(ACCOUNT_SID, since)
    reader = ReplyReader(request, since)
    assert reader.current == request
    reader.advance(_page([_reply(40), _reply(30)], 0, 5))
    assert reader.current is not None and dict(reader.current.query)["Page"] == "1"
    reader.advance(_page([_reply(20), _reply(11)], 1, 5))  # 16:05:11 is before since
    assert reader.current is None and not reader.capped and reader.pages == 2
    assert len(reader.messages) == 4


def test_the_reader_reads_at_most_max_pages() -> None:
    since = datetime(2009, 10, 21, 23, 0, tzinfo=timezone.utc)
    reader = ReplyReader(reply_list_request(ACCOUNT_SID, since), since, max_pages=2)
    for number in range(2):
        assert reader.current is not None
        reader.advance(_page([_reply(50 - number)], number, 9))
    assert reader.current is None and reader.capped


def test_the_reader_ends_with_the_last_page() -> None:
    since = datetime(2009, 10, 21, 23, 0, tzinfo=timezone.utc) - timedelta(days=1)
    reader = ReplyReader(reply_list_request(ACCOUNT_SID, since), since)
    reader.advance(_page([_reply()], 0, 1))
    assert reader.current is None and not reader.capped and reader.pages == 1
