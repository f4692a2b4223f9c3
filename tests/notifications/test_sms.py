"""``Twilio2008SMSNotifier`` texts real messages to the emulator: sync, async, and from Airflow callbacks."""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.api.errors import Twilio2008ServerError, Twilio2008ValidationError
from airflow_provider_twilio2008.notifications.sms import (
    TRUNCATION_MARK,
    Twilio2008SMSNotifier,
    send_twilio2008_sms_notification,
)
from tests.helpers import run_dag_source

OWN_NUMBER = "5005550006"
ONCALL = "4155550134"
BACKUP = "4155550135"
FAILING_DAG = f"""
import pendulum
from airflow.sdk import DAG, task
from airflow.sdk.exceptions import AirflowFailException

from airflow_provider_twilio2008.notifications.sms import Twilio2008SMSNotifier

with DAG(
    "twilio2008_notify_on_failure",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    params={{"oncall": "{ONCALL}"}},
):

    @task(
        on_failure_callback=Twilio2008SMSNotifier(
            to=["{{{{ params.oncall }}}}", "{BACKUP}"],
            body="{{{{ dag.dag_id }}}}.{{{{ ti.task_id }}}} failed in {{{{ run_id }}}}",
        )
    )
    def load():
        raise AirflowFailException("disk full")

    load()
"""


@pytest.fixture
def emulator(twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """The emulator, as the default connection (its ``default_from`` is the account's number)."""
    twilio2008_emulator.set_connection_env(monkeypatch)
    return twilio2008_emulator


def logged(caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]) -> str:
    """Return everything logged: stdlib records and what structlog (Airflow's ``self.log``) printed."""
    out, err = capfd.readouterr()
    return caplog.text + out + err


def texts(emulator: Any) -> list[dict[str, Any]]:
    """Return the SMS the emulator holds, oldest first."""
    return sorted(emulator.state()["sms"], key=lambda sms: (sms["date_created"], sms["sid"]))


def test_notify_texts_each_number_once_from_the_default_number(emulator: Any) -> None:
    notifier = Twilio2008SMSNotifier(to=[f"+1{ONCALL}", BACKUP, "(415) 555-0134"], body="disk full on db1")
    notifier({})
    sent = texts(emulator)
    assert sorted(sms["to"] for sms in sent) == [ONCALL, BACKUP]
    assert {(sms["from"], sms["body"]) for sms in sent} == {(OWN_NUMBER, "disk full on db1")}


def test_notify_accepts_one_number_or_a_separated_string_and_an_explicit_sender(emulator: Any) -> None:
    Twilio2008SMSNotifier(to=ONCALL, body="one", from_=OWN_NUMBER)({})
    Twilio2008SMSNotifier(to=f"{ONCALL}; {BACKUP},", body="two")({})
    assert sorted((sms["to"], sms["body"], sms["from"]) for sms in texts(emulator)) == [
        (ONCALL, "one", OWN_NUMBER),
        (ONCALL, "two", OWN_NUMBER),
        (BACKUP, "two", OWN_NUMBER),
    ]


def test_template_fields_render_from_the_callback_context(emulator: Any) -> None:
    notifier = Twilio2008SMSNotifier(
        to="{{ params.oncall }}",
        body="{{ dag_id }} failed: {{ reason | upper }}",
        from_="{{ params.sender }}",
        twilio_conn_id="{{ params.conn }}",
    )
    assert Twilio2008SMSNotifier.template_fields == ("to", "body", "from_", "twilio_conn_id")
    notifier(
        {
            "dag_id": "nightly",
            "reason": "timeout",
            "params": {"oncall": ONCALL, "sender": OWN_NUMBER, "conn": "twilio2008_default"},
        }
    )
    assert (notifier.to, notifier.body, notifier.from_, notifier.twilio_conn_id) == (
        ONCALL,
        "nightly failed: TIMEOUT",
        OWN_NUMBER,
        "twilio2008_default",
    )
    ((sms),) = texts(emulator)
    assert (sms["to"], sms["body"]) == (ONCALL, "nightly failed: TIMEOUT")


