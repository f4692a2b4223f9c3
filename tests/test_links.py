"""``Twilio2008Link``: the URL a task pushes, read back by the link on the worker and by the API server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from airflow_provider_twilio2008.api.errors import Twilio2008ValidationError
from airflow_provider_twilio2008.links import LINK_NAME, LINK_XCOM_KEY, Twilio2008Link, link_for
from tests.helpers import run_dag_source

CALL_SID = "CA" + "0123456789abcdef" * 2
SMS_SID = "SM" + "fedcba9876543210" * 2
DAG_ID = "twilio2008_links"
LINK_DAG = f'''
import pendulum
from airflow.sdk import DAG, BaseOperator, task
from airflow.sdk.types import TaskInstanceKey

from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from airflow_provider_twilio2008.links import Twilio2008Link, push_link


class CreateAndLink(BaseOperator):
    """Place a call or text numbers on the connection's account, then push the link (as the
    provider's MakeCall and SendSMS operators do); ``base_url`` stands in for another host."""

    operator_extra_links = (Twilio2008Link(),)

    def __init__(self, *, what, to, base_url=None, fail=False, **kwargs):
        super().__init__(**kwargs)
        self.what, self.to, self.base_url, self.fail = what, to, base_url, fail

    def execute(self, context):
        if self.fail:
            raise RuntimeError("failed before creating anything")
        hook = Twilio2008Hook()
        if self.what == "call":
            sids = [hook.make_call(self.to[0], None, hook.config.base_url + "/twiml/hangup").sid]
        else:
            sids = [hook.send_sms(number, "hello").sid for number in self.to]
        push_link(context, self.base_url or hook.config.base_url, sids if len(sids) > 1 else sids[0])
        return sids


with DAG("{DAG_ID}", schedule=None, start_date=pendulum.datetime(2026, 1, 1, tz="UTC")) as dag:
    created = [
        CreateAndLink(task_id="call", what="call", to=["4155550134"]),
        CreateAndLink(task_id="sms", what="sms", to=["4155550134"]),
        CreateAndLink(task_id="sms_many", what="sms", to=["4155550135", "4155550136"]),
        CreateAndLink(task_id="sms_twilio", what="sms", to=["4155550137"], base_url="https://api.twilio.com"),
        CreateAndLink(task_id="failed", what="sms", to=["4155550134"], fail=True),
    ]

    @task(trigger_rule="all_done")
    def read_links(ti=None):
        """Read every task's link with get_link, as the task runner does when a task ends."""
        link = Twilio2008Link()
        return {{
            op.task_id: link.get_link(op, ti_key=TaskInstanceKey(ti.dag_id, op.task_id, ti.run_id))
            for op in created
        }}

    created >> read_links()
'''


@pytest.mark.parametrize(
    "base_url",
    ["http://127.0.0.1:8008", "http://localhost:8008/", "http://127.0.0.2", "http://[::1]:9000"],
)
def test_a_loopback_host_links_to_the_emulator_inbox(base_url: str) -> None:
    assert link_for(base_url, CALL_SID) == f"{base_url.rstrip('/')}/#{CALL_SID}"
    assert link_for(base_url, SMS_SID) == f"{base_url.rstrip('/')}/#{SMS_SID}"


@pytest.mark.parametrize("base_url", ["https://api.twilio.com", "https://twilio-proxy.example.com:8443"])
def test_any_other_host_links_to_twilios_call_or_sms_log(base_url: str) -> None:
    assert link_for(base_url, CALL_SID) == f"https://www.twilio.com/user/account/log/calls/{CALL_SID}"
    assert link_for(base_url, SMS_SID) == f"https://www.twilio.com/user/account/log/sms/{SMS_SID}"


@pytest.mark.parametrize(
    "sid", ["RE" + "0" * 32, "CA123", "", None, CALL_SID.upper(), "../" + SMS_SID, SMS_SID + "#x"]
)
def test_only_call_and_sms_sids_make_a_link(sid: Any) -> None:
    with pytest.raises(Twilio2008ValidationError) as caught:
        link_for("http://127.0.0.1:8008", sid)
    assert caught.value.field == "sid" and "'CA' or 'SM'" in str(caught.value)


def test_the_link_is_named_and_keyed_for_the_ui() -> None:
    link = Twilio2008Link()
    assert (link.name, link.xcom_key) == (LINK_NAME, LINK_XCOM_KEY) == ("Twilio", "_link_Twilio2008Link")


def test_tasks_push_links_that_get_link_and_the_api_server_read_back(
    airflow_db: None,
    twilio2008_emulator: Any,
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    capfd: pytest.CaptureFixture[str],
    caplog: pytest.LogCaptureFixture,
) -> None:
    from airflow.models.dagbag import DBDagBag
    from airflow.utils.session import create_session

    twilio2008_emulator.set_connection_env(monkeypatch)
    run = run_dag_source(LINK_DAG, DAG_ID, tmp_path / "dags", monkeypatch)
    tis = {ti.task_id: ti for ti in run.get_task_instances()}
    assert {task_id: str(ti.state) for task_id, ti in tis.items()} == {
        "call": "success",
        "sms": "success",
        "sms_many": "success",
        "sms_twilio": "success",
        "failed": "failed",
        "read_links": "success",
    }
    sids = {task_id: tis[task_id].xcom_pull(task_ids=task_id) for task_id in ("call", "sms", "sms_many")}
    sids["sms_twilio"] = tis["sms_twilio"].xcom_pull(task_ids="sms_twilio")
    inbox = twilio2008_emulator.base_url + "/#"
    expected = {
        "call": inbox + sids["call"][0],
        "sms": inbox + sids["sms"][0],
        "sms_many": inbox + sids["sms_many"][0],
        "sms_twilio": "https://www.twilio.com/user/account/log/sms/" + sids["sms_twilio"][0],
        "failed": "",
    }
    assert sids["call"][0].startswith("CA") and sids["sms"][0].startswith("SM")
    assert len(sids["sms_many"]) == 2
    out, err = capfd.readouterr()
    assert (
        f"2 SIDs created; the Twilio link opens the first, {sids['sms_many'][0]}" in out + err + caplog.text
    )

    # On the worker: Twilio2008Link.get_link, called from a later task of the run.
    assert tis["read_links"].xcom_pull(task_ids="read_links") == expected

    # In the API server: the serialized DAG knows only the link's name and XCom key.
    with create_session() as session:
        dag = DBDagBag().get_dag_for_run(dag_run=run, session=session)
        assert dag is not None
        shown = {}
        for task_id in expected:
            task = dag.get_task(task_id)
            assert task.extra_links == [LINK_NAME]
            shown[task_id] = task.get_extra_links(tis[task_id], LINK_NAME)
    assert shown == expected


def test_importing_the_links_module_loads_no_transport_library() -> None:
    code = (
        "import sys; from airflow.sdk import BaseOperatorLink; before = set(sys.modules);"
        "import airflow_provider_twilio2008.links;"
        "new = set(sys.modules) - before;"
        "print(sorted(m for m in new if m.split('.')[0] in ('requests', 'httpx', 'lxml')"
        " or m.startswith(('airflow_provider_twilio2008.hooks', 'airflow_provider_twilio2008.triggers'))));"
        "print(sorted(m for m in ('requests', 'lxml') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.split() == ["[]", "[]"]
