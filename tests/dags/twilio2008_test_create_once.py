"""DAGs the create-once tests run with ``dag.test()``: a create retried after a delay."""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_twilio2008.operators.sms import SendSMSOperator

START = pendulum.datetime(2026, 1, 1, tz="UTC")

with DAG(
    "twilio2008_test_send_sms_retry_delay",
    schedule=None,
    start_date=START,
    default_args={"retries": 2, "retry_delay": pendulum.duration(seconds=3)},
    params={"to": "4155550134", "body": "Your appointment is tomorrow at 9:00"},
) as send_sms_retry_delay:
    SendSMSOperator(task_id="sms", to="{{ params.to }}", body="{{ params.body }}")