def test_failed_task_callback_texts_the_rendered_alert_without_leaking_the_token(
    airflow_db: None,
    emulator: Any,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    run = run_dag_source(FAILING_DAG, "twilio2008_notify_on_failure", tmp_path / "dags", monkeypatch)
    assert run.state == "failed"
    expected = f"twilio2008_notify_on_failure.load failed in {run.run_id}"
    assert sorted((sms["to"], sms["body"]) for sms in texts(emulator)) == [
        (ONCALL, expected),
        (BACKUP, expected),
    ]
    text = logged(caplog, capfd)
    assert "Sent SMS SM" in text, "the task's logs were captured"
    assert emulator.auth_token not in text


async def test_async_notify_sends_with_the_async_transport(emulator: Any) -> None:
    await Twilio2008SMSNotifier(to=[ONCALL, BACKUP], body="deadline missed").async_notify({})
    assert sorted((sms["to"], sms["body"], sms["from"]) for sms in texts(emulator)) == [
        (ONCALL, "deadline missed", OWN_NUMBER),
        (BACKUP, "deadline missed", OWN_NUMBER),
    ]


async def test_awaiting_the_notifier_renders_its_own_context_then_sends(emulator: Any) -> None:
    notifier = Twilio2008SMSNotifier(
        to=ONCALL, body="{{ deadline }} passed", context={"deadline": "06:00 UTC"}
    )
    await notifier
    ((sms),) = texts(emulator)
    assert sms["body"] == "06:00 UTC passed"


def test_the_functional_alias_is_the_class() -> None:
    assert send_twilio2008_sms_notification is Twilio2008SMSNotifier


@pytest.mark.parametrize("mode", ["sync", "async"])
def test_a_long_body_is_cut_to_160_characters_and_the_cut_is_logged(
    emulator: Any, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str], mode: str
) -> None:
    import asyncio

    body = "Nightly load failed: " + "x" * 200
    notifier = Twilio2008SMSNotifier(to=ONCALL, body=body)
    caplog.set_level(logging.WARNING)
    if mode == "sync":
        notifier.notify({})
    else:
        asyncio.run(notifier.async_notify({}))
    ((sms),) = texts(emulator)
    assert len(sms["body"]) == 160 and sms["body"] == body[:157] + TRUNCATION_MARK
    text = logged(caplog, capfd)
    assert "221 characters" in text and "first 157 characters" in text


def test_a_body_of_exactly_160_characters_is_sent_whole(
    emulator: Any, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    caplog.set_level(logging.INFO)
    Twilio2008SMSNotifier(to=ONCALL, body="y" * 160).notify({})
    text = logged(caplog, capfd)
    assert texts(emulator)[0]["body"] == "y" * 160
    assert "Sent SMS SM" in text and "characters" not in text


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"to": "911", "body": "hi"}, "to"),
        ({"to": [ONCALL, "12345678901234567"], "body": "hi"}, "to"),
        ({"to": [], "body": "hi"}, "to"),
        ({"to": " , ", "body": "hi"}, "to"),
        ({"to": {"number": ONCALL}, "body": "hi"}, "to"),
        ({"to": ONCALL, "body": "   "}, "body"),
        ({"to": ONCALL, "body": None}, "body"),
        ({"to": ONCALL, "body": "hi", "from_": "not a number"}, "from_"),
    ],
)
@pytest.mark.parametrize("mode", ["sync", "async"])
def test_bad_input_is_refused_before_anything_is_sent(
    emulator: Any, kwargs: dict[str, Any], field: str, mode: str
) -> None:
    import asyncio

    notifier = Twilio2008SMSNotifier(**kwargs)
    with pytest.raises(Twilio2008ValidationError) as caught:
        if mode == "sync":
            notifier.notify({})
        else:
            asyncio.run(notifier.async_notify({}))
    assert caught.value.field == field
    assert texts(emulator) == []


def test_no_sender_and_no_default_from_is_refused(
    twilio2008_emulator: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    bare_uri = twilio2008_emulator.conn_uri.split("?")[0]
    monkeypatch.setenv("AIRFLOW_CONN_TWILIO2008_BARE", bare_uri)
    with pytest.raises(Twilio2008ValidationError) as caught:
        Twilio2008SMSNotifier(to=ONCALL, body="hi", twilio_conn_id="twilio2008_bare").notify({})
    assert caught.value.field == "from_" and "default_from" in str(caught.value)
    assert texts(twilio2008_emulator) == []


def test_a_failed_number_does_not_stop_the_others_and_its_error_is_raised_without_the_token(
    emulator: Any, caplog: pytest.LogCaptureFixture, capfd: pytest.CaptureFixture[str]
) -> None:
    emulator.add_fault("error500", count=1, method="POST", path="/SMS/Messages")
    caplog.set_level(logging.DEBUG)
    notifier = Twilio2008SMSNotifier(to=[ONCALL, BACKUP], body="second try")
    with pytest.raises(Twilio2008ServerError) as caught:
        notifier({})
    ((sms),) = texts(emulator)
    assert (sms["to"], sms["body"]) == (BACKUP, "second try")
    text = logged(caplog, capfd)
    assert f"SMS to {ONCALL} failed" in text and "1 of 2 SMS notifications failed" in text
    assert f"to {BACKUP}" in text
    assert emulator.auth_token not in text + str(caught.value) + repr(caught.value)
    rendered = [str(getattr(notifier, name)) for name in notifier.template_fields]
    assert not any(emulator.auth_token in value for value in rendered)


def test_importing_the_notifier_loads_no_transport_library() -> None:
    code = (
        "import sys; from airflow.sdk import BaseNotifier; before = set(sys.modules);"
        "from airflow_provider_twilio2008.notifications.sms import Twilio2008SMSNotifier;"
        "Twilio2008SMSNotifier(to='4155550134', body='{{ ti.task_id }}');"
        "new = set(sys.modules) - before;"
        "print(sorted(m for m in new if m.split('.')[0] in ('requests', 'httpx', 'lxml')"
        " or m.startswith(('airflow_provider_twilio2008.hooks', 'airflow_provider_twilio2008.triggers'))));"
        "print(sorted(m for m in ('requests', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "[]"]
