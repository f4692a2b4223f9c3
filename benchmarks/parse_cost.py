"""DAG-parse cost: what importing our operators, sensors and notifiers adds to ``import airflow.sdk``.

A DAG file that uses the provider imports ``airflow.sdk`` and then our modules, in every
parse by the DAG processor, so their import time is paid again and again. Each sample is a
fresh interpreter (no module cache); the time is measured inside the child with
``time.perf_counter`` around the imports, so process start-up is not counted. The baseline
(``import airflow.sdk`` alone) runs interleaved with ours in the same run, and the table shows
the medians, their difference and their ratio. The budget (issue point 8) is 30 ms added.

The "ours" children also time our imports on their own, after ``airflow.sdk`` is loaded; that
in-child increment is the steadier estimate of the added cost, because it does not subtract
two noisy ~1 s numbers.

Run alone with ``python -m benchmarks.parse_cost``.
"""

from __future__ import annotations

import json
import os
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

#: The modules a DAG file imports to use the provider's operators, sensors and notifiers.
MODULES: tuple[str, ...] = (
    "airflow_provider_twilio2008.operators.calls",
    "airflow_provider_twilio2008.operators.sms",
    "airflow_provider_twilio2008.operators.recordings",
    "airflow_provider_twilio2008.sensors.calls",
    "airflow_provider_twilio2008.sensors.sms",
    "airflow_provider_twilio2008.notifications.sms",
)
ROUNDS = 15
DAGBAG_ROUNDS = 5
BUDGET_MS = 30.0
REPO = Path(__file__).resolve().parent.parent
DAGS = REPO / "dags_examples"

# Child programs print one JSON line. Import failures are reported, not raised, so a missing
# module shows up in the table instead of aborting the whole benchmark run.
_IMPORTS = """
import importlib, json, sys, time
started = time.perf_counter()
import airflow.sdk
sdk_done = time.perf_counter()
failed = {}
for name in MODULES:
    try:
        importlib.import_module(name)
    except Exception as error:
        failed[name] = f"{type(error).__name__}: {error}"
ended = time.perf_counter()
print(json.dumps({"total": ended - started, "ours": ended - sdk_done, "failed": failed}))
"""

_DAGBAG = """
import json, time
import airflow.sdk
from airflow.dag_processing.dagbag import DagBag
started = time.perf_counter()
bag = DagBag(dag_folder=FOLDER)
ended = time.perf_counter()
print(json.dumps({"total": ended - started, "dags": len(bag.dags), "errors": sorted(bag.import_errors)}))
"""

# The baseline DAG file for the DagBag row: the same kind of DAG as our examples (a @dag with
# one task), built from airflow.sdk alone.
_STUB_DAG = """
import pendulum
from airflow.sdk import BaseOperator, dag


class Noop(BaseOperator):
    def execute(self, context):
        return None


@dag(dag_id="stub_{n}", schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC"), catchup=False)
def stub():
    Noop(task_id="noop")


stub()
"""


def child_env(home: str) -> dict[str, str]:
    """Return the environment for a child interpreter: an isolated Airflow home, no examples.

    :param home: the directory to use as ``AIRFLOW_HOME``.
    """
    env = {name: value for name, value in os.environ.items() if not name.startswith("AIRFLOW_CONN_")}
    env.update(
        AIRFLOW_HOME=home,
        AIRFLOW__CORE__LOAD_EXAMPLES="False",
        AIRFLOW__CORE__UNIT_TEST_MODE="False",
        AIRFLOW__DATABASE__SQL_ALCHEMY_CONN=f"sqlite:///{Path(home) / 'airflow.db'}",
    )
    return env


