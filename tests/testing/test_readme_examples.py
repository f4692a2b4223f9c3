"""The README's code runs as printed: the hook example against the emulator, the DAG test in a new project.

The code is read from README.md itself, so the README and these tests cannot drift apart.
"""

from __future__ import annotations

import os
import re
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.testing.airflow_home import MARKER_ENV
from airflow_provider_twilio2008.testing.plugin import EmulatorHandle

pytest_plugins = ["pytester"]

README = Path(__file__).resolve().parents[2] / "README.md"


def readme_python_block(heading: str) -> str:
    """Return the first ```python block of README.md after ``heading``, within that section.

    :param heading: the whole heading line, e.g. ``"## Hook"``.
    """
    text = README.read_text(encoding="utf-8")
    assert f"\n{heading}\n" in text, f"README.md has no heading {heading!r}"
    section = text.split(f"\n{heading}\n", 1)[1]
    level = heading.split(" ", 1)[0]
    before_block, sep, rest = section.partition("```python\n")
    assert sep, f"no python block after {heading!r}"
    assert not re.search(rf"^#{{1,{len(level)}}} ", before_block, re.M), f"no python block in {heading!r}"
    return rest.split("\n```", 1)[0] + "\n"


def readme_python_blocks(heading: str) -> list[str]:
    """Return every ```python block of README.md in the section under ``heading``.

    :param heading: the whole heading line, e.g. ``"## Hook"``.
    """
    text = README.read_text(encoding="utf-8")
    level = heading.split(" ", 1)[0]
    pieces = text.split(f"\n{heading}\n", 1)[1].split("```")
    kept = []
    for index, piece in enumerate(pieces):  # even pieces are prose, odd ones fenced code
        ending = None if index % 2 else re.search(rf"^#{{1,{len(level)}}} ", piece, re.M)
        kept.append(piece[: ending.start()] if ending else piece)
        if ending:
            break
    return [code.removeprefix("python\n") for code in kept[1::2] if code.startswith("python\n")]


