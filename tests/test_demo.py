"""The demo runs wherever the package is installed, and the package carries what it needs.

The demo is the README's first command; these run it as an installed user would (the
``twilio2008-demo`` console script, from a directory that is not a checkout) and check that a
built wheel ships the example DAGs the demo runs.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

from airflow_provider_twilio2008 import demo

ROOT = Path(__file__).resolve().parents[1]


def test_the_installed_demo_command_runs_the_survey_dag_from_any_directory(tmp_path: Path) -> None:
    command = Path(sys.executable).parent / "twilio2008-demo"
    env = {key: value for key, value in os.environ.items() if not key.startswith("AIRFLOW")}
    done = subprocess.run(
        [str(command)], cwd=tmp_path, env=env, capture_output=True, text=True, timeout=180, check=False
    )
    out = done.stdout + done.stderr
    assert done.returncode == 0, out[-3000:]
    assert "== Demo finished: the DAG run is success" in out
    for task in ("place_call", "wait_for_call", "wait_for_answer", "text_summary", "download_answer"):
        assert f"task {task:<16} success" in out
    assert ": completed, " in out and "saved to " in out and ".wav" in out
    assert "Auth Token: <not shown>" in out


def test_the_example_dags_of_a_checkout_are_the_packages_own() -> None:
    assert (ROOT / "dags_examples").resolve() == demo.EXAMPLE_DAGS
    assert sorted(path.name for path in demo.EXAMPLE_DAGS.glob("example_*.py")) == [
        "example_twilio2008_deferrable.py",
        "example_twilio2008_oncall_escalation.py",
        "example_twilio2008_sms_fanout.py",
        "example_twilio2008_survey_call.py",
    ]


def test_a_built_wheel_ships_the_example_dags_and_the_demo_command(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = tmp_path.glob("airflow_provider_twilio2008-*.whl")
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        (entry_points,) = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        scripts = archive.read(entry_points).decode()
    shipped = {name.rsplit("/", 1)[1] for name in names if "/example_dags/" in name}
    assert shipped == {path.name for path in demo.EXAMPLE_DAGS.glob("*.py")}
    assert "airflow_provider_twilio2008/demo.py" in names
    assert "twilio2008-demo = airflow_provider_twilio2008.demo:main" in scripts
