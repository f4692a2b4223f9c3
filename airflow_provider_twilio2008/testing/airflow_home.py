"""An isolated Airflow home for tests: what the ``twilio2008_airflow`` fixture stands on.

Airflow reads its configuration once, when ``airflow`` is first imported: the metadata
database URL (``[database] sql_alchemy_conn``) and the DAGs folder cannot change afterwards.
So :func:`prepare` runs from the pytest plugin's earliest hook, before any conftest or test
module can import Airflow, and only sets environment variables:

- if ``AIRFLOW_HOME`` is unset (and the ini option ``twilio2008_isolate_airflow`` is not
  false), it creates a temporary directory and sets ``AIRFLOW_HOME`` to it, and, unless already
  set, ``AIRFLOW__DATABASE__SQL_ALCHEMY_CONN`` (a SQLite file in it),
  ``AIRFLOW__CORE__LOAD_EXAMPLES=False`` and ``AIRFLOW__CORE__DAGS_FOLDER``;
- if ``AIRFLOW_HOME`` is set, it is the user's choice and stays as it is (only an explicit
  ``twilio2008_dags_folder`` ini option still sets ``AIRFLOW__CORE__DAGS_FOLDER``, if unset).

:func:`open_airflow` runs when a test first asks for the fixture: it imports Airflow, checks
that Airflow really uses that configuration, migrates the metadata database (``airflow db
migrate``) and returns an :class:`AirflowHandle`. This module imports nothing but the
standard library at import time; Airflow is imported inside the functions.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import Any

__all__ = ["AirflowHandle", "AirflowSetupError", "Preparation", "open_airflow", "prepare"]

HOME_ENV = "AIRFLOW_HOME"
DB_ENV = "AIRFLOW__DATABASE__SQL_ALCHEMY_CONN"
DAGS_ENV = "AIRFLOW__CORE__DAGS_FOLDER"
EXAMPLES_ENV = "AIRFLOW__CORE__LOAD_EXAMPLES"
#: Set next to ``AIRFLOW_HOME`` when the plugin created that home, so that a pytest run started
#: from inside such a session (pytest-xdist workers, ``pytester`` subprocesses) makes its own.
MARKER_ENV = "TWILIO2008_PYTEST_AIRFLOW_HOME"

_WHAT_TO_SET = (
    "Set AIRFLOW_HOME, AIRFLOW__DATABASE__SQL_ALCHEMY_CONN (e.g. sqlite:////tmp/airflow-tests/airflow.db) "
    "and AIRFLOW__CORE__DAGS_FOLDER in the environment before pytest starts, or let the twilio2008 "
    "plugin make a temporary home: leave AIRFLOW_HOME unset and make sure nothing imports airflow "
    "before the plugin's pytest_load_initial_conftests hook (a `-p` plugin, PYTEST_PLUGINS, "
    "another plugin's import-time code)."
)


class AirflowSetupError(Exception):
    """Airflow is not configured in a way the fixture can use; the message says what to set."""


@dataclass
class Preparation:
    """What :func:`prepare` did before Airflow was imported.

    :param home: the temporary Airflow home it created, or ``None``.
    :param db_url: the metadata database URL it set, or ``None``.
    :param dags_folder: the DAGs folder asked for by the ``twilio2008_dags_folder`` ini option.
    :param airflow_imported_first: Airflow was already imported when the plugin ran.
    :param previous_env: every variable it changed, with its previous value (``None``: unset).
    """

    home: Path | None = None
    db_url: str | None = None
    dags_folder: Path | None = None
    airflow_imported_first: bool = False
    previous_env: dict[str, str | None] = field(default_factory=dict)

    def set_env(self, name: str, value: str) -> None:
        """Set ``os.environ[name]``, remembering the previous value for :meth:`undo`.

        :param name: the variable.
        :param value: its new value.
        """
        self.previous_env.setdefault(name, os.environ.get(name))
        os.environ[name] = value

    def undo(self) -> None:
        """Restore the environment and delete the temporary home (at the end of the session)."""
        for name, value in self.previous_env.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        self.previous_env.clear()
        if self.home is not None:
            shutil.rmtree(self.home, ignore_errors=True)


def prepare(*, dags_folder: Path | None, isolate: bool, default_dags_folder: Path | None) -> Preparation:
    """Point Airflow at an isolated home through environment variables, if it is not imported yet.

    :param dags_folder: the DAGs folder the user asked for (ini ``twilio2008_dags_folder``), if any.
    :param isolate: whether to create a temporary home when ``AIRFLOW_HOME`` is unset.
    :param default_dags_folder: the DAGs folder of an isolated home when none was asked for
        (``<rootdir>/dags`` when it exists); ``None`` means an empty ``dags`` in the home.
    """
    done = Preparation(dags_folder=dags_folder)
    if "airflow" in sys.modules:
        done.airflow_imported_first = True
        return done
    inherited = os.environ.get(MARKER_ENV)
    if inherited and os.environ.get(HOME_ENV) == inherited:
        # A pytest run inside a session that made its own home: make another, never share it.
        parent_db = _sqlite_url(Path(inherited))
        parent_dags = str(Path(inherited) / "dags")
        for name, value in ((HOME_ENV, inherited), (DB_ENV, parent_db), (DAGS_ENV, parent_dags)):
            if os.environ.get(name) == value:
                done.previous_env.setdefault(name, value)
                del os.environ[name]
    if HOME_ENV not in os.environ and isolate:
        home = Path(tempfile.mkdtemp(prefix="twilio2008-pytest-airflow-"))
        done.home = home
        done.set_env(HOME_ENV, str(home))
        done.set_env(MARKER_ENV, str(home))
        if DB_ENV not in os.environ:
            done.db_url = _sqlite_url(home)
            done.set_env(DB_ENV, done.db_url)
        if EXAMPLES_ENV not in os.environ:
            done.set_env(EXAMPLES_ENV, "False")
        if DAGS_ENV not in os.environ:
            folder = dags_folder or default_dags_folder
            if folder is None:
                folder = home / "dags"
                folder.mkdir()
            done.set_env(DAGS_ENV, str(folder))
    elif dags_folder is not None and DAGS_ENV not in os.environ:
        done.set_env(DAGS_ENV, str(dags_folder))
    return done


def _sqlite_url(home: Path) -> str:
    return f"sqlite:///{home / 'airflow.db'}"


def open_airflow(done: Preparation | None) -> AirflowHandle:
    """Import Airflow, check it uses a configuration the tests may write to, and migrate its DB.

    :param done: what :func:`prepare` did (``None`` if it never ran).
    :raises AirflowSetupError: Airflow uses its default home (nobody chose it), another home
        than ``AIRFLOW_HOME`` says, or another DAGs folder than the ini option asks for.
    """
    done = done or Preparation()
    from airflow import configuration, settings

    home = Path(configuration.AIRFLOW_HOME)
    db_url = settings.SQL_ALCHEMY_CONN or ""
    dags_folder = Path(settings.DAGS_FOLDER)
    env_home = os.environ.get(HOME_ENV)
    isolated = done.home is not None and home.resolve() == done.home.resolve() and db_url == done.db_url
    if not isolated:
        if not env_home:
            why = (
                "Airflow was imported before the twilio2008 pytest plugin could give it a temporary home"
                if done.airflow_imported_first
                else "AIRFLOW_HOME is not set and the ini option twilio2008_isolate_airflow is false"
            )
            raise AirflowSetupError(
                f"twilio2008_airflow: {why}, so Airflow uses its default home {home} and database "
                f"{_redact(db_url)}; the fixture does not migrate or run DAGs in a database nobody chose "
                f"for tests. {_WHAT_TO_SET}"
            )
        if Path(env_home).expanduser().resolve() != home.expanduser().resolve():
            raise AirflowSetupError(
                f"twilio2008_airflow: AIRFLOW_HOME is {env_home} but Airflow was imported earlier with "
                f"the home {home}, and Airflow reads its configuration only once. {_WHAT_TO_SET}"
            )
    if done.dags_folder is not None and dags_folder.resolve() != done.dags_folder.resolve():
        reason = (
            f"{DAGS_ENV} is set to {os.environ[DAGS_ENV]}"
            if os.environ.get(DAGS_ENV) and os.environ[DAGS_ENV] != str(done.dags_folder)
            else "Airflow was imported before the plugin could set it"
        )
        raise AirflowSetupError(
            f"twilio2008_airflow: the ini option twilio2008_dags_folder asks for {done.dags_folder}, "
            f"but Airflow uses {dags_folder} ({reason}). Unset one of the two, or set {DAGS_ENV} "
            "before pytest starts."
        )
    from airflow.utils import db

    db.initdb()
    return AirflowHandle(home=home, dags_folder=dags_folder, sql_alchemy_conn=db_url, isolated=isolated)


def _redact(url: str) -> str:
    """Return a database URL without its password."""
    scheme, sep, rest = url.partition("://")
    credentials, at, host = rest.rpartition("@")
    if not sep or not at or ":" not in credentials:
        return url
    return f"{scheme}://{credentials.split(':', 1)[0]}:***@{host}"


class AirflowHandle:
    """The Airflow a test runs DAGs in.

    Attributes: ``home`` (``AIRFLOW_HOME``), ``dags_folder``, ``sql_alchemy_conn`` (the metadata
    database URL) and ``isolated`` (``True`` when the plugin made this home for the session and
    deletes it afterwards; ``False`` when it is the user's ``AIRFLOW_HOME``).

    :param home: the Airflow home.
    :param dags_folder: ``[core] dags_folder``.
    :param sql_alchemy_conn: ``[database] sql_alchemy_conn``.
    :param isolated: whether the plugin created this home.
    """

    def __init__(self, *, home: Path, dags_folder: Path, sql_alchemy_conn: str, isolated: bool) -> None:
        self.home = home
        self.dags_folder = dags_folder
        self.sql_alchemy_conn = sql_alchemy_conn
        self.isolated = isolated

    def __repr__(self) -> str:
        return (
            f"AirflowHandle(home={str(self.home)!r}, dags_folder={str(self.dags_folder)!r}, "
            f"isolated={self.isolated})"
        )

    def sync_dag(self, *dags: Any) -> None:
        """Write DAGs to the metadata database, as the DAG processor would, so ``dag.test()`` runs them.

        ``dag.test()`` parses the DAGs folder itself, so a DAG defined there needs no call; one
        defined anywhere else (a test file, a fixture, a test function) does.

        :param dags: ``airflow.sdk.DAG`` objects.
        """
        if not dags:
            return
        from airflow.dag_processing.bundles.manager import DagBundlesManager
        from airflow.dag_processing.dagbag import DagBag, sync_bag_to_db

        manager = DagBundlesManager()
        manager.sync_bundles_to_db()
        names = list(manager.get_all_bundle_names())
        bundle = "dags-folder" if "dags-folder" in names or not names else names[0]
        bag = DagBag(collect_dags=False)
        for dag in dags:
            bag.bag_dag(dag)
        sync_bag_to_db(bag, bundle, None)

    def run_dag(self, dag: Any, **test_kwargs: Any) -> Any:
        """Write ``dag`` to the metadata database and run it with ``dag.test()``; return the DagRun.

        :param dag: an ``airflow.sdk.DAG``.
        :param test_kwargs: passed to ``dag.test()`` (``run_conf``, ``logical_date``...).
        """
        self.sync_dag(dag)
        return dag.test(**test_kwargs)

    def sync_module_dags(self, module: ModuleType) -> list[Any]:
        """Write the DAGs defined at the top level of ``module`` (a test file) to the metadata database.

        Only DAGs whose file is the module's own file count: a DAG imported from the DAGs folder
        is left to ``dag.test()``, which parses that folder. Return the DAGs written.

        :param module: the test module.
        """
        from airflow.sdk import DAG

        path = getattr(module, "__file__", None)
        if not path:
            return []
        own = _same_file_filter(Path(path))
        dags = [
            value for value in list(vars(module).values()) if isinstance(value, DAG) and own(value.fileloc)
        ]
        self.sync_dag(*_unique(dags))
        return dags


def _same_file_filter(path: Path) -> Callable[[str | None], bool]:
    target = path.resolve()

    def own(fileloc: str | None) -> bool:
        return fileloc is not None and fileloc != "" and Path(fileloc).resolve() == target

    return own


def _unique(dags: Iterable[Any]) -> list[Any]:
    seen: dict[str, Any] = {}
    for dag in dags:
        seen.setdefault(dag.dag_id, dag)
    return list(seen.values())
