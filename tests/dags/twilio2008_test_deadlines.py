"""DAGs the deadline tests run with ``dag.test()``: every wait with a 4 s ``timeout``, poke and deferrable.

The call to wait on comes in the run's conf (``call_sid``); no task is retried, so the run's
length is the length of one wait.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_twilio2008.operators.calls import MakeCallOperator
from airflow_provider_twilio2008.sensors.calls import CallCompletedSensor, RecordingAvailableSensor
from airflow_provider_twilio2008.sensors.sms import SMSReplySensor

START = pendulum.datetime(2026, 1, 1, tz="UTC")
#: The deadline of every wait here, in seconds.
DEADLINE = 4
POLL = 0.5

for _mode in ("poke", "deferrable"):
    _deferrable = _mode == "deferrable"
    with DAG(
        f"twilio2008_test_deadline_sensors_{_mode}",
        schedule=None,
        start_date=START,
        params={"call_sid": ""},
    ) as _dag:
        CallCompletedSensor(
            task_id="call",
            call_sid="{{ params.call_sid }}",
            poke_interval=POLL,
            timeout=DEADLINE,
            deferrable=_deferrable,
        )
        RecordingAvailableSensor(
            task_id="recording",
            call_sid="{{ params.call_sid }}",
            poke_interval=POLL,
            timeout=DEADLINE,
            deferrable=_deferrable,
        )
        SMSReplySensor(
            task_id="reply", from_="4155550134", poke_interval=POLL, timeout=DEADLINE, deferrable=_deferrable
        )
    globals()[_dag.dag_id] = _dag

    with DAG(
        f"twilio2008_test_deadline_make_call_{_mode}",
        schedule=None,
        start_date=START,
        default_args={"retries": 2, "retry_delay": pendulum.duration(seconds=0)},
    ) as _dag:
        MakeCallOperator(
            task_id="call",
            to="4155550134",
            url="{{ conn.twilio2008_default.host }}/twiml/pause?length=3600",
            wait_for_completion=True,
            poll_interval=POLL,
            timeout=DEADLINE,
            deferrable=_deferrable,
        )
    globals()[_dag.dag_id] = _dag
