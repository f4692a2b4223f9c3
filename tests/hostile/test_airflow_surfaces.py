"""Hostile input through the operators and sensors, rendered from templates in real Airflow.

One DAG holds a task per case; ``dag.test()`` runs it once against a real emulator. Each task
renders a hostile value (``render_template_as_native_obj``, so ``-4155550134`` arrives as an int
and ``True`` as a bool) and must fail before any request, with an error naming the field. An
``on_failure_callback`` writes each task's error to a file, one JSON line per task; the emulator's
request log must stay empty for the whole run.

Literal hostile values of ``SMSReplySensor`` are refused when the DAG is parsed; those cases are
at the end.

Lone surrogates are not among the cases: Airflow's task runner fails to send such a rendered
field to its API server (``UnicodeEncodeError`` in ``set_rtif``) before ``execute`` runs, so they
cannot reach an operator this way; the hook and operation tests cover them.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle
from tests.helpers import run_dag_source

HEX = "a33daab7eae46930dbde97c13e86cb9d"
CALL_SID = "CA" + HEX
MEGABYTE = 1_000_000
DAG_ID = "twilio2008_hostile_inputs"


@dataclass(frozen=True)
class Case:
    """One task of the hostile DAG.

    :param task_id: the task (and the case's name).
    :param operator: the operator's source, with ``{value}`` where the hostile template goes.
    :param value: the hostile value, as Python source evaluated in the DAG file.
    :param field: the field the error must name.
    """

    task_id: str
    operator: str
    value: str
    field: str


CALL = 'MakeCallOperator(task_id="{task_id}", to="4155550134", url=TWIML, {arg})'
SMS = 'SendSMSOperator(task_id="{task_id}", to="4155550134", body="hello", {arg})'
REDIRECT = 'RedirectCallOperator(task_id="{task_id}", call_sid=CALL_SID, url=TWIML, {arg})'
DOWNLOAD = (
    'DownloadRecordingOperator(task_id="{task_id}", recording_sid=RECORDING_SID, destination=OUT, {arg})'
)
CALL_WAIT = 'CallCompletedSensor(task_id="{task_id}", call_sid=CALL_SID, poke_interval=0.1, timeout=5, {arg})'
RECORDING_WAIT = (
    'RecordingAvailableSensor(task_id="{task_id}", call_sid=CALL_SID, poke_interval=0.1, timeout=5, {arg})'
)
REPLY_WAIT = 'SMSReplySensor(task_id="{task_id}", from_="4155550134", poke_interval=0.1, timeout=5, {arg})'


def case(task_id: str, template: str, arg: str, value: str, field: str | None = None) -> Case:
    """Build a case whose operator gets ``arg="{{ bad.<task_id> }}"`` and all else valid.

    :param task_id: the task.
    :param template: the operator source (``CALL``, ``SMS``...).
    :param arg: the argument that gets the hostile value.
    :param value: the hostile value, as Python source.
    :param field: the field named in the error (default ``arg``).
    """
    operator = template.format(task_id=task_id, arg=f'{arg}="{{{{ bad.{task_id} }}}}"')
    return Case(task_id, operator, value, field or arg)


CASES: list[Case] = [
    # MakeCallOperator
    case("call_to_negative_int", CALL.replace('to="4155550134", ', ""), "to", "-4155550134"),
    case("call_to_bool", CALL.replace('to="4155550134", ', ""), "to", "True"),
    case("call_to_nul", CALL.replace('to="4155550134", ', ""), "to", r"'4155550134\x00'"),
    case(
        "call_to_header_injection",
        CALL.replace('to="4155550134", ', ""),
        "to",
        r"'4155550134\r\nX-Injected: 1'",
    ),
    case("call_to_arabic_digits", CALL.replace('to="4155550134", ', ""), "to", "'٤١٥٥٥٥٠١٣٤'"),
    case("call_to_megabyte", CALL.replace('to="4155550134", ', ""), "to", f"'4' * {MEGABYTE}"),
    case("call_from_negative", CALL, "from_", "-4155550199"),
    case("call_from_float", CALL, "from_", "4155550199.0"),
    case("call_url_javascript", CALL.replace("url=TWIML, ", ""), "url", "'javascript:alert(1)'"),
    case("call_url_file", CALL.replace("url=TWIML, ", ""), "url", "'file:///etc/passwd'"),
    case("call_url_ftp", CALL.replace("url=TWIML, ", ""), "url", "'ftp://example.com/t.xml'"),
    case("call_url_no_host", CALL.replace("url=TWIML, ", ""), "url", "'http:///twiml'"),
    case(
        "call_url_crlf", CALL.replace("url=TWIML, ", ""), "url", r"'https://example.com/t\r\nX-Injected: 1'"
    ),
    case(
        "call_url_megabyte",
        CALL.replace("url=TWIML, ", ""),
        "url",
        f"'https://example.com/' + 'x' * {MEGABYTE}",
    ),
    case("call_method_injection", CALL, "method", r"'GET\r\nX-Injected: 1'"),
    case("call_ring_timeout_arabic", CALL, "ring_timeout", "'٦٠'"),
    case("call_ring_timeout_float", CALL, "ring_timeout", "60.5"),
    case("call_send_digits_nul", CALL, "send_digits", r"'12\x00'"),
    case("call_if_machine", CALL, "if_machine", "'Maybe'"),
    # SendSMSOperator
    case("sms_body_nul", SMS.replace('body="hello", ', ""), "body", r"'hi\x00there'"),
    case("sms_body_control", SMS.replace('body="hello", ', ""), "body", r"'hi\x1bthere'"),
    case("sms_body_noncharacter", SMS.replace('body="hello", ', ""), "body", r"'hi\uffff'"),
    case("sms_body_161", SMS.replace('body="hello", ', ""), "body", "'x' * 161"),
    case("sms_body_161_emoji", SMS.replace('body="hello", ', ""), "body", r"'\U0001f600' * 161"),
    case("sms_body_megabyte", SMS.replace('body="hello", ', ""), "body", f"'x' * {MEGABYTE}"),
    case("sms_to_negative", SMS.replace('to="4155550134", ', ""), "to", "-4155550134"),
    case("sms_to_superscript", SMS.replace('to="4155550134", ', ""), "to", "'²³⁴⁵⁶'"),
    case("sms_to_list_nul", SMS.replace('to="4155550134", ', ""), "to", r"['4155550134', '\x00']", "to[1]"),
    case("sms_from_bool", SMS, "from_", "False"),
    case("sms_callback_ftp", SMS, "status_callback", "'ftp://example.com/s'"),
    case("sms_callback_crlf", SMS, "status_callback", r"'https://example.com/s\r\nX: 1'"),
    case("sms_concurrency_arabic", SMS, "max_concurrency", "'٤'"),
    # RedirectCallOperator
    case("redirect_sid_traversal", REDIRECT.replace("call_sid=CALL_SID, ", ""), "call_sid", "'CA../../x'"),
    case(
        "redirect_sid_encoded",
        REDIRECT.replace("call_sid=CALL_SID, ", ""),
        "call_sid",
        f"'CA%2F..%2F{HEX[:24]}'",
    ),
    case("redirect_sid_account", REDIRECT.replace("call_sid=CALL_SID, ", ""), "call_sid", f"'AC{HEX}'"),
    case("redirect_sid_33", REDIRECT.replace("call_sid=CALL_SID, ", ""), "call_sid", f"'CA{HEX[:-1]}'"),
    case("redirect_sid_35", REDIRECT.replace("call_sid=CALL_SID, ", ""), "call_sid", f"'CA{HEX}0'"),
    case("redirect_sid_upper", REDIRECT.replace("call_sid=CALL_SID, ", ""), "call_sid", f"'CA{HEX.upper()}'"),
    case("redirect_url_space", REDIRECT.replace("url=TWIML, ", ""), "url", "'https://example.com/a b'"),
    # DownloadRecordingOperator
    case(
        "download_sid_traversal",
        DOWNLOAD.replace("recording_sid=RECORDING_SID, ", ""),
        "recording_sid",
        "'RE../../../etc/passwd'",
    ),
    case(
        "download_sid_call",
        DOWNLOAD.replace("recording_sid=RECORDING_SID, ", ""),
        "recording_sid",
        "CALL_SID",
    ),
    case(
        "download_sid_upper",
        DOWNLOAD.replace("recording_sid=RECORDING_SID, ", ""),
        "recording_sid",
        f"'RE{HEX.upper()}'",
    ),
    case("download_fmt", DOWNLOAD, "fmt", "'ogg'"),
    case("download_fmt_nul", DOWNLOAD, "fmt", r"'wav\x00'"),
    # Sensors
    case("wait_call_traversal", CALL_WAIT.replace("call_sid=CALL_SID, ", ""), "call_sid", "'CA../../x'"),
    case("wait_call_sid_short", CALL_WAIT.replace("call_sid=CALL_SID, ", ""), "call_sid", "'CA123'"),
    case("wait_call_sid_sms", CALL_WAIT.replace("call_sid=CALL_SID, ", ""), "call_sid", f"'SM{HEX}'"),
    case(
        "wait_call_sid_upper", CALL_WAIT.replace("call_sid=CALL_SID, ", ""), "call_sid", f"'CA{HEX.upper()}'"
    ),
    case("wait_call_statuses_none", CALL_WAIT, "failed_statuses", "None"),
    case("wait_call_35", CALL_WAIT.replace("call_sid=CALL_SID, ", ""), "call_sid", f"'CA{HEX}0'"),
    case("wait_call_int", CALL_WAIT.replace("call_sid=CALL_SID, ", ""), "call_sid", "12345"),
    case("wait_call_statuses", CALL_WAIT, "failed_statuses", "['busy', 'bogus']"),
    case(
        "wait_recording_prefix", RECORDING_WAIT.replace("call_sid=CALL_SID, ", ""), "call_sid", f"'RE{HEX}'"
    ),
    case(
        "wait_recording_encoded",
        RECORDING_WAIT.replace("call_sid=CALL_SID, ", ""),
        "call_sid",
        f"'CA%2F..{HEX[:27]}'",
    ),
    case("reply_from_negative", REPLY_WAIT.replace('from_="4155550134", ', ""), "from_", "-4155550134"),
    case("reply_from_crlf", REPLY_WAIT.replace('from_="4155550134", ', ""), "from_", r"'4155550134\r\nX: 1'"),
    case("reply_to_arabic", REPLY_WAIT, "to", "'٥٠٠٥٥٥٠٠٠٦'"),
    case("reply_pattern_unbalanced", REPLY_WAIT, "body_pattern", "'(yes'"),
    case("reply_pattern_deep", REPLY_WAIT, "body_pattern", "'(' * 5000 + ')' * 5000"),
    case("reply_since_overflow", REPLY_WAIT, "since", "'9999-12-31T23:59:59-01:00'"),
    case("reply_since_words", REPLY_WAIT, "since", "'yesterday'"),
]

DAG_SOURCE = """
import json

import pendulum
from airflow.sdk import DAG

from airflow_provider_twilio2008.operators.calls import MakeCallOperator, RedirectCallOperator
from airflow_provider_twilio2008.operators.recordings import DownloadRecordingOperator
from airflow_provider_twilio2008.operators.sms import SendSMSOperator
from airflow_provider_twilio2008.sensors.calls import CallCompletedSensor, RecordingAvailableSensor
from airflow_provider_twilio2008.sensors.sms import SMSReplySensor

REPORT = {report!r}
OUT = {out!r}
TWIML = "https://example.com/twiml"
CALL_SID = {call_sid!r}
RECORDING_SID = "RE" + CALL_SID[2:]
BAD = {{
{bad}
}}


def report(context):
    error = context.get("exception")
    line = {{
        "task": context["ti"].task_id,
        "type": type(error).__name__,
        "field": getattr(error, "field", None) or getattr(error.__cause__, "field", None),
        "message": str(error)[:2000],
    }}
    with open(REPORT, "a", encoding="utf-8") as out:
        out.write(json.dumps(line) + "\\n")


with DAG(
    {dag_id!r},
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    render_template_as_native_obj=True,
    user_defined_macros={{"bad": BAD}},
    default_args={{"retries": 0, "on_failure_callback": report}},
):
{operators}
"""


def dag_source(report: Path, out: Path) -> str:
    """Return the hostile DAG's file text, writing errors to ``report``."""
    bad = "\n".join(f"    {c.task_id!r}: {c.value}," for c in CASES)
    operators = "\n".join(f"    {c.operator}" for c in CASES)
    return DAG_SOURCE.format(
        report=str(report), out=str(out), call_sid=CALL_SID, bad=bad, dag_id=DAG_ID, operators=operators
    )


@dataclass
class Run:
    """What the hostile DAG run left: task states, each failed task's error, and the requests sent."""

    states: dict[str, str]
    errors: dict[str, dict[str, Any]]
    requests: int


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory, airflow_db: None, module_emulator: EmulatorHandle) -> Run:
    """Run the hostile DAG once against a fresh emulator, for every case of this module."""
    folder = tmp_path_factory.mktemp("hostile")
    report = folder / "errors.jsonl"
    module_emulator.control("DELETE", "requests")
    with pytest.MonkeyPatch.context() as monkeypatch:
        dag_run = run_dag_source(dag_source(report, folder / "audio"), DAG_ID, folder / "dags", monkeypatch)
    lines = [json.loads(line) for line in report.read_text(encoding="utf-8").splitlines()]
    return Run(
        {ti.task_id: str(ti.state) for ti in dag_run.get_task_instances()},
        {line["task"]: line for line in lines},
        module_emulator.control("GET", "requests")["count"],
    )


