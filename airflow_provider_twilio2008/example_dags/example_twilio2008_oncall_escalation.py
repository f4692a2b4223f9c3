"""On-call escalation: text the primary, wait for their ACK, else call the secondary; tell the team.

1. ``page_primary`` texts the primary "reply ACK to take incident N".
2. ``wait_for_ack`` waits in the triggerer (deferrable) for a reply from the primary whose body
   starts with ACK. Replies that arrived since the DAG run started count, so a fast ACK is
   never missed. When none comes within ``ACK_WAIT_SECONDS`` the sensor is skipped
   (``soft_fail``), which is what starts the escalation.
3. ``call_secondary`` runs only when the wait was skipped (``all_skipped``): it calls the
   secondary, speaks the incident, and waits (deferred) for the call to complete. A busy or
   unanswered secondary fails the run: nobody has the incident.
4. ``tell_team`` texts the team who took the incident, after whichever path succeeded.

The wait comes from the environment variable ``TWILIO2008_ACK_WAIT_SECONDS`` (default 180 s)
so a test can shorten it; in your copy, set the number you want. Needs a running
``airflow triggerer``; ``dag.test()`` runs the triggers in-process.
"""

from __future__ import annotations

import os

import pendulum
from airflow.sdk import dag

from airflow_provider_twilio2008.operators.calls import MakeCallOperator
from airflow_provider_twilio2008.operators.sms import SendSMSOperator
from airflow_provider_twilio2008.sensors.sms import SMSReplySensor

ACK_WAIT_SECONDS = float(os.environ.get("TWILIO2008_ACK_WAIT_SECONDS", "180"))
#: The spoken message: the emulator's built-in ``<Say>`` document (use your own TwiML URL).
SPOKEN_TWIML = (
    "{{ params.twiml_url or conn.twilio2008_default.host ~ '/twiml/say?text=' ~ "
    "('Incident ' ~ params.incident ~ ' needs you. The primary did not answer.') | urlencode }}"
)
WHO_TOOK_IT = (
    "{% if ti.xcom_pull(task_ids='wait_for_ack') %}{{ params.primary }} (primary, acknowledged)"
    "{% else %}{{ params.secondary }} (secondary, by phone){% endif %}"
)


@dag(
    dag_id="twilio2008_oncall_escalation",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    catchup=False,
    tags=["twilio2008", "example"],
    params={
        "incident": "INC-4521",
        "primary": "4155550111",
        "secondary": "4155550122",
        "team": ["4155550133", "4155550144"],
        "twiml_url": "",
    },
    render_template_as_native_obj=True,
)
def twilio2008_oncall_escalation() -> None:
    """Page the primary by SMS, escalate to a phone call to the secondary, tell the team."""
    page = SendSMSOperator(
        task_id="page_primary",
        to="{{ params.primary }}",
        body="Incident {{ params.incident }} is open. Reply ACK to take it.",
    )
    ack = SMSReplySensor(
        task_id="wait_for_ack",
        from_="{{ params.primary }}",
        body_pattern=r"^\s*ack\b",
        deferrable=True,
        poke_interval=2,
        timeout=ACK_WAIT_SECONDS,
        soft_fail=True,
    )
    escalate = MakeCallOperator(
        task_id="call_secondary",
        to="{{ params.secondary }}",
        url=SPOKEN_TWIML,
        wait_for_completion=True,
        poll_interval=2,
        deferrable=True,
        trigger_rule="all_skipped",
    )
    tell = SendSMSOperator(
        task_id="tell_team",
        to="{{ params.team }}",
        body="Incident {{ params.incident }} is taken by " + WHO_TOOK_IT + ".",
        trigger_rule="none_failed_min_one_success",
    )
    page >> ack >> escalate >> tell
    ack >> tell


twilio2008_oncall_escalation()
