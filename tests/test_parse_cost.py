"""DAG-parse cost (issue point 8): the modules a DAG file imports stay light.

Every DAG file that uses the provider imports ``airflow.sdk`` and then our operator, sensor
and notifier modules, in every parse. Those imports must not load ``lxml``, ``httpx`` or
``requests`` (or any submodule of them): the parsers and transports are imported inside
``execute``/``poke``/``run`` instead.

``airflow.sdk`` itself already imports ``httpx`` (its API client), so the assertion is about
what OUR imports add: the heavy modules in ``sys.modules`` after our imports, minus those
already there after ``import airflow.sdk``. The check runs in a fresh interpreter, because this
test process has long since imported everything. Nothing is timed here; ``./dev bench``
measures the import time (``benchmarks/parse_cost.py``).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

#: The modules a DAG file imports to use the provider's operators, sensors and notifiers.
MODULES: tuple[str, ...] = (
    "airflow_provider_twilio2008.operators.calls",
    "airflow_provider_twilio2008.operators.sms",
    "airflow_provider_twilio2008.operators.recordings",
    "airflow_provider_twilio2008.sensors.calls",
    "airflow_provider_twilio2008.sensors.sms",
    "airflow_provider_twilio2008.notifications.sms",
)
#: Top-level packages that must not be loaded by our imports (nor any submodule of them).
HEAVY: tuple[str, ...] = ("lxml", "httpx", "requests")

REPO = Path(__file__).resolve().parent.parent

# Imports airflow.sdk, then each of our modules in turn, and prints one JSON line: the heavy
# modules already loaded by airflow.sdk, those each of our modules added (attributed to the
# first of ours that pulled them in), and the modules that failed to import.
_PROBE = """
import importlib, json, sys

HEAVY = {heavy!r}
MODULES = {modules!r}


def heavy():
    return {{name for name in sys.modules if name.split(".")[0] in HEAVY}}


import airflow.sdk

before = heavy()
seen = set(before)
added = {{}}
failed = {{}}
for name in MODULES:
    try:
        importlib.import_module(name)
    except BaseException as error:
        failed[name] = f"{{type(error).__name__}}: {{error}}"
    now = heavy()
    added[name] = sorted(now - seen)
    seen |= now
print(json.dumps({{"before": sorted(before), "added": added, "failed": failed}}))
"""


@pytest.fixture(scope="module")
def probe(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    """Import ``airflow.sdk`` and then our modules in a fresh interpreter; return what it saw.

    :param tmp_path_factory: pytest's factory for the child's empty ``AIRFLOW_HOME``.
    """
    home = tmp_path_factory.mktemp("parse-cost-airflow-home")
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIRFLOW_CONN_")}
    env.update(
        AIRFLOW_HOME=str(home),
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{home / 'airflow.db'}",
    )
    code = _PROBE.format(heavy=HEAVY, modules=MODULES)
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, timeout=300
    )
    assert done.returncode == 0, done.stderr[-4000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("module", MODULES)
def test_module_imports(probe: dict[str, Any], module: str) -> None:
    """Each module a DAG file may import exists and imports cleanly after ``airflow.sdk``.

    :param probe: what the fresh interpreter saw.
    :param module: the module under test.
    """
    assert module not in probe["failed"], probe["failed"][module]


def test_our_imports_add_no_lxml_httpx_or_requests(probe: dict[str, Any]) -> None:
    """Our modules load none of ``lxml``, ``httpx``, ``requests`` beyond what ``airflow.sdk`` loaded.

    :param probe: what the fresh interpreter saw.
    """
    added = {module: names for module, names in probe["added"].items() if names}
    assert added == {}, f"heavy modules first loaded by (module: names): {added}"