def clean_airflow_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every AIRFLOW* variable (this suite's conftest sets some) for a subprocess run.

    :param monkeypatch: the test's monkeypatch.
    """
    for name in list(os.environ):
        if name.startswith("AIRFLOW") or name == MARKER_ENV:
            monkeypatch.delenv(name)


def test_readme_hook_example_runs_against_the_emulator(
    twilio2008_emulator: EmulatorHandle,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = readme_python_block("## Hook")
    # The README's emulator listens on port 8008 and saves recordings in /tmp; ours elsewhere.
    assert "http://127.0.0.1:8008/twiml/say-and-record?" in code and 'f"/tmp/' in code
    code = code.replace("http://127.0.0.1:8008", twilio2008_emulator.base_url)
    code = code.replace('f"/tmp/', f'f"{tmp_path}/')
    twilio2008_emulator.set_connection_env(monkeypatch)

    exec(compile(code, f"{README}:Hook", "exec"), {"__name__": "readme_hook_example"})

    printed = [line for line in capsys.readouterr().out.splitlines() if line.strip()]
    assert len(printed) == 2 and re.fullmatch(r"CA[0-9a-f]{32} queued", printed[0]), printed
    assert printed[1] == "completed"
    state = twilio2008_emulator.state()
    (call,) = state["calls"]
    assert call["status"] == 2 and call["notifications"] == []
    (recording,) = list(tmp_path.glob("RE*.wav"))
    assert recording.read_bytes()[:4] == b"RIFF"
    assert [sms["body"] for sms in state["sms"]] == ["Your appointment is tomorrow at 9:00"]


def test_readme_days_calls_include_the_ones_that_never_connected(
    twilio2008_emulator: EmulatorHandle, monkeypatch: pytest.MonkeyPatch
) -> None:
    from datetime import datetime, timezone

    from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

    code = readme_python_blocks("## Hook")[1]
    assert "day = date(2026, 12, 1)" in code
    today = datetime.now(timezone.utc).date()
    code = code.replace("date(2026, 12, 1)", f"date({today.year}, {today.month}, {today.day})")
    twilio2008_emulator.set_connection_env(monkeypatch)
    hook = Twilio2008Hook()
    busy = hook.make_call("5005550001", None, f"{twilio2008_emulator.base_url}/twiml/say")
    answered = hook.make_call("4155550134", None, f"{twilio2008_emulator.base_url}/twiml/say")
    while not all(hook.get_call(c.sid).status.is_terminal for c in (busy, answered)):
        pass

    scope: dict[str, Any] = {"hook": hook}
    exec(compile(code, f"{README}:Hook (a day's calls)", "exec"), scope)

    assert sorted(c.sid for c in scope["placed"]) == sorted([busy.sid, answered.sid])
    assert [c.sid for c in hook.list_calls(started_on=today)] == [answered.sid]  # what it warns of


def test_readme_dag_test_passes_in_a_new_project(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's test file, alone in a project with no configuration, passes under plain ``pytest``."""
    clean_airflow_env(monkeypatch)
    temp = pytester.mkdir("system-tmp")
    monkeypatch.setenv("TMPDIR", str(temp))  # where the plugin makes its temporary Airflow home
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_reminder.py").write_text(
        readme_python_block("### Testing your own DAGs"), encoding="utf-8"
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")

    result.assert_outcomes(passed=1)
    assert not (pytester.path / "airflow").exists(), "Airflow wrote to its default home (~/airflow)"
    assert not [p.name for p in temp.iterdir() if p.name.startswith("twilio2008-pytest-airflow-")]


def test_readme_dagbag_test_of_a_dag_in_the_dags_folder_passes(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The README's test of a DAG from ``dags/`` passes in a new project holding that DAG."""
    clean_airflow_env(monkeypatch)
    monkeypatch.setenv("TMPDIR", str(pytester.mkdir("system-tmp")))
    code = readme_python_blocks("### Testing your own DAGs")[1]
    assert 'dags["reminders"]' in code
    # The README's first example, made a file of dags/ under the name the test asks for.
    dag_file = readme_python_block("### Testing your own DAGs").split("\n\n\ndef test_", 1)[0]
    dag_file = dag_file.replace("def appointment_reminder", "def reminders").replace(
        "reminder = appointment_reminder()", "reminders()"
    )
    pytester.mkdir("dags")
    (pytester.path / "dags" / "reminders.py").write_text(dag_file, encoding="utf-8")
    pytester.mkdir("tests")
    (pytester.path / "tests" / "test_reminders.py").write_text(code, encoding="utf-8")
    (pytester.path / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-W", "ignore::DeprecationWarning")

    result.assert_outcomes(passed=1)


def test_readme_operator_dag_runs_against_the_emulator(
    twilio2008_airflow: Any,
    twilio2008_emulator: EmulatorHandle,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
) -> None:
    code = readme_python_block("## Operators, sensors, notifier")
    assert 'destination="/tmp/recordings/"' in code
    code = code.replace('destination="/tmp/recordings/"', f'destination="{tmp_path}/"')
    twilio2008_emulator.set_connection_env(monkeypatch)
    namespace: dict[str, Any] = {"__name__": "readme_operator_example"}
    exec(compile(code, f"{README}:Operators", "exec"), namespace)
    dag = namespace["appointment_survey"]()  # the @dag function; the README calls it bare
    run = twilio2008_airflow.run_dag(dag)
    states = {ti.task_id: ti.state for ti in run.get_task_instances()}
    assert run.state == "success", states
    state = twilio2008_emulator.state()
    assert len(state["calls"]) == 1 and state["calls"][0]["status"] == 2
    assert sorted(sms["to"] for sms in state["sms"]) == ["4155550101", "4155550102"]
    assert all(sms["body"].startswith("Answer: ") for sms in state["sms"])
    (saved,) = tmp_path.iterdir()
    assert saved.suffix == ".wav" and saved.read_bytes()[:4] == b"RIFF"


def test_readme_signature_check_accepts_what_the_emulator_signs(
    twilio2008_emulator_factory: Any, httpserver: Any, capsys: pytest.CaptureFixture[str]
) -> None:
    code = readme_python_block("## Checking that a request came from Twilio")
    namespace: dict[str, Any] = {"__name__": "readme_signature_example"}
    exec(compile(code, str(README), "exec"), namespace)
    assert capsys.readouterr().out.strip() == "False"
    came_from_twilio = namespace["came_from_twilio"]

    httpserver.expect_request("/sms").respond_with_data("", content_type="text/plain")
    twilio2008_emulator = twilio2008_emulator_factory(sms_url=httpserver.url_for("/sms?team=ops"))
    twilio2008_emulator.text("4155550100", "ACK")
    request = _first_request(httpserver)
    form = dict(request.form)
    token = twilio2008_emulator.auth_token
    assert form["Body"] == "ACK"
    assert came_from_twilio(token, request.url, form, dict(request.headers))
    assert not came_from_twilio(token, request.url, {**form, "Body": "NACK"}, dict(request.headers))


def _first_request(httpserver: Any) -> Any:
    import time

    deadline = time.monotonic() + 10
    while not httpserver.log and time.monotonic() < deadline:
        time.sleep(0.02)
    assert httpserver.log, "the emulator never requested the SmsUrl"
    return httpserver.log[0][0]


def readme_xcom_table() -> dict[str, set[str]]:
    """Return the README's "what each task returns" table: first task named in a row to the keys listed."""
    text = README.read_text(encoding="utf-8")
    start = text.index("| task | XCom value |")
    rows: dict[str, set[str]] = {}
    for line in text[start:].splitlines()[2:]:
        if not line.startswith("|"):
            break
        task_cell, value_cell = line.strip("|").split("|", 1)
        task = re.findall(r"`(\w+)`", task_cell)[0]
        keys = {token for token in re.findall(r"`([^`]+)`", value_cell) if token.isidentifier()}
        for earlier in keys & rows.keys():  # "as `SendSMSOperator`'s message": that row's keys
            keys = (keys - {earlier}) | rows[earlier]
        rows[task] = keys
    return rows


def test_readme_xcom_table_lists_exactly_the_keys_each_task_returns() -> None:
    from airflow_provider_twilio2008.api.records import (
        Call,
        CallStatus,
        Recording,
        SmsMessage,
        SmsStatus,
        Transcription,
        TranscriptionStatus,
    )
    from airflow_provider_twilio2008.api.replies import reply_summary
    from airflow_provider_twilio2008.api.waiting import call_summary, recording_summary

    call = Call(sid="CA" + "a" * 32, status=CallStatus.COMPLETED)
    sms = SmsMessage(sid="SM" + "a" * 32, status=SmsStatus.SENT)
    recording = Recording(sid="RE" + "a" * 32)
    transcription = Transcription(sid="TR" + "a" * 32, status=TranscriptionStatus.COMPLETED)
    table = readme_xcom_table()
    assert table["MakeCallOperator"] == set(call_summary(call))
    assert table["SendSMSOperator"] == set(sms.as_dict())
    assert table["SMSReplySensor"] == set(reply_summary(sms, None))
    assert table["RecordingAvailableSensor"] - {"wait_for_transcription"} == set(
        recording_summary(recording, transcription)
    )
    assert call_summary(call)["status_name"] == "completed" and "from_" not in sms.as_dict()
