"""DAGs the ``SMSReplySensor`` tests run with ``dag.test()``: one per mode and kind of ending.

Each ``twilio2008_test_sms_reply*`` DAG first texts the account (task ``text_in``: the texts in
the run's conf, posted to the emulator's ``/_emulator/inbound/sms`` as the simulated people),
after the DAG run started and before the sensor starts, then waits (task ``wait``) for the
reply the conf describes. Each ``twilio2008_test_ask_and_wait_*`` DAG texts a person (task
``ask``, ``SendSMSOperator``) and waits for their answer, as users' DAGs do.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG, task

from airflow_provider_twilio2008.operators.sms import SendSMSOperator
from airflow_provider_twilio2008.sensors.sms import SMSReplySensor

MODES = ("poke", "reschedule", "deferrable")
START = pendulum.datetime(2026, 1, 1, tz="UTC")
ARGS = {"retries": 2, "retry_delay": pendulum.duration(seconds=0)}
PARAMS = {"from": "4155550134", "pattern": r"^(?P<answer>yes|no)\b\s*(.*)$", "since": "", "texts": []}
#: Kinds of DAG: (name suffix, sensor timeout in seconds, soft_fail).
KINDS = (("", 20, False), ("_timeout", 2, False), ("_soft", 2, True))


@task
def text_in(texts: list[dict[str, str]]) -> list[str]:
    """Post each text to the emulator as an inbound SMS to the account; return their SIDs.

    :param texts: ``{"From": ..., "To": ..., "Body": ...}`` each (``To`` defaults to ``default_from``).
    """
    import base64
    import json
    import urllib.request

    from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

    config = Twilio2008Hook().config
    token = base64.b64encode(f"{config.account_sid}:{config.auth_token}".encode()).decode()
    sids = []
    for text in texts:
        body = json.dumps({"To": config.default_from, **text}).encode()
        request = urllib.request.Request(f"{config.base_url}/_emulator/inbound/sms", data=body, method="POST")
        request.add_header("Authorization", f"Basic {token}")
        request.add_header("Content-Type", "application/json")
        with urllib.request.urlopen(request, timeout=10) as answer:
            sids.append(json.loads(answer.read())["sid"])
    return sids


for _mode in MODES:
    for _suffix, _timeout, _soft_fail in KINDS:
        with DAG(
            f"twilio2008_test_sms_reply{_suffix}_{_mode}",
            schedule=None,
            start_date=START,
            default_args=ARGS,
            params=PARAMS,
            render_template_as_native_obj=True,
        ) as _dag:
            text_in(texts="{{ params.texts }}") >> SMSReplySensor(
                task_id="wait",
                from_="{{ params['from'] }}",
                body_pattern="{{ params.pattern }}",
                since="{{ params.since }}",
                poke_interval=0.2,
                timeout=_timeout,
                soft_fail=_soft_fail,
                mode="reschedule" if _mode == "reschedule" else "poke",
                deferrable=_mode == "deferrable",
            )
        globals()[_dag.dag_id] = _dag

    with DAG(
        f"twilio2008_test_ask_and_wait_{_mode}",
        schedule=None,
        start_date=START,
        default_args=ARGS,
        params={"to": "4155550134"},
    ) as _dag:
        SendSMSOperator(
            task_id="ask", to="{{ params.to }}", body="Can you take the 9:00 shift? Reply YES or NO"
        ) >> SMSReplySensor(
            task_id="wait",
            from_="{{ ti.xcom_pull('ask')['to'] }}",
            to="{{ ti.xcom_pull('ask')['from'] }}",
            body_pattern=r"^\s*(yes|no)\b",
            poke_interval=0.2,
            timeout=20,
            mode="reschedule" if _mode == "reschedule" else "poke",
            deferrable=_mode == "deferrable",
        )
    globals()[_dag.dag_id] = _dag
