"""The Airflow connection: its JSON and URI forms, host rules, extras, test_connection, secret hygiene."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable
from urllib.parse import quote

import pytest
from airflow.sdk import Connection
from pytest_httpserver import HTTPServer
from werkzeug import Request, Response

from airflow_provider_twilio2008.api.errors import (
    Twilio2008AuthenticationError,
    Twilio2008Error,
    Twilio2008ServerError,
    Twilio2008TransportError,
    Twilio2008ValidationError,
)
from airflow_provider_twilio2008.api.records import Account, Call
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

from .fakes import (
    ACCOUNT_SID,
    ACCOUNT_XML,
    API,
    AUTH_TOKEN,
    BASIC_AUTH,
    CALL_SID,
    CONN_ENV,
    CONN_ID,
    QUEUED_CALL_XML,
    XML_TYPE,
    HookFactory,
    RawServer,
    base_url,
    closed_port,
    connection_json,
    error_body,
    hold,
    only_values,
    page_body,
    sample_call,
)

TWIML = "https://app.example.com/twiml/start"
StartRaw = Callable[..., RawServer]


def serve_account(httpserver: HTTPServer) -> None:
    httpserver.expect_request(API, method="GET").respond_with_data(ACCOUNT_XML, content_type=XML_TYPE)


# --- JSON and URI forms ------------------------------------------------------------------------


def test_json_connection_maps_login_password_host_and_extras(
    make_hook: HookFactory, httpserver: HTTPServer
) -> None:
    hook = make_hook(extra={"timeout": 7, "retries": 2, "default_from": "+1 415 555 0199"})

    config = hook.config

    assert config.base_url == base_url(httpserver)
    assert config.account_sid == hook.account_sid == ACCOUNT_SID
    assert config.auth_token == AUTH_TOKEN
    assert (config.timeout, config.retries, config.default_from) == (7.0, 2, "4155550199")
    assert config.ignored_extras == ()


def test_requests_carry_basic_auth_and_the_user_agent(hook: Twilio2008Hook, httpserver: HTTPServer) -> None:
    serve_account(httpserver)

    hook.get_account()

    request, _ = httpserver.log[0]
    assert request.headers["Authorization"] == BASIC_AUTH
    assert request.headers["User-Agent"] == "airflow-provider-twilio2008"


def test_uri_connection_with_an_http_host_works(
    monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer
) -> None:
    port = httpserver.port
    uri = (
        f"twilio2008://http://{ACCOUNT_SID}:{AUTH_TOKEN}@127.0.0.1%3A{port}/"
        "?timeout=5&retries=1&default_from=5005550006"
    )
    parsed = Connection.from_uri(uri, conn_id=CONN_ID)
    assert (parsed.conn_type, parsed.host, parsed.port) == ("twilio2008", f"http://127.0.0.1:{port}", None)
    assert (parsed.login, parsed.password) == (ACCOUNT_SID, AUTH_TOKEN)
    assert parsed.extra_dejson == {"timeout": "5", "retries": "1", "default_from": "5005550006"}
    monkeypatch.setenv(CONN_ENV, uri)
    httpserver.expect_request(f"{API}/Calls", method="POST").respond_with_data(
        QUEUED_CALL_XML, status=201, content_type=XML_TYPE
    )

    with Twilio2008Hook(CONN_ID) as hook:
        assert (hook.config.base_url, hook.config.timeout, hook.config.retries) == (
            base_url(httpserver),
            5.0,
            1,
        )
        hook.make_call("+14155550134", None, TWIML)

    request, _ = httpserver.log[0]
    assert request.headers["Authorization"] == BASIC_AUTH
    assert only_values(request.form)["Caller"] == "5005550006"


def test_connection_survives_the_uri_round_trip_airflow_uses(
    monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer
) -> None:
    """``airflow connections get`` and connection tests go through ``get_uri``/``from_uri``."""
    original = Connection(
        conn_id=CONN_ID,
        conn_type="twilio2008",
        host=base_url(httpserver),
        login=ACCOUNT_SID,
        password=AUTH_TOKEN,
        extra=json.dumps({"timeout": 5, "retries": 1, "default_from": "+15005550006"}),
    )
    uri = original.get_uri()
    again = Connection.from_uri(uri, conn_id=CONN_ID)
    assert (again.host, again.login, again.password) == (original.host, ACCOUNT_SID, AUTH_TOKEN)
    monkeypatch.setenv(CONN_ENV, uri)
    httpserver.expect_request(f"{API}/Calls", method="POST").respond_with_data(
        QUEUED_CALL_XML, status=201, content_type=XML_TYPE
    )

    with Twilio2008Hook(CONN_ID) as hook:
        call = hook.make_call("+14155550134", None, TWIML)

    assert isinstance(call, Call)
    assert only_values(httpserver.log[0][0].form)["Caller"] == "5005550006"
    assert hook.config.timeout == 5.0 and hook.config.retries == 1


def test_host_without_scheme_and_a_port_field_are_combined(
    monkeypatch: pytest.MonkeyPatch, httpserver: HTTPServer
) -> None:
    conn = json.loads(connection_json("http://127.0.0.1"))
    conn["port"] = httpserver.port
    monkeypatch.setenv(CONN_ENV, json.dumps(conn))
    serve_account(httpserver)

    with Twilio2008Hook(CONN_ID) as hook:
        assert hook.get_account().sid == ACCOUNT_SID

    assert hook.config.base_url == base_url(httpserver)


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        (None, "https://api.twilio.com"),
        ("", "https://api.twilio.com"),
        ("api.twilio.com", "https://api.twilio.com"),
        ("https://api.twilio.com/", "https://api.twilio.com"),
        ("https://api.twilio.com/2008-08-01", "https://api.twilio.com"),
        ("https://twilio.example.com:8443", "https://twilio.example.com:8443"),
        ("http://localhost:8080", "http://localhost:8080"),
        ("http://[::1]:8080", "http://[::1]:8080"),
    ],
)
def test_base_url_defaults_to_twilio_over_https(
    host: str | None, expected: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(CONN_ENV, connection_json(host))

    assert Twilio2008Hook(CONN_ID).config.base_url == expected


@pytest.mark.parametrize(
    "host",
    [
        "http://api.twilio.com",
        "http://10.1.2.3:8080",
        "http://127.0.0.1.nip.io",
        "http://localhost.evil.example",
    ],
)
def test_plain_http_to_a_remote_host_is_refused_naming_host(
    host: str, make_hook: HookFactory, httpserver: HTTPServer
) -> None:
    hook = make_hook(host=host)

    with pytest.raises(Twilio2008ValidationError) as raised:
        hook.get_account()

    assert raised.value.field == "host"
    assert str(raised.value).startswith("host")
    assert "https://" in str(raised.value)
    assert len(httpserver.log) == 0


@pytest.mark.parametrize(
    "host", ["ftp://api.twilio.com", "https://api.twilio.com/2010-04-01", "https://api.twilio.com:99999"]
)
def test_unusable_host_is_refused_naming_host(host: str, make_hook: HookFactory) -> None:
    with pytest.raises(Twilio2008ValidationError) as raised:
        make_hook(host=host).config  # noqa: B018

    assert raised.value.field == "host"


def test_credentials_in_the_host_are_refused_without_echoing_them(make_hook: HookFactory) -> None:
    hook = make_hook(host=f"https://{ACCOUNT_SID}:{AUTH_TOKEN}@api.twilio.com")

    with pytest.raises(Twilio2008ValidationError) as raised:
        hook.config  # noqa: B018

    assert raised.value.field == "host"
    assert AUTH_TOKEN not in str(raised.value)


@pytest.mark.parametrize(
    ("login", "password", "field"),
    [
        ("AC123", AUTH_TOKEN, "login (Account SID)"),
        (None, AUTH_TOKEN, "login (Account SID)"),
        (CALL_SID, AUTH_TOKEN, "login (Account SID)"),
        (ACCOUNT_SID, None, "password (Auth Token)"),
        (ACCOUNT_SID, "", "password (Auth Token)"),
    ],
)
def test_missing_or_malformed_credentials_are_refused_naming_the_field(
    login: str | None, password: str | None, field: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(
        CONN_ENV, json.dumps({"conn_type": "twilio2008", "login": login, "password": password})
    )

    with pytest.raises(Twilio2008ValidationError) as raised:
        Twilio2008Hook(CONN_ID).config  # noqa: B018

    assert raised.value.field == field


@pytest.mark.parametrize(
    ("extra", "field"),
    [({"timeout": 0}, "timeout"), ({"timeout": "soon"}, "timeout"), ({"retries": 11}, "retries"),
     ({"retries": -1}, "retries")],
)  # fmt: skip
def test_unusable_extras_are_refused_naming_them(
    extra: dict[str, object], field: str, make_hook: HookFactory
) -> None:
    with pytest.raises(Twilio2008ValidationError) as raised:
        make_hook(extra=extra).config  # noqa: B018

    assert raised.value.field == field


def test_unknown_extra_is_reported_and_ignored(
    make_hook: HookFactory, httpserver: HTTPServer, capfd: pytest.CaptureFixture[str]
) -> None:
    hook = make_hook(extra={"retries": 0, "timout": 5})
    serve_account(httpserver)

    assert hook.get_account().sid == ACCOUNT_SID

    assert hook.config.ignored_extras == ("timout",)
    assert hook.config.timeout == 30.0
    out, err = capfd.readouterr()
    assert "timout" in out + err


def test_legacy_prefixed_extras_are_read(make_hook: HookFactory) -> None:
    hook = make_hook(extra={"extra__twilio2008__timeout": "4", "extra__twilio2008__retries": "2"})

    assert (hook.config.timeout, hook.config.retries) == (4.0, 2)


# --- timeouts ------------------------------------------------------------------------------------


def test_https_to_a_plain_http_server_says_to_write_http(
    make_hook: HookFactory, httpserver: HTTPServer
) -> None:
    # The emulator's address written in the production form (https://) meets a plain HTTP server.
    httpserver.expect_request(API).respond_with_data(ACCOUNT_XML, content_type=XML_TYPE)
    hook = make_hook(host=f"https://127.0.0.1:{httpserver.port}", extra={"retries": 0})

    with pytest.raises(Twilio2008TransportError) as raised:
        hook.get_account()

    assert "TLS error WRONG_VERSION_NUMBER" in str(raised.value)
    assert "the server answers plain HTTP, not TLS" in str(raised.value)
    assert "write the host with http://" in str(raised.value)


def test_timeout_extra_bounds_a_silent_server(make_hook: HookFactory, raw_server: StartRaw) -> None:
    server = raw_server(hold)
    hook = make_hook(host=server.url, extra={"timeout": 0.3, "retries": 0})

    started = time.monotonic()
    with pytest.raises(Twilio2008TransportError) as raised:
        hook.get_account()
    elapsed = time.monotonic() - started

    assert 0.25 <= elapsed < 2.0
    assert raised.value.path == API
    assert len(server.requests) == 1


def test_timeout_given_to_the_hook_overrides_the_extra(make_hook: HookFactory, raw_server: StartRaw) -> None:
    server = raw_server(hold)
    hook = make_hook(host=server.url, extra={"timeout": 30, "retries": 0}, timeout=0.3)

    started = time.monotonic()
    with pytest.raises(Twilio2008TransportError):
        hook.get_account()

    assert time.monotonic() - started < 2.0


def test_timeout_applies_to_a_slow_http_answer(make_hook: HookFactory, httpserver: HTTPServer) -> None:
    def slow(request: Request) -> Response:
        time.sleep(2.0)
        return Response(ACCOUNT_XML, content_type=XML_TYPE)

    httpserver.expect_request(API).respond_with_handler(slow)
    hook = make_hook(extra={"timeout": 0.2, "retries": 0})

    started = time.monotonic()
    with pytest.raises(Twilio2008TransportError):
        hook.get_account()

    assert time.monotonic() - started < 1.5  # gave up at its 0.2 s timeout, not after the 2 s answer
    deadline = time.monotonic() + 3
    while not httpserver.log and time.monotonic() < deadline:  # let the single-threaded server finish
        time.sleep(0.05)
    assert len(httpserver.log) == 1, "timed out, so not retried (retries=0)"


# --- test_connection -----------------------------------------------------------------------------


def test_test_connection_succeeds_with_one_read_only_request(
    hook: Twilio2008Hook, httpserver: HTTPServer
) -> None:
    serve_account(httpserver)

    ok, message = hook.test_connection()

    assert ok is True
    assert ACCOUNT_SID in message
    assert [(r.method, r.path, r.get_data()) for r, _ in httpserver.log] == [("GET", API, b"")]
    assert AUTH_TOKEN not in message


def test_test_connection_reports_401_without_the_token(
    make_hook: HookFactory, httpserver: HTTPServer
) -> None:
    hook = make_hook(extra={"retries": 3})
    httpserver.expect_request(API).respond_with_data(
        error_body(401, "Authenticate", 20003, "http://www.twilio.com/docs/errors/20003"),
        status=401,
        content_type=XML_TYPE,
    )

    ok, message = hook.test_connection()

    assert ok is False
    assert "401" in message and "Authenticate" in message
    assert AUTH_TOKEN not in message
    assert len(httpserver.log) == 1, "a 401 is not retried"


def test_test_connection_reports_an_unreachable_server(make_hook: HookFactory) -> None:
    hook = make_hook(host=f"http://127.0.0.1:{closed_port()}", extra={"retries": 0})

    ok, message = hook.test_connection()

    assert ok is False
    assert "Connection" in message and AUTH_TOKEN not in message


def test_test_connection_reports_an_unusable_connection(make_hook: HookFactory) -> None:
    ok, message = make_hook(host="http://api.twilio.com").test_connection()

    assert ok is False
    assert message.startswith("host")


# --- secret hygiene ----------------------------------------------------------------------------


def test_auth_token_never_appears_in_logs_errors_config_or_records(
    make_hook: HookFactory,
    httpserver: HTTPServer,
    caplog: pytest.LogCaptureFixture,
    capfd: pytest.CaptureFixture[str],
) -> None:
    caplog.set_level(logging.DEBUG)
    hook = make_hook(extra={"retries": 1})
    serve_account(httpserver)
    pages = {
        None: page_body([sample_call()], Call, page=0, num_pages=2, page_size=1, total=2),
        "1": page_body([sample_call("CA" + "1" * 32)], Call, page=1, num_pages=2, page_size=1, total=2),
    }
    httpserver.expect_request(f"{API}/Calls", method="GET").respond_with_handler(
        lambda request: Response(pages[request.args.get("Page")], content_type=XML_TYPE)
    )
    httpserver.expect_request(f"{API}/Calls", method="POST").respond_with_data(
        error_body(400, "No called number is specified", 21201), status=400, content_type=XML_TYPE
    )
    httpserver.expect_request(f"{API}/Calls/{CALL_SID}").respond_with_data(
        error_body(500, "Internal server error"),
        status=500,
        headers={"Retry-After": "0"},
        content_type=XML_TYPE,
    )
    httpserver.expect_request(f"{API}/SMS/Messages", method="POST").respond_with_data(
        error_body(401, "Authenticate"), status=401, content_type=XML_TYPE
    )
    errors: list[Exception] = []

    account = hook.get_account()
    calls = list(hook.list_calls(page_size=1))
    for failing, expected in [
        (lambda: hook.make_call("+14155550134", "+14155550199", TWIML), Twilio2008Error),
        (lambda: hook.get_call(CALL_SID), Twilio2008ServerError),
        (lambda: hook.send_sms("+16505550123", "hi", from_="+14155550199"), Twilio2008AuthenticationError),
        (lambda: hook.get_call("CA../"), Twilio2008ValidationError),
    ]:
        with pytest.raises(expected) as raised:
            failing()
        errors.append(raised.value)
    refused = make_hook(host=f"http://127.0.0.1:{closed_port()}", extra={"retries": 1})
    with pytest.raises(Twilio2008TransportError) as raised_transport:
        refused.get_account()
    errors.append(raised_transport.value)
    results = [hook.test_connection(), refused.test_connection()]

    assert account.auth_token == AUTH_TOKEN, "the server showed it; the record keeps it, but hidden"
    assert len(calls) == 2
    out, err = capfd.readouterr()
    assert "GET" in caplog.text + out + err, "the logs were captured"
    texts = [caplog.text, out, err, repr(hook.config), str(hook.config), repr(refused.config)]
    texts += [repr(account), str(account), json.dumps(account.as_dict()), repr(calls)]
    texts += [str(exc) for exc in errors] + [repr(exc) for exc in errors]
    texts += [message for _, message in results]
    secret_forms = (AUTH_TOKEN, BASIC_AUTH.split()[1], quote(AUTH_TOKEN))
    for text in texts:
        for secret in secret_forms:
            assert secret not in text
    assert "auth_token" not in account.as_dict()
    assert set(account.as_dict()) == {n for n, _, _ in Account.wire_fields()} - {"auth_token"}


def test_airflow_connection_test_reaches_the_hook_through_the_uri(
    httpserver: HTTPServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Airflow's "Test" button: ``Connection.test_connection()`` builds the hook from the connection type."""
    serve_account(httpserver)
    conn = Connection.from_uri(
        f"twilio2008://http://{ACCOUNT_SID}:{AUTH_TOKEN}@127.0.0.1%3A{httpserver.port}/?retries=0",
        conn_id=CONN_ID,
    )

    if hasattr(conn, "test_connection"):  # Airflow 3.3+: tests run on a worker from the URI form
        ok, message = conn.test_connection()
    else:  # Airflow 3.2: the API server builds the hook for a connection it can look up
        monkeypatch.setenv(CONN_ENV, conn.get_uri())
        ok, message = conn.get_hook().test_connection()

    assert ok is True, message
    assert [(r.method, r.path) for r, _ in httpserver.log] == [("GET", API)]


def test_test_connection_reports_a_missing_connection_instead_of_raising() -> None:
    ok, message = Twilio2008Hook("twilio2008_nowhere").test_connection()

    assert ok is False
    assert "twilio2008_nowhere" in message


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
