"""The retry policy (:mod:`airflow_provider_twilio2008.api.retry`): what is re-sent, and when."""

from __future__ import annotations

import pendulum

from airflow_provider_twilio2008.api import retry
from airflow_provider_twilio2008.api.retry import CONNECT_FAILURE, LOST_ANSWER, RetryPolicy, parse_retry_after

# --- errors survive pickling and copying ------------------------------------------------------


def test_retry_policy_never_resends_a_create_that_may_have_arrived() -> None:
    policy = RetryPolicy(retries=2)
    assert policy.retry_on_failure("GET", 0, LOST_ANSWER)
    assert policy.retry_on_failure("DELETE", 1, LOST_ANSWER)
    assert not policy.retry_on_failure("GET", 2, LOST_ANSWER)
    assert not policy.retry_on_failure("POST", 0, LOST_ANSWER)
    assert policy.retry_on_failure("POST", 0, CONNECT_FAILURE)
    assert policy.retry_on_status("GET", 0, 503, None) and policy.retry_on_status("GET", 0, 500, None)
    assert not policy.retry_on_status("POST", 0, 503, None)
    assert policy.retry_on_status("POST", 0, 429, 1.0)
    assert not policy.retry_on_status("GET", 0, 404, None) and not policy.retry_on_status("GET", 0, 400, None)
    assert not policy.retry_on_status("GET", 0, 503, 3600.0)


def test_retry_delays_back_off_and_honour_retry_after() -> None:
    policy = RetryPolicy(retries=5, backoff=0.5, max_backoff=3)
    assert [policy.delay(n) for n in range(4)] == [0.5, 1.0, 2.0, 3]
    assert policy.delay(0, 7.0) == 7.0
    assert parse_retry_after("3") == 3.0
    assert parse_retry_after(None) is None and parse_retry_after("soon") is None
    now = pendulum.datetime(2026, 1, 1, tz="UTC")
    assert parse_retry_after("Thu, 01 Jan 2026 00:00:10 GMT", now.timestamp()) == 10.0


def test_retry_after_with_non_ascii_digits_is_ignored_not_a_crash() -> None:
    # "²".isdigit() is True but float("²") raises: a hostile header must not crash the transport.
    assert retry.parse_retry_after("²") is None
    assert retry.parse_retry_after("١٢") is None
    assert retry.parse_retry_after(" 7 ") == 7.0
