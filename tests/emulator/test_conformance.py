"""Conformance of the emulator with the 2008-08-01 reference, found in review, over real HTTP."""

from __future__ import annotations

from conftest import Api, wait_for
from pytest_httpserver import HTTPServer
from werkzeug import Response

from airflow_provider_twilio2008.api.records import Call, IncomingPhoneNumber

CALLER = "5005550006"
TWIML = '<?xml version="1.0"?><Response><Say>hi</Say>{}</Response>'


def _final(api: Api, sid: str) -> Call:
    return wait_for(lambda: (c := api.record(f"Calls/{sid}", Call)).status.is_terminal and c)


def test_number_update_without_url_is_refused(api: Api) -> None:
    """Reference 3.10: ``Url`` is required when updating a number (seen in the 2008 table)."""
    number = api.create("IncomingPhoneNumbers/Local", IncomingPhoneNumber, {"AreaCode": "650"})
    for method in ("POST", "PUT"):
        refused = api.request(method, f"IncomingPhoneNumbers/{number.sid}", data={"FriendlyName": "x"})
        assert refused.status_code == 400
        assert api.error(refused) == (400, 21205)
    assert api.record(f"IncomingPhoneNumbers/{number.sid}", IncomingPhoneNumber).friendly_name != "x"
    updated = api.post(
        f"IncomingPhoneNumbers/{number.sid}", {"Url": "http://app.example/v", "FriendlyName": "x"}
    )
    assert updated.status_code == 200


def test_fallback_methods_default_to_post_when_their_url_is_set(api: Api) -> None:
    """Reference 3.10: ``VoiceFallbackMethod`` / ``SmsFallbackMethod`` default to POST."""
    bought = api.create(
        "IncomingPhoneNumbers/Local",
        IncomingPhoneNumber,
        {"VoiceFallbackUrl": "http://app.example/vf", "SmsFallbackUrl": "http://app.example/sf"},
    )
    assert (bought.voice_fallback_method, bought.sms_fallback_method) == ("POST", "POST")
    plain = api.create("IncomingPhoneNumbers/Local", IncomingPhoneNumber, {})
    assert plain.voice_fallback_method is None  # unset URL: empty element, as in the reference example
    response = api.post(
        f"IncomingPhoneNumbers/{plain.sid}",
        {"Url": "http://app.example/v", "VoiceFallbackUrl": "http://app.example/vf"},
    )
    assert "<VoiceFallbackMethod>POST</VoiceFallbackMethod>" in response.text


def test_cookies_are_kept_within_a_call_and_never_shared_between_calls(
    api: Api, httpserver: HTTPServer
) -> None:
    """Reference 5: Twilio keeps the app's cookies like a browser, for that call only."""
    first = Response(
        TWIML.format(f"<Redirect>{httpserver.url_for('/next')}</Redirect>"),
        content_type="text/xml",
        headers={"Set-Cookie": "session=first-call; Path=/"},
    )
    httpserver.expect_request("/first").respond_with_response(first)
    httpserver.expect_request("/next").respond_with_data(TWIML.format(""), content_type="text/xml")
    httpserver.expect_request("/second").respond_with_data(TWIML.format(""), content_type="text/xml")
    one = api.create(
        "Calls", Call, {"Caller": CALLER, "Called": "4155550181", "Url": httpserver.url_for("/first")}
    )
    _final(api, one.sid)
    two = api.create(
        "Calls", Call, {"Caller": CALLER, "Called": "4155550182", "Url": httpserver.url_for("/second")}
    )
    _final(api, two.sid)
    cookies = {request.path: request.headers.get("Cookie") for request, _ in httpserver.log}
    assert cookies["/first"] is None
    assert cookies["/next"] == "session=first-call"  # the same call sends its cookie back
    assert cookies["/second"] is None  # another call starts with no cookies


def test_redirect_during_dial_disconnects_the_dialled_leg(api: Api) -> None:
    """Reference 3.4: redirecting a call in a ``<Dial>`` ends that leg; the main segment goes on."""
    api.emulator.script_callee("4155550191", talk_seconds=3600)
    url = api.url("/twiml/dial?number=4155550191")
    call = api.create("Calls", Call, {"Caller": CALLER, "Called": "4155550190", "Url": url})
    wait_for(lambda: [s for s in api.page(f"Calls/{call.sid}/Segments", Call) if s.status == 1])
    redirected = api.post(f"Calls/{call.sid}", {"CurrentUrl": api.url("/twiml/hangup")})
    assert redirected.status_code == 200
    final = wait_for(lambda: (c := api.record(f"Calls/{call.sid}", Call)).status.is_terminal and c, timeout=8)
    assert final.status == 2
    (leg,) = api.page(f"Calls/{call.sid}/Segments", Call)
    assert leg.status == 2 and leg.duration is not None and leg.duration < 3600
