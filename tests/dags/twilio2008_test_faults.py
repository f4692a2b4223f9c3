"""The DAG of the faults-end-to-end test: 100 calls and 100 SMS through a faulty emulator.

``place_calls`` is one ``MakeCallOperator`` mapped over 100 numbers (one call per task
instance); ``send_sms`` is one ``SendSMSOperator`` mapped over 10 lists of 10 numbers (a list
per task instance, sent concurrently, a retry sending only the missing ones). Every task has
enough retries to outlast the faults the test injects; the retry delay is longer than the
injected latency beyond the client's timeout, so a create the server runs late has happened
before the retry looks for it (see ``tests/integration/test_faults_end_to_end.py``).
"""

from __future__ import annotations

import pendulum
from airflow.sdk import DAG

from airflow_provider_twilio2008.operators.calls import MakeCallOperator
from airflow_provider_twilio2008.operators.sms import SendSMSOperator

#: The numbers called (one task instance each) and texted (ten per task instance).
CALLED = [f"41555502{index:02d}" for index in range(100)]
TEXTED = [f"41555503{index:02d}" for index in range(100)]
BATCHES = [TEXTED[start : start + 10] for start in range(0, len(TEXTED), 10)]
BODY = "Faults end to end: you get this text exactly once."
#: Retries per task, and the delay before each (seconds).
RETRIES = 15
RETRY_DELAY = 3
#: The connection of the calls (the test gives it other extras than ``twilio2008_default``).
CALLS_CONN = "twilio2008_calls"

with DAG(
    "twilio2008_test_faults",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    default_args={"retries": RETRIES, "retry_delay": pendulum.duration(seconds=RETRY_DELAY)},
    max_active_tasks=64,
) as faults:
    MakeCallOperator.partial(
        task_id="place_calls", url="{{ conn.twilio2008_default.host }}/twiml/say", twilio_conn_id=CALLS_CONN
    ).expand(to=CALLED)
    SendSMSOperator.partial(task_id="send_sms", body=BODY, max_concurrency=5).expand(to=BATCHES)
