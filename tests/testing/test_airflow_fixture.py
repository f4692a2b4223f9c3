"""The ``twilio2008_airflow`` fixture: an isolated Airflow home, its DAGs folder, and what it refuses.

Most tests run pytest in a subprocess (``pytester``) with no AIRFLOW* variable, as a new
project would; this suite's own conftest sets AIRFLOW_HOME, which is the "user's own home" case
that the in-process test below covers.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path
from typing import Any

import pytest
from airflow.sdk import dag, task

from airflow_provider_twilio2008.testing.airflow_home import MARKER_ENV
from airflow_provider_twilio2008.testing.plugin import AirflowHandle

pytest_plugins = ["pytester"]


def clean_airflow_env(monkeypatch: pytest.MonkeyPatch) -> None:
    """Remove every AIRFLOW* variable (this suite's conftest sets some) for a subprocess run.

    :param monkeypatch: the test's monkeypatch.
    """
    for name in list(os.environ):
        if name.startswith("AIRFLOW") or name == MARKER_ENV:
            monkeypatch.delenv(name)


def write(root: Path, files: dict[str, str]) -> None:
    """Write ``files`` (relative path -> dedented text) under ``root``.

    :param root: the project directory.
    :param files: the files.
    """
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text).lstrip(), encoding="utf-8")


def test_the_plugin_imports_neither_airflow_nor_the_emulator() -> None:
    # The banner's constants (how the emulator prints the connection) are all it may load.
    light = ("airflow_provider_twilio2008.emulator", "airflow_provider_twilio2008.emulator.banner")
    code = (
        "import sys, airflow_provider_twilio2008.testing.plugin\n"
        "heavy = [m for m in sys.modules if m.split('.')[0] in ('airflow', 'uvicorn', 'starlette', 'httpx')"
        f" or (m.startswith('airflow_provider_twilio2008.emulator') and m not in {light!r})]\n"
        "print(heavy)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert result.stdout.strip() == "[]"


PIPELINE_PROJECT = {
    "pytest.ini": """
        [pytest]
        twilio2008_dags_folder = pipelines
        pythonpath = .
    """,
    "pipelines/greeting.py": """
        from airflow.sdk import dag, task


        @dag(schedule=None)
        def greeting():
            @task
            def hello() -> int:
                return 42

            hello()


        greeting_dag = greeting()
    """,
    "tests/test_pipelines.py": """
        import os
        from pathlib import Path

        from airflow.sdk import DAG, task

        from pipelines.greeting import greeting_dag

        PROJECT = Path(__file__).resolve().parent.parent


        def test_the_handle_describes_a_temporary_home(twilio2008_airflow):
            print("AIRFLOW_HOME_USED", twilio2008_airflow.home)
            assert twilio2008_airflow.isolated
            assert twilio2008_airflow.home == Path(os.environ["AIRFLOW_HOME"])
            assert twilio2008_airflow.home.parent == Path(os.environ["TMPDIR"])
            assert twilio2008_airflow.dags_folder == PROJECT / "pipelines"
            assert twilio2008_airflow.sql_alchemy_conn == f"sqlite:///{twilio2008_airflow.home}/airflow.db"


        def test_a_dag_of_the_dags_folder_runs_with_dag_test(twilio2008_airflow):
            run = greeting_dag.test()
            assert run.state == "success"
            assert [(ti.task_id, ti.state) for ti in run.get_task_instances()] == [("hello", "success")]


        def test_a_dag_made_in_the_test_runs_with_run_dag(twilio2008_airflow):
            with DAG("made_in_the_test", schedule=None) as made:

                @task
                def one() -> int:
                    return 1

                one()
            assert twilio2008_airflow.run_dag(made).state == "success"


        def test_a_failing_task_fails_the_run(twilio2008_airflow):
            with DAG("fails_in_the_test", schedule=None) as failing:

                @task(retries=0)
                def boom() -> None:
                    raise RuntimeError("boom")

                boom()
            assert twilio2008_airflow.run_dag(failing).state == "failed"
    """,
}


def test_dags_folder_from_the_ini_and_dags_made_in_tests(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_airflow_env(monkeypatch)
    temp = pytester.mkdir("system-tmp")
    monkeypatch.setenv("TMPDIR", str(temp))
    write(pytester.path, PIPELINE_PROJECT)

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s", "-W", "ignore::DeprecationWarning")

    result.assert_outcomes(passed=4)
    (line,) = [line for line in result.outlines if "AIRFLOW_HOME_USED" in line]
    home = Path(line.split("AIRFLOW_HOME_USED ", 1)[1].strip())
    assert home.parent == temp and not home.exists(), "the temporary home outlives the session"
    assert not (pytester.path / "airflow").exists()


ENV_CHECK = """
    import os


    def test_environment():
        print("HOME_SEEN", os.environ.get("AIRFLOW_HOME"))
        print("DB_SEEN", os.environ.get("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"))
        print("DAGS_SEEN", os.environ.get("AIRFLOW__CORE__DAGS_FOLDER"))
"""


def _seen(result: pytest.RunResult) -> dict[str, str]:
    return dict(re.findall(r"\b(HOME|DB|DAGS)_SEEN (\S+)", result.stdout.str()))


def test_a_users_own_airflow_home_is_left_alone(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_airflow_env(monkeypatch)
    mine = pytester.mkdir("my-airflow-home")
    monkeypatch.setenv("AIRFLOW_HOME", str(mine))
    write(pytester.path, {"test_env.py": ENV_CHECK})

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")

    result.assert_outcomes(passed=1)
    assert _seen(result) == {"HOME": str(mine), "DB": "None", "DAGS": "None"}


def test_isolation_can_be_turned_off_in_the_ini(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_airflow_env(monkeypatch)
    write(
        pytester.path,
        {"pytest.ini": "[pytest]\ntwilio2008_isolate_airflow = false\n", "test_env.py": ENV_CHECK},
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")

    result.assert_outcomes(passed=1)
    assert _seen(result) == {"HOME": "None", "DB": "None", "DAGS": "None"}


def test_a_pytest_run_inside_an_isolated_session_gets_its_own_home(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    """pytest-xdist workers and pytester subprocesses inherit the variables; they must not share the DB."""
    clean_airflow_env(monkeypatch)
    parent = pytester.mkdir("parent-home")
    monkeypatch.setenv("AIRFLOW_HOME", str(parent))
    monkeypatch.setenv(MARKER_ENV, str(parent))
    monkeypatch.setenv("AIRFLOW__DATABASE__SQL_ALCHEMY_CONN", f"sqlite:///{parent}/airflow.db")
    monkeypatch.setenv("AIRFLOW__CORE__DAGS_FOLDER", f"{parent}/dags")
    write(pytester.path, {"test_env.py": ENV_CHECK})

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-s")

    result.assert_outcomes(passed=1)
    seen = _seen(result)
    home = seen["HOME"]
    assert home != str(parent) and Path(home).name.startswith("twilio2008-pytest-airflow-")
    assert seen["DB"] == f"sqlite:///{home}/airflow.db" and seen["DAGS"] == f"{home}/dags"


def test_airflow_imported_before_the_plugin_fails_with_what_to_set(
    pytester: pytest.Pytester, monkeypatch: pytest.MonkeyPatch
) -> None:
    clean_airflow_env(monkeypatch)
    write(
        pytester.path,
        {
            "early_airflow.py": "import airflow\n",
            "test_uses_airflow.py": """
                def test_it(twilio2008_airflow):
                    pass
            """,
        },
    )

    result = pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "early_airflow")

    result.assert_outcomes(errors=1)
    output = result.stdout.str()
    assert "Airflow was imported before the twilio2008 pytest plugin could give it a temporary home" in output
    assert "Set AIRFLOW_HOME, AIRFLOW__DATABASE__SQL_ALCHEMY_CONN" in output
    assert not (pytester.path / "airflow" / "airflow.db").exists(), "the fixture migrated the default home"


@dag(schedule=None)
def twilio2008_fixture_in_process():
    """A DAG defined in this test file: the fixture writes it to the database for dag.test()."""

    @task
    def answer() -> int:
        return 42

    answer()


in_process_dag = twilio2008_fixture_in_process()


def test_the_fixture_uses_a_users_own_airflow_home(twilio2008_airflow: AirflowHandle) -> None:
    """This suite's conftest sets AIRFLOW_HOME before Airflow is imported, as a user may."""
    assert not twilio2008_airflow.isolated
    assert twilio2008_airflow.home == Path(os.environ["AIRFLOW_HOME"])
    run: Any = in_process_dag.test()
    assert run.state == "success"
