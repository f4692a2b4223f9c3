"""``Twilio2008AsyncHook`` against the emulator over loopback: records, lists, pages, refusals, secrets."""

from __future__ import annotations

import logging
from typing import Any

import pytest

from airflow_provider_twilio2008.api import operations as ops
from airflow_provider_twilio2008.api.errors import Twilio2008NotFoundError, Twilio2008ValidationError
from airflow_provider_twilio2008.api.records import Account, SmsMessage
from airflow_provider_twilio2008.hooks.twilio2008_async import Twilio2008AsyncHook

OWN_NUMBER = "5005550006"


@pytest.fixture
def emulator(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The emulator, as the default connection."""
    twilio2008_emulator.set_connection_env(monkeypatch)
    return twilio2008_emulator


async def test_a_record_a_list_and_a_page_come_back_typed(emulator: Any) -> None:
    async with Twilio2008AsyncHook() as hook:
        config = await hook.get_config()
        account = await hook.send_request(ops.get_account(config.account_sid))
        for index in range(3):
            sent = await hook.send_request(
                ops.send_sms(
                    config.account_sid, to=f"41555501{index:02d}", body=f"text {index}", from_=OWN_NUMBER
                )
            )
            assert isinstance(sent, SmsMessage)
        listed = [sms async for sms in await hook.send_request(ops.list_sms(config.account_sid, page_size=2))]
        page = await hook.get_page(ops.list_sms(config.account_sid, page_size=2))
    assert isinstance(account, Account) and account.sid == emulator.account_sid
    assert sorted(sms.body for sms in listed) == ["text 0", "text 1", "text 2"]  # two pages walked
    assert len(page.items) == 2 and page.num_pages == 2


async def test_a_delete_of_what_does_not_exist_raises_not_found(emulator: Any) -> None:
    async with Twilio2008AsyncHook() as hook:
        config = await hook.get_config()
        missing = "PN" + "0" * 32
        with pytest.raises(Twilio2008NotFoundError):
            await hook.send_request(ops.delete_outgoing_caller_id(config.account_sid, missing))


async def test_what_is_not_a_request_is_refused_before_any_connection_is_read(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("AIRFLOW_CONN_TWILIO2008_DEFAULT", raising=False)
    hook = Twilio2008AsyncHook()
    with pytest.raises(Twilio2008ValidationError, match="request: got str"):
        await hook.send_request("/Accounts/AC1/Calls")  # type: ignore[arg-type]
    with pytest.raises(Twilio2008ValidationError, match="is not a list"):
        await hook.get_page(ops.get_account("AC" + "0" * 32))


async def test_the_auth_token_is_in_no_log_and_the_client_is_closed_on_exit(
    emulator: Any, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.DEBUG)
    async with Twilio2008AsyncHook(log=logging.getLogger("tests.async_hook")) as hook:
        config = await hook.get_config()
        await hook.send_request(ops.get_account(config.account_sid))
        transport = await hook.get_transport()
        assert await hook.get_transport() is transport  # built once
    assert transport.client.is_closed
    assert "GET /2008-08-01/Accounts/" in caplog.text  # the request summary was logged
    assert emulator.auth_token not in caplog.text
