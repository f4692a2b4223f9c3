"""Pure protocol rules: connection settings, retry policy, paging links, validation."""

from __future__ import annotations

import re
from datetime import date

import pendulum
import pytest

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api import validate
from airflow_provider_twilio2008.api.config import ClientConfig, base_url_from
from airflow_provider_twilio2008.api.errors import Twilio2008ResponseError, Twilio2008ValidationError
from airflow_provider_twilio2008.api.records import Call, CallStatus, Page
from airflow_provider_twilio2008.api.retry import CONNECT_FAILURE, LOST_ANSWER, RetryPolicy, parse_retry_after

SID = "AC" + "a" * 32
CALL_SID = "CA" + "b" * 32
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
    ("kind", "words"),
    [
        (validate.ACCOUNT, "is not an account SID.*expected an account SID: 'AC'"),
        (validate.SMS, "is not an SMS message SID.*expected an SMS message SID: 'SM'"),
        (validate.CALL, "is not a call SID.*expected a call SID: 'CA'"),
    ],
)
def test_sid_errors_use_the_right_article(kind: validate.SidKind, words: str) -> None:
    with pytest.raises(Twilio2008ValidationError, match=words):
        validate.sid("nope", kind, "sid")


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


def test_sms_body_of_exactly_160_characters_is_accepted() -> None:
    assert validate.sms_body("x" * 160) == "x" * 160


def test_call_status_names_and_terminal_states() -> None:
    assert [s.is_terminal for s in CallStatus] == [False, False, True, True, True, True]
    assert [s.succeeded for s in CallStatus] == [False, False, True, False, False, False]
    assert CallStatus.BUSY.callback_value == "busy" and CallStatus.QUEUED.callback_value is None


@pytest.mark.parametrize(
    "text",
    [
        "Fri, 06 Nov 2009 10:02:11 -0800",
        "Thu, 03 Apr 2008 04:36:33 -0400",
        "Wed, 31 Dec 1969 16:33:29 -0800",
        "6 Nov 2009 10:02:11 +0530",
        "Fri, 06 Nov 2009 10:02:11 GMT",
        "Tue, 1 Apr 2008 11:26:32 -0700",
    ],
)
def test_rfc2822_dates_read_like_the_standard_library(text: str) -> None:
    import email.utils

    from airflow_provider_twilio2008.api.codecs import RFC2822

    decoded = RFC2822.decode(text)
    expected = email.utils.parsedate_to_datetime(text)
    assert decoded == expected and decoded.utcoffset() == expected.utcoffset()
    assert RFC2822.decode(RFC2822.encode(decoded)) == decoded


def test_impossible_dates_are_refused() -> None:
    from airflow_provider_twilio2008.api.codecs import RFC2822

    with pytest.raises(ValueError):
        RFC2822.decode("Sat, 31 Feb 2009 10:00:00 -0800")
