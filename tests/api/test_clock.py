"""The server's clock, read as a lower bound from the ``Date`` headers of its answers."""

from __future__ import annotations

from datetime import datetime, timezone

from airflow_provider_twilio2008.api.clock import FRESH_FOR, ServerClock, parse_http_date


class _Local:
    """A local clock the test moves by hand."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


DATE = "Wed, 02 Dec 2026 07:00:00 GMT"
AT = datetime(2026, 12, 2, 7, 0, 0, tzinfo=timezone.utc).timestamp()


def test_an_http_date_reads_as_unix_time_and_garbage_as_nothing() -> None:
    assert parse_http_date(DATE) == AT
    assert parse_http_date(None) is None
    assert parse_http_date("yesterday") is None
    assert parse_http_date("x" * 1000) is None


def test_a_server_ten_minutes_ahead_is_read_as_ten_minutes_ahead() -> None:
    local = _Local(AT - 600)
    clock = ServerClock(local)
    assert clock.now() is None and not clock.fresh()
    clock.observe(DATE, received_at=AT - 600)
    local.now = AT - 600 + 5
    assert clock.now() == datetime.fromtimestamp(AT + 5, timezone.utc)
    assert clock.fresh()


def test_the_tightest_lower_bound_wins_and_a_missing_header_changes_nothing() -> None:
    clock = ServerClock(_Local(AT))
    clock.observe(DATE, received_at=AT + 0.9)  # read late: offset -0.9
    clock.observe("Wed, 02 Dec 2026 07:00:01 GMT", received_at=AT + 1.1)  # offset -0.1
    clock.observe(None, received_at=AT + 2)
    assert clock.offset is not None and abs(clock.offset + 0.1) < 1e-6


def test_a_reading_older_than_an_hour_is_stale_and_replaced() -> None:
    local = _Local(AT)
    clock = ServerClock(local)
    clock.observe(DATE, received_at=AT)
    local.now = AT + FRESH_FOR + 1
    assert not clock.fresh()
    clock.observe("Wed, 02 Dec 2026 08:00:00 GMT", received_at=AT + FRESH_FOR + 30)  # now 30 s behind
    assert clock.offset is not None and round(clock.offset) == -30  # read at 08:00:30 as 08:00:00
