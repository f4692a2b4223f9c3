"""DAGs the sensor and operator tests run with ``dag.test()``: one per wait and mode.

The call to wait for comes in the run's conf (``call_sid``), so one DAG serves every case.
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_twilio2008.sensors.calls import CallCompletedSensor, RecordingAvailableSensor

MODES = ("poke", "reschedule", "deferrable")
START = pendulum.datetime(2026, 1, 1, tz="UTC")
ARGS = {"retries": 2, "retry_delay": pendulum.duration(seconds=0)}

for _mode in MODES:
    _sensor_mode = "reschedule" if _mode == "reschedule" else "poke"
    with DAG(
        f"twilio2008_test_call_{_mode}",
        schedule=None,
        start_date=START,
        default_args=ARGS,
        params={"call_sid": "", "timeout": 60},
    ) as _dag:
        CallCompletedSensor(
            task_id="wait",
            call_sid="{{ params.call_sid }}",
            poke_interval=0.2,
            timeout=20,
            mode=_sensor_mode,
            deferrable=_mode == "deferrable",
        )
    globals()[_dag.dag_id] = _dag

    with DAG(
        f"twilio2008_test_recording_{_mode}",
        schedule=None,
        start_date=START,
        default_args=ARGS,
        params={"call_sid": ""},
    ) as _dag:
        RecordingAvailableSensor(
            task_id="wait",
            call_sid="{{ params.call_sid }}",
            wait_for_transcription=True,
            recording_grace_period=1.0,
            poke_interval=0.2,
            timeout=30,
            mode=_sensor_mode,
            deferrable=_mode == "deferrable",
        )
    globals()[_dag.dag_id] = _dag

    with DAG(
        f"twilio2008_test_timeout_{_mode}",
        schedule=None,
        start_date=START,
        default_args=ARGS,
        params={"call_sid": ""},
    ) as _dag:
        CallCompletedSensor(
            task_id="wait",
            call_sid="{{ params.call_sid }}",
            poke_interval=0.2,
            timeout=2,
            mode=_sensor_mode,
            deferrable=_mode == "deferrable",
        )
    globals()[_dag.dag_id] = _dag
