"""Review findings in the hook and its transport, each pinned over real HTTP on loopback."""

from __future__ import annotations

import json
import pickle
from collections.abc import Iterator

import pytest
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.api.errors import (
    Twilio2008Error,
    Twilio2008ResponseError,
    Twilio2008TransportError,
    Twilio2008ValidationError,
)
from airflow_provider_twilio2008.api.records import CallStatus
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

from .fakes import (
    ACCOUNT_SID,
    ACCOUNT_XML,
    API,
    AUTH_TOKEN,
    CALL_SID,
    COMPLETED_CALL_XML,
    CONN_ENV,
    CONN_ID,
    QUEUED_CALL_XML,
    XML_TYPE,
    HookFactory,
    base_url,
    closed_port,
    error_body,
)

CALLS = f"{API}/Calls"
TWIML = "https://app.example.com/twiml/start"
PROXY_PAGE = "<html><body><h1>Proxy login</h1><br><p>Please sign in</body></html>"


def test_get_answered_503_with_a_non_ascii_retry_after_is_retried_not_a_crash(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        error_body(503, "busy"), status=503, headers={"Retry-After": "²"}, content_type=XML_TYPE
    )
    httpserver.expect_ordered_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        COMPLETED_CALL_XML, content_type=XML_TYPE
    )

    assert hook.get_call(CALL_SID).status is CallStatus.COMPLETED
    assert [response.status_code for _, response in httpserver.log] == [503, 200]


def test_html_page_answered_with_200_names_its_content_type(
    make_hook: HookFactory, httpserver: HTTPServer
) -> None:
    hook = make_hook(extra={"retries": 0})
    httpserver.expect_request(f"{CALLS}/{CALL_SID}").respond_with_data(
        PROXY_PAGE, content_type="text/html; charset=utf-8"
    )

    with pytest.raises(Twilio2008ResponseError) as raised:
        hook.get_call(CALL_SID)

    assert "text/html" in str(raised.value) and "HTTP 200" in str(raised.value)
    assert raised.value.path == f"{CALLS}/{CALL_SID}"