def run_child(code: str, env: dict[str, str]) -> dict[str, Any]:
    """Run ``code`` in a fresh interpreter and return the JSON object it printed last.

    :param code: the program, which prints one JSON line.
    :param env: the child's environment.
    """
    done = subprocess.run(
        [sys.executable, "-c", code], env=env, cwd=REPO, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise RuntimeError(f"benchmark child failed ({done.returncode}):\n{done.stderr[-4000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


@dataclass
class Samples:
    """Seconds per fresh interpreter, for the baseline and for ours, run interleaved.

    :param baseline: the baseline's time in each child.
    :param total: our time (baseline work plus ours) in each child.
    :param ours: our imports alone, timed after ``airflow.sdk`` in the same child (imports only).
    :param failed: module name to import error, as the last child saw it (imports only).
    :param errors: DAG files that failed to load, as the last child saw it (DagBag only).
    """

    baseline: list[float] = field(default_factory=list)
    total: list[float] = field(default_factory=list)
    ours: list[float] = field(default_factory=list)
    failed: dict[str, str] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)


def import_samples(modules: tuple[str, ...], rounds: int, env: dict[str, str]) -> Samples:
    """Time ``import airflow.sdk`` alone and followed by ``modules``, interleaved, in fresh interpreters.

    :param modules: our modules to import after ``airflow.sdk``.
    :param rounds: how many children of each kind to run.
    :param env: the children's environment.
    """
    baseline_code = _IMPORTS.replace("MODULES", "()")
    ours_code = _IMPORTS.replace("MODULES", repr(modules))
    run_child(ours_code, env)  # warm-up: byte-code caches, airflow.cfg in the fresh home
    samples = Samples()
    for _ in range(rounds):
        samples.baseline.append(run_child(baseline_code, env)["total"])
        child = run_child(ours_code, env)
        samples.total.append(child["total"])
        samples.ours.append(child["ours"])
        samples.failed = child["failed"]
    return samples


def dagbag_samples(rounds: int, env: dict[str, str], stubs: Path) -> Samples:
    """Time ``DagBag`` filling from ``dags_examples/`` against as many sdk-only stub DAG files.

    :param rounds: how many children of each kind to run.
    :param env: the children's environment.
    :param stubs: an empty directory to write the stub DAG files into.
    """
    for n in range(len(list(DAGS.glob("*.py")))):
        (stubs / f"stub_{n}.py").write_text(_STUB_DAG.replace("{n}", str(n)))
    baseline_code = _DAGBAG.replace("FOLDER", repr(str(stubs)))
    ours_code = _DAGBAG.replace("FOLDER", repr(str(DAGS)))
    run_child(ours_code, env)
    samples = Samples()
    for _ in range(rounds):
        samples.baseline.append(run_child(baseline_code, env)["total"])
        child = run_child(ours_code, env)
        samples.total.append(child["total"])
        samples.errors = child["errors"]
    return samples


def _row(label: str, ms: float, base_ms: float) -> str:
    return f"{label:<56}{ms:>9.1f}{ms - base_ms:>10.1f}{ms / base_ms:>8.3f}"


def main(rounds: int = ROUNDS, dagbag_rounds: int = DAGBAG_ROUNDS) -> None:
    """Print the DAG-parse cost table.

    :param rounds: fresh interpreters per import measurement (each kind).
    :param dagbag_rounds: fresh interpreters per DagBag measurement (each kind); 0 skips that row.
    """
    with tempfile.TemporaryDirectory(prefix="twilio2008-bench-home-") as home:
        env = child_env(home)
        imports = import_samples(MODULES, rounds, env)
        dagbag = None
        if dagbag_rounds:
            with tempfile.TemporaryDirectory(prefix="twilio2008-bench-stubs-") as stubs:
                dagbag = dagbag_samples(dagbag_rounds, env, Path(stubs))
    base = statistics.median(imports.baseline) * 1000
    total = statistics.median(imports.total) * 1000
    alone = statistics.median(imports.ours) * 1000
    verdict = "within" if alone <= BUDGET_MS else "OVER"
    print()
    print(f"DAG-parse cost: import time in fresh interpreters, median of {rounds} each")
    print(f"{'imports':<56}{'ms':>9}{'added ms':>10}{'ratio':>8}")
    print(_row("baseline: import airflow.sdk", base, base))
    print(_row(f"ours: airflow.sdk + {len(MODULES)} provider modules", total, base))
    print(f"{'ours alone, timed after airflow.sdk in the same child':<56}{'':>9}{alone:>10.1f}")
    print(f"  in-child increment {verdict} the budget of +{BUDGET_MS:.0f} ms (the difference of medians")
    print("  above also carries the run-to-run noise of importing airflow.sdk itself)")
    for name, error in sorted(imports.failed.items()):
        print(f"  not measured, import failed: {name}: {error}")
    if dagbag is not None:
        files = len(list(DAGS.glob("*.py")))
        stub = statistics.median(dagbag.baseline) * 1000
        print(f"DagBag fill after airflow.sdk is loaded, median of {dagbag_rounds} each")
        print(_row(f"baseline: {files} sdk-only stub DAG files", stub, stub))
        print(_row(f"ours: dags_examples/ ({files} files)", statistics.median(dagbag.total) * 1000, stub))
        for path in dagbag.errors:
            print(f"  import error in {path}")


if __name__ == "__main__":
    main()
