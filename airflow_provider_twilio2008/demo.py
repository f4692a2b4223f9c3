"""The demo: start the emulator, run the survey example DAG in real Airflow, print what happened.

Run it as ``twilio2008-demo`` (or ``python -m airflow_provider_twilio2008.demo``) wherever the
package is installed, or as ``./dev demo`` in a source checkout. Everything happens on
loopback in a throw-away Airflow home; nothing is left behind but the recording, saved in the
temporary directory. The DAG is the package's own copy of ``dags_examples/`` (``example_dags``).
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
import warnings
from pathlib import Path

from airflow_provider_twilio2008.emulator.banner import CONN_ENV, CONN_LINE
from airflow_provider_twilio2008.testing.process import start_emulator_process

#: The example DAGs, shipped in the package (``dags_examples/`` of a checkout is this folder).
EXAMPLE_DAGS = Path(__file__).resolve().parent / "example_dags"
DAG_ID = "twilio2008_survey_call"


def configure_airflow(home: Path, conn_uri: str) -> None:
    """Point Airflow at a fresh home, the example DAGs and the emulator connection.

    :param home: the throw-away ``AIRFLOW_HOME``.
    :param conn_uri: the emulator's connection URI.
    """
    os.environ.update(
        {
            "AIRFLOW_HOME": str(home),
            "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
            "AIRFLOW__CORE__DAGS_FOLDER": str(EXAMPLE_DAGS),
            "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN": f"sqlite:///{home / 'airflow.db'}",
            "AIRFLOW__LOGGING__LOGGING_LEVEL": "WARNING",
            CONN_ENV: conn_uri,
        }
    )


def run_dag(recordings: Path) -> str:
    """Run the example DAG with ``dag.test()``, print each task and what it returned; return the state.

    :param recordings: where the DAG saves the recorded answer.
    """
    from airflow.dag_processing.dagbag import DagBag
    from airflow.utils import db

    db.resetdb()
    bag = DagBag(dag_folder=str(EXAMPLE_DAGS))
    if bag.import_errors:
        raise SystemExit(f"DAG import errors: {bag.import_errors}")
    dag = bag.dags[DAG_ID]
    run = dag.test(run_conf={"recordings_dir": str(recordings)})
    print(f"\n== DAG run {run.run_id}: {run.state}")
    results = {}
    for ti in sorted(run.get_task_instances(), key=lambda ti: ti.start_date or ti.end_date):
        print(f"   task {ti.task_id:<16} {ti.state}")
        results[ti.task_id] = ti.xcom_pull(task_ids=ti.task_id)
    call = results.get("wait_for_call") or results.get("place_call") or {}
    answer = results.get("wait_for_answer") or {}
    sms = results.get("text_summary") or {}
    print("\n== What the tasks returned (XCom)")
    print(
        f"   call        {call.get('sid')} to {call.get('to')}: "
        f"{call.get('status_name')}, {call.get('duration')}s"
    )
    print(
        f"   recording   {answer.get('sid')}: {answer.get('duration')}s, "
        f"saved to {results.get('download_answer')}"
    )
    print(f"   transcript  {answer.get('transcription_status')}: {answer.get('transcription_text')!r}")
    print(f"   sms         {sms.get('sid')} to {sms.get('to')}: {sms.get('body')!r}")
    return str(run.state)


def report() -> None:
    """Print what the emulator saw, read back through the hook."""
    from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

    hook = Twilio2008Hook()
    print("\n== What happened on the (emulated) phone network")
    for call in hook.list_calls():
        print(
            f"   call {call.sid} to {call.called}: {call.status.label}, {call.duration}s, price {call.price}"
        )
    for sms in hook.list_sms():
        deadline = time.monotonic() + 10
        while not sms.status.is_terminal and time.monotonic() < deadline:
            time.sleep(0.1)
            sms = hook.get_sms(sms.sid)
        print(f"   sms {sms.sid} to {sms.to}: {sms.status.value}")


def main() -> int:
    """Run the whole demo and return the exit code."""
    # Airflow's dag.test() imports starlette's test client, which warns about its own httpx use.
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    print("== Starting the Twilio 2008-08-01 emulator")
    try:
        emulator, conn_uri = start_emulator_process(
            time_scale=20, echo=lambda line: print(f"emulator: {line}")
        )
    except RuntimeError as exc:
        raise SystemExit(str(exc)) from None
    print(f"emulator: {CONN_LINE}<printed by the emulator; token not shown here>")
    try:
        with tempfile.TemporaryDirectory(prefix="twilio2008-demo-") as home:
            configure_airflow(Path(home), conn_uri)
            print(f"== Running DAG {DAG_ID} with dag.test() in real Airflow (home {home})")
            recordings = Path(tempfile.gettempdir()) / "twilio2008-demo-recordings"
            recordings.mkdir(exist_ok=True)
            state = run_dag(recordings)
            report()
    finally:
        emulator.terminate()
        emulator.wait(timeout=10)
    print(f"\n== Demo finished: the DAG run is {state}")
    return 0 if state == "success" else 1


if __name__ == "__main__":
    sys.exit(main())