def test_create_answered_2xx_with_an_unreadable_body_says_it_may_have_taken_effect(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    # The server said 201: the call was very likely placed. An error that reads like "bad
    # response" invites a retry of the task, which would place a second call.
    httpserver.expect_request(CALLS, method="POST").respond_with_data(
        PROXY_PAGE, status=201, content_type="text/html"
    )

    with pytest.raises(Twilio2008ResponseError) as raised:
        hook.make_call("+14155550134", "+14155550199", TWIML)

    message = str(raised.value)
    assert "HTTP 201" in message and "not re-sent" in message and "took effect" in message
    assert len(httpserver.log) == 1


@pytest.mark.parametrize("empty", [None, ""])
def test_connection_form_saving_null_extras_uses_the_defaults(
    empty: object, make_hook: HookFactory, httpserver: HTTPServer
) -> None:
    hook = make_hook(extra={"timeout": empty, "retries": empty, "default_from": empty})
    httpserver.expect_request(f"{API}").respond_with_data(ACCOUNT_XML, content_type=XML_TYPE)

    ok, message = hook.test_connection()

    assert ok, message
    assert (hook.config.timeout, hook.config.retries, hook.config.default_from) == (30.0, 3, None)


@pytest.mark.parametrize("token", [AUTH_TOKEN + "\n", " " + AUTH_TOKEN, AUTH_TOKEN[:-1] + "’"])
def test_auth_token_with_stray_characters_is_refused_before_any_request_without_echoing_it(
    token: str, monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer
) -> None:
    # A pasted newline gives an unexplained 401; a curly quote crashed inside requests with a
    # UnicodeEncodeError whose ``object`` attribute held the whole token.
    monkeypatch.setenv(
        CONN_ENV,
        json.dumps(
            {"conn_type": "twilio2008", "login": ACCOUNT_SID, "password": token, "host": base_url(httpserver)}
        ),
    )
    hook = Twilio2008Hook(CONN_ID)

    with pytest.raises(Twilio2008ValidationError) as raised:
        hook.get_account()

    assert raised.value.field == "password (Auth Token)"
    assert AUTH_TOKEN[:-1] not in str(raised.value)
    assert httpserver.log == []
    ok, message = hook.test_connection()
    assert not ok and "Auth Token" in message and AUTH_TOKEN[:-1] not in message


def test_errors_raised_by_the_hook_survive_pickling(make_hook: HookFactory) -> None:
    hook = make_hook(host=f"http://127.0.0.1:{closed_port()}", extra={"retries": 0})
    caught: list[Twilio2008Error] = []
    for action in (lambda: hook.get_call(CALL_SID), lambda: hook.get_call("CA../../x")):
        try:
            action()
        except Twilio2008Error as exc:
            caught.append(exc)

    assert [type(e) for e in caught] == [Twilio2008TransportError, Twilio2008ValidationError]
    for error in caught:
        copy = pickle.loads(pickle.dumps(error))
        assert type(copy) is type(error) and str(copy) == str(error) and vars(copy) == vars(error)


def test_post_answered_with_an_unreadable_body_is_still_the_same_error_type(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    httpserver.expect_request(CALLS, method="POST").respond_with_data(
        QUEUED_CALL_XML[:-60], status=201, content_type=XML_TYPE
    )

    with pytest.raises(Twilio2008ResponseError) as raised:
        hook.make_call("+14155550134", "+14155550199", TWIML)

    assert raised.value.malformed and raised.value.method == "POST"


def test_endless_body_is_cut_off_at_the_size_cap_not_downloaded_whole(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    from werkzeug import Response

    sent = {"bytes": 0}

    def endless(_request: object) -> Response:
        def chunks() -> Iterator[bytes]:
            block = b"<x>" + b"a" * 65_530 + b"</x>"
            while sent["bytes"] < 64 * 1024 * 1024:
                sent["bytes"] += len(block)
                yield block

        return Response(chunks(), status=200, content_type=XML_TYPE)

    httpserver.expect_request(f"{CALLS}/{CALL_SID}").respond_with_handler(endless)

    with pytest.raises(Twilio2008ResponseError, match="exceeds the 16777216-byte limit"):
        hook.get_call(CALL_SID)
    assert sent["bytes"] < 40 * 1024 * 1024


def test_page_links_that_loop_are_refused_instead_of_paging_forever(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    from werkzeug import Request, Response

    def looping(request: Request) -> Response:
        number = int(request.args.get("Page", "0"))
        following = 2 if number == 1 else 1
        if len(httpserver.log) >= 10:  # a client that does not notice the loop stops here, failing below
            following = 0
        link = f' nextpageuri="{CALLS}?num=1&amp;Page={following}"' if following else ' nextpageuri=""'
        body = (
            f'<TwilioResponse><Calls page="{number}" numpages="9" pagesize="1" total="9" start="{number}" '
            f'end="{number}"{link}><Call><Sid>{CALL_SID}</Sid><Status>2</Status></Call></Calls></TwilioResponse>'
        )
        return Response(body, content_type=XML_TYPE)

    httpserver.expect_request(CALLS).respond_with_handler(looping)

    with pytest.raises(Twilio2008ResponseError, match="loop back"):
        list(hook.list_calls(page_size=1))
    assert len(httpserver.log) == 3


def test_concurrent_first_use_builds_one_session(hook: Twilio2008Hook) -> None:
    import threading

    seen: list[object] = []
    barrier = threading.Barrier(8)

    def first_use() -> None:
        barrier.wait()
        seen.append(hook.transport)

    threads = [threading.Thread(target=first_use) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len({id(transport) for transport in seen}) == 1
    hook.close()
    assert hook.transport is not seen[0]
