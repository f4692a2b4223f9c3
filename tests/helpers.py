"""Helpers shared by the tests that run DAGs in real Airflow."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

__all__ = ["DagResult", "run_dag", "run_dag_source"]


@dataclass
class DagResult:
    """What a ``dag.test()`` run left: its state, and each task's state, tries and XCom."""

    run: Any

    @property
    def state(self) -> str:
        """Return the run's final state."""
        return str(self.run.state)

    @property
    def states(self) -> dict[str, str]:
        """Return each task's final state."""
        return {ti.task_id: str(ti.state) for ti in self.run.get_task_instances()}

    def _ti(self, task_id: str) -> Any:
        (ti,) = [ti for ti in self.run.get_task_instances() if ti.task_id == task_id]
        return ti

    def tries(self, task_id: str) -> int:
        """Return how many tries the task took.

        :param task_id: the task.
        """
        return int(self._ti(task_id).try_number)

    def xcom(self, task_id: str, key: str = "return_value") -> Any:
        """Return what the task pushed to XCom.

        :param task_id: the task.
        :param key: the XCom key.
        """
        return self._ti(task_id).xcom_pull(task_ids=task_id, key=key)


def run_dag(dag_id: str, **conf: Any) -> DagResult:
    """Run the DAG ``dag_id`` (from the example or test bundles) with ``dag.test()``.

    :param dag_id: the DAG.
    :param conf: the run's conf (overrides the DAG's params).
    """
    from airflow.dag_processing.dagbag import DagBag

    for folder in _folders():
        bag = DagBag(dag_folder=str(folder))
        if dag_id in bag.dags:
            return DagResult(bag.dags[dag_id].test(run_conf=conf or None))
    raise LookupError(f"no DAG {dag_id!r} in the example or test DAG folders")


def _folders() -> list[Any]:
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    return [root / "tests" / "dags", root / "dags_examples"]


LOCAL_BUNDLE = "airflow.dag_processing.bundles.local.LocalDagBundle"


def run_dag_source(
    source: str, dag_id: str, folder: Any, monkeypatch: Any, run_conf: dict[str, Any] | None = None
) -> Any:
    """Write ``source`` as the only DAG file of a new bundle folder and run ``dag_id`` with dag.test().

    dag.test() runs only DAGs that a configured bundle holds, so the folder joins the bundles
    (first: dag.test() parses bundles in order until it finds the DAG).

    :param source: the DAG file's text.
    :param dag_id: the DAG to run.
    :param folder: a new folder (``tmp_path / "dags"``) for the bundle.
    :param monkeypatch: the test's monkeypatch (the bundle list is restored after the test).
    :param run_conf: the run's conf.
    """
    import json

    from airflow.configuration import conf
    from airflow.dag_processing.dagbag import DagBag

    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{dag_id}.py").write_text(source)
    bundles = [{"name": dag_id, "classpath": LOCAL_BUNDLE, "kwargs": {"path": str(folder)}}]
    bundles += [b for b in conf.getjson("dag_processor", "dag_bundle_config_list") if b["name"] != dag_id]
    monkeypatch.setenv("AIRFLOW__DAG_PROCESSOR__DAG_BUNDLE_CONFIG_LIST", json.dumps(bundles))
    bag = DagBag(dag_folder=str(folder))
    assert bag.import_errors == {}
    return bag.dags[dag_id].test(run_conf=run_conf)


def text_in(emulator: Any, **text: str) -> dict[str, Any]:
    """Text the emulator's account as someone outside would (``POST /_emulator/inbound/sms``).

    :param emulator: the ``twilio2008_emulator`` handle.
    :param text: ``From``, ``Body`` and optionally ``To`` (default: the account's seed number).
    :returns: the stored message (``sid``, ``from_``, ``to``, ``body``, ``flags``, ...).
    """
    return emulator.control("POST", "inbound/sms", {"To": "5005550006", **text})


def secret_forms(account_sid: str, auth_token: str) -> dict[str, str]:
    """Return, by name, every form of an account's credentials that must never be written anywhere.

    The Auth Token, the ``sid:token`` pair and the Basic credentials (base64 of the pair, padding
    dropped so that it is found inside longer base64 text too; the URL-safe alphabet as well
    when it differs).

    :param account_sid: the Account SID.
    :param auth_token: its Auth Token.
    """
    import base64

    pair = f"{account_sid}:{auth_token}".encode()
    forms = {
        "Auth Token": auth_token,
        "sid:token": pair.decode(),
        "Basic credentials": base64.b64encode(pair).decode().rstrip("="),
    }
    url_safe = base64.urlsafe_b64encode(pair).decode().rstrip("=")
    if url_safe != forms["Basic credentials"]:
        forms["Basic credentials (URL-safe)"] = url_safe
    return forms


def credential_leaks(sources: dict[str, str], forms: dict[str, str]) -> list[tuple[str, str]]:
    """Return ``(source, form)`` for each collected text holding a form of the credentials.

    The Auth Token (hex digits) is also looked for in any letter case.

    :param sources: collected text, by where it came from.
    :param forms: :func:`secret_forms`.
    """
    found = []
    for source, text in sources.items():
        for name, secret in forms.items():
            if secret in text or (name == "Auth Token" and secret.lower() in text.lower()):
                found.append((source, name))
    return found