def test_no_hostile_value_reached_the_emulator(run: Run) -> None:
    assert run.requests == 0
    assert set(run.states) == {c.task_id for c in CASES}


@pytest.mark.parametrize("hostile", CASES, ids=[c.task_id for c in CASES])
def test_hostile_value_fails_the_task_naming_the_field(run: Run, hostile: Case) -> None:
    assert run.states[hostile.task_id] == "failed"
    error = run.errors[hostile.task_id]
    # Bad input fails at once, without retries (no retry fixes a typo), naming the field.
    assert error["type"] == "AirflowFailException", error
    assert error["field"] == hostile.field, error
    assert error["message"].startswith(hostile.field), error
    assert "expected" in error["message"]
    if hostile.field in ("to", "from_", "to[1]"):
        assert "E.164" in error["message"], error  # one phone number check for every operator


LITERALS: list[tuple[str, dict[str, Any], str]] = [
    ("from-negative-int", {"from_": -4155550134}, "from_"),
    ("from-nul", {"from_": "4155550134\x00"}, "from_"),
    ("to-superscript", {"from_": "4155550134", "to": "⁴¹⁵⁵⁵⁵⁰¹³⁴"}, "to"),
    ("pattern-unbalanced", {"from_": "4155550134", "body_pattern": "[yes"}, "body_pattern"),
    ("pattern-megabyte", {"from_": "4155550134", "body_pattern": "x" * MEGABYTE}, "body_pattern"),
    ("since-overflow", {"from_": "4155550134", "since": "0001-01-01T00:00:00+01:00"}, "since"),
]


@pytest.mark.parametrize(("kwargs", "field"), [c[1:] for c in LITERALS], ids=[c[0] for c in LITERALS])
def test_literal_hostile_reply_sensor_arguments_fail_when_the_dag_is_parsed(
    kwargs: dict[str, Any], field: str
) -> None:
    from airflow_provider_twilio2008.sensors.sms import SMSReplySensor

    with pytest.raises(Twilio2008ValidationError) as raised:
        SMSReplySensor(task_id="reply", **kwargs)

    assert raised.value.field == field
    assert str(raised.value).startswith(field)
