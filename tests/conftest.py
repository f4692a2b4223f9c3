"""Test set-up shared by every test: an isolated Airflow home, set before Airflow is imported."""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
_HOME = Path(tempfile.mkdtemp(prefix="twilio2008-airflow-home-"))

os.environ["AIRFLOW_HOME"] = str(_HOME)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(REPO / "dags_examples")
# Two bundles: the example DAGs users copy, and the DAGs the tests run (dag.test() needs a DAG
# to come from a bundle; it walks every configured bundle to find it).
os.environ["AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST"] = json.dumps(
    [
        {
            "name": name,
            "classpath": "airflow.dag_processing.bundles.local.LocalDagBundle",
            "kwargs": {"path": str(path)},
        }
        for name, path in (("dags-folder", REPO / "dags_examples"), ("test-dags", REPO / "tests" / "dags"))
    ]
)
os.environ["AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"] = f"sqlite:///{_HOME / 'airflow.db'}"
os.environ.setdefault("AIRFLOW__CORE__UNIT_TEST_MODE", "False")
for _name in list(os.environ):
    if _name.startswith("AIRFLOW_CONN_"):
        del os.environ[_name]


@pytest.fixture(scope="session")
def httpserver_listen_address() -> tuple[str, int]:
    """Make pytest-httpserver's one shared server listen on 127.0.0.1 for every test directory."""
    return ("127.0.0.1", 0)


@pytest.fixture(scope="session")
def airflow_db() -> None:
    """Create a fresh metadata database once for the session (dag.test() needs one)."""
    from airflow.utils import db

    db.resetdb()
