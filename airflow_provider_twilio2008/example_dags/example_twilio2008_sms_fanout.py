"""Text a list of people at once; if the fan-out fails, text the on-call number about it.

``SendSMSOperator`` checks every number and the body before sending anything, sends the
messages concurrently and never texts anyone twice, even when a retry follows a lost answer.
The failure notifier is attached to the task (task-level callbacks are the reliable route in
Airflow 3; see the README).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import dag

from airflow_provider_twilio2008.notifications.sms import Twilio2008SMSNotifier
from airflow_provider_twilio2008.operators.sms import SendSMSOperator


@dag(
    dag_id="twilio2008_sms_fanout",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["twilio2008", "example"],
    params={
        "recipients": ["4155550101", "4155550102", "4155550103", "4155550104", "4155550105"],
        "on_call": "4155550199",
        "message": "Maintenance tonight 22:00-23:00 UTC. Reply to your team lead with questions.",
    },
    render_template_as_native_obj=True,
)
def twilio2008_sms_fanout() -> None:
    """Send one announcement to every recipient; page the on-call number if that fails."""
    SendSMSOperator(
        task_id="announce",
        to="{{ params.recipients }}",
        body="{{ params.message }}",
        max_concurrency=4,
        retries=1,
        retry_delay=pendulum.duration(seconds=1),
        on_failure_callback=Twilio2008SMSNotifier(
            to="{{ params.on_call }}",
            body="{{ dag.dag_id }}.{{ ti.task_id }} failed (try {{ ti.try_number }}): announcement not sent",
        ),
    )


twilio2008_sms_fanout()
