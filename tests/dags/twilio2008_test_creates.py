"""DAGs the operator tests run with ``dag.test()``: place a call, send SMS, with retries."""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_twilio2008.operators.calls import MakeCallOperator, RedirectCallOperator
from airflow_provider_twilio2008.operators.sms import SendSMSOperator

START = pendulum.datetime(2026, 1, 1, tz="UTC")
ARGS = {"retries": 2, "retry_delay": pendulum.duration(seconds=0)}
TWIML = "{{ conn.twilio2008_default.host }}/twiml/{{ params.twiml }}"

with DAG(
    "twilio2008_test_make_call",
    schedule=None,
    start_date=START,
    default_args=ARGS,
    params={"to": "4155550134", "twiml": "say"},
) as make_call:
    MakeCallOperator(task_id="call", to="{{ params.to }}", url=TWIML)

for _mode in ("poke", "deferrable"):
    with DAG(
        f"twilio2008_test_call_and_wait_{_mode}",
        schedule=None,
        start_date=START,
        default_args=ARGS,
        params={"to": "4155550134", "twiml": "say"},
    ) as _dag:
        MakeCallOperator(
            task_id="call",
            to="{{ params.to }}",
            url=TWIML,
            wait_for_completion=True,
            poll_interval=0.2,
            deferrable=_mode == "deferrable",
        )
    globals()[_dag.dag_id] = _dag

with DAG(
    "twilio2008_test_send_sms",
    schedule=None,
    start_date=START,
    default_args=ARGS,
    params={"to": "4155550134", "body": "Your appointment is tomorrow at 9:00"},
    render_template_as_native_obj=True,
) as send_sms:
    SendSMSOperator(task_id="sms", to="{{ params.to }}", body="{{ params.body }}", max_concurrency=3)

with DAG(
    "twilio2008_test_redirect_call",
    schedule=None,
    start_date=START,
    params={"call_sid": ""},
) as redirect_call:
    RedirectCallOperator(
        task_id="hang_up",
        call_sid="{{ params.call_sid }}",
        url="{{ conn.twilio2008_default.host }}/twiml/hangup",
    )
