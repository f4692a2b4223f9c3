"""SMS over real HTTP: sending, validation codes, the lifecycle and its StatusCallback, filters."""

from __future__ import annotations

from urllib.parse import parse_qs

import pytest
from pytest_httpserver import HTTPServer

from airflow_provider_twilio2008.api.records import SmsFlags, SmsMessage, SmsStatus
from tests.emulator.helpers import Api, wait_for

FROM = "5005550006"


def _send(api: Api, to: str, body: str = "Build 1842 deployed", **extra: str) -> SmsMessage:
    return api.create("SMS/Messages", SmsMessage, {"From": FROM, "To": to, "Body": body, **extra})


def _final(api: Api, sid: str) -> SmsMessage:
    return wait_for(lambda: (m := api.record(f"SMS/Messages/{sid}", SmsMessage)).status.is_terminal and m)


def test_send_answers_201_queued_then_sent(api: Api) -> None:
    response = api.post("SMS/Messages", {"From": "(500) 555-0006", "To": "+14155550100", "Body": "hi"})
    assert response.status_code == 201
    assert "<Status>queued</Status>" in response.text and "<DateSent/>" in response.text
    sid = response.text.split("<Sid>")[1].split("<")[0]
    assert response.headers["Location"] == api.url(f"SMS/Messages/{sid}")
    seen = set()

    def sent() -> SmsMessage | None:
        message = api.record(f"SMS/Messages/{sid}", SmsMessage)
        seen.add(message.status)
        return message if message.status.is_terminal else None

    message = wait_for(sent, interval=0.005)
    assert message.status is SmsStatus.SENT and message.date_sent is not None
    assert message.flags == SmsFlags.API and (message.to, message.from_) == ("4155550100", FROM)
    assert SmsStatus.SENDING in seen


def test_status_callback_receives_final_status(api: Api, httpserver: HTTPServer) -> None:
    httpserver.expect_request("/sms-status", method="POST").respond_with_data("")
    ok = _send(api, "4155550100", StatusCallback=httpserver.url_for("/sms-status"))
    failed = _send(api, "5005550009", StatusCallback=httpserver.url_for("/sms-status"))
    assert _final(api, failed.sid).status is SmsStatus.FAILED
    wait_for(lambda: len(httpserver.log) == 2)
    posted = {
        form["SmsSid"][0]: form
        for form in (parse_qs(request.get_data(as_text=True)) for request, _ in httpserver.log)
    }
    assert posted[ok.sid]["SmsStatus"] == ["sent"]
    assert posted[failed.sid]["SmsStatus"] == ["failed"]
    assert posted[ok.sid]["AccountSid"] == [api.emulator.account_sid]


@pytest.mark.parametrize(
    ("data", "code"),
    [
        ({"To": "4155550100", "Body": "x" * 161}, 21605),
        ({"To": "4155550100", "Body": "   "}, 21602),
        ({"To": "4155550100"}, 21602),
        ({"Body": "hi"}, 21604),
        ({"From": "", "To": "4155550100", "Body": "hi"}, 21603),
        ({"From": "4155550199", "To": "4155550100", "Body": "hi"}, 21606),
        ({"To": "12", "Body": "hi"}, 21211),
    ],
)
def test_invalid_sms_gives_400_with_twilio_code(api: Api, data: dict[str, str], code: int) -> None:
    response = api.post("SMS/Messages", {"From": FROM, **data})
    assert api.error(response) == (400, code)


def test_toll_free_number_cannot_send(api: Api) -> None:
    response = api.post("IncomingPhoneNumbers/TollFree", {})
    number = response.text.split("<PhoneNumber>")[1].split("<")[0]
    response = api.post("SMS/Messages", {"From": number, "To": "4155550100", "Body": "hi"})
    assert api.error(response) == (400, 21606)


def test_sms_filters_and_order(api: Api) -> None:
    first = _send(api, "4155550100")
    second = _send(api, "4155550101")
    _final(api, first.sid)
    _final(api, second.sid)
    assert [m.sid for m in api.page("SMS/Messages", SmsMessage, To="4155550101")] == [second.sid]
    assert api.page("SMS/Messages", SmsMessage, From=FROM).total == 2
    day = api.record(f"SMS/Messages/{first.sid}", SmsMessage).date_sent.in_timezone("UTC").date().isoformat()
    assert api.page("SMS/Messages", SmsMessage, DateSent=day).total == 2
    assert api.page("SMS/Messages", SmsMessage, **{"DateSent<": "2000-01-01"}).total == 0
    listed = [m.sid for m in api.page("SMS/Messages", SmsMessage)]
    assert set(listed) == {first.sid, second.sid}


def test_sms_instance_is_read_only(api: Api) -> None:
    message = _send(api, "4155550100")
    assert api.post(f"SMS/Messages/{message.sid}", {"Body": "x"}).status_code == 405
    assert api.request("DELETE", f"SMS/Messages/{message.sid}").status_code == 405
    assert api.get("SMS/Messages/SM" + "0" * 32).status_code == 404
