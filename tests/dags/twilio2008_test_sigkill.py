"""A DAG whose first try dies by SIGKILL right after its create got its 201 (real processes only).

``tests/integration/test_faults_end_to_end.py`` runs it under a real scheduler and
LocalExecutor: each task's try 1 kills its own task-runner process with ``SIGKILL`` as soon as
the ``POST`` that creates a call (``call``) or the first SMS (``texts``) has returned its
record, before the operator can note the SID anywhere. Try 2 must adopt what try 1 created:
one call in all, and one SMS per number. Under ``dag.test()`` the kill would end the test
process itself, so no in-process test runs this DAG.

The operators are the provider's own; only their hook is wrapped so that the process dies at
that precise point, as a worker killed by the OOM killer or a node loss would.
"""

from __future__ import annotations

import os
import signal
from functools import cached_property
from typing import TYPE_CHECKING, Any

import pendulum
from airflow.sdk import DAG

from airflow_provider_twilio2008.operators.calls import MakeCallOperator
from airflow_provider_twilio2008.operators.sms import SendSMSOperator

if TYPE_CHECKING:
    from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

CALLED = "4155550134"
TEXTED = ["4155550161", "4155550162", "4155550163"]


def _dies_after_first_create(try_number: int) -> Twilio2008Hook:
    """Return a hook whose process is killed with SIGKILL once a create returned, on try 1 only.

    Built when the task runs: the hook (and ``requests``) stay out of the DAG file's parse.

    :param try_number: the try running; only try 1 dies.
    """
    from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook

    class DiesAfterFirstCreate(Twilio2008Hook):
        def send_request(self, request: Any) -> Any:
            """Send the request; on try 1, die right after a create's answer was read."""
            record = super().send_request(request)
            if request.method == "POST" and try_number == 1:
                os.kill(os.getpid(), signal.SIGKILL)
            return record

    return DiesAfterFirstCreate()


class _KilledMakeCall(MakeCallOperator):
    """``MakeCallOperator`` whose try 1 dies right after the call was placed."""

    def execute(self, context: Any) -> Any:
        """Note the try, then place the call as the operator does."""
        self._try = context["ti"].try_number
        return super().execute(context)

    @cached_property
    def hook(self) -> Twilio2008Hook:
        """Return the hook that dies after the create on try 1."""
        return _dies_after_first_create(self._try)


class _KilledSendSMS(SendSMSOperator):
    """``SendSMSOperator`` whose try 1 dies right after the first message was sent."""

    def execute(self, context: Any) -> Any:
        """Note the try, then send as the operator does."""
        self._try = context["ti"].try_number
        return super().execute(context)

    @cached_property
    def hook(self) -> Twilio2008Hook:
        """Return the hook that dies after the first create on try 1."""
        return _dies_after_first_create(self._try)


with DAG(
    "twilio2008_test_sigkill",
    schedule=None,
    start_date=pendulum.datetime(2026, 1, 1, tz="UTC"),
    default_args={"retries": 1, "retry_delay": pendulum.duration(seconds=0)},
) as sigkill:
    _KilledMakeCall(task_id="call", to=CALLED, url="{{ conn.twilio2008_default.host }}/twiml/say")
    # One message at a time, so try 1 dies after exactly one of the three was created.
    _KilledSendSMS(task_id="texts", to=TEXTED, body="Killed after the first create", max_concurrency=1)
