"""Operators that place a call (optionally waiting for it to end) and redirect a live call.

Nothing heavy is imported at DAG parse time: the hook, the protocol core and the triggers are
imported when the task runs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from functools import cached_property
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator, conf

from ..api.waiting import DEFAULT_FAILED_STATUSES
from ..links import Twilio2008Link

if TYPE_CHECKING:
    from airflow.sdk import Context

    from ..hooks.twilio2008 import Twilio2008Hook

__all__ = ["MakeCallOperator", "RedirectCallOperator"]

#: The state-store key under which a call's intent and SID survive between tries.
CALL_KEY = "twilio2008_call"


class MakeCallOperator(BaseOperator):
    """Place a call (``POST /Calls``) and optionally wait until it ends.

    Returns the call as a dict pushed to XCom: ``sid``, ``status`` (0-5), ``status_name``,
    ``to``, ``from``, ``called``, ``caller``, ``duration``, ``price`` and ISO-8601 dates.

    The call is placed at most once per task instance, whatever happens to the worker: the
    task records what it is about to create before sending, and a later try adopts the call an
    earlier try placed instead of calling again (see
    :mod:`airflow_provider_twilio2008.operators.create_once`).

    :param to: the number to call (``Called``): E.164 or 10 US digits.
    :param url: absolute http(s) URL of the TwiML to run when the call connects (``Url``).
    :param from_: the caller ID (``Caller``); ``None`` uses the connection's ``default_from``.
    :param method: ``GET`` or ``POST`` for ``url``.
    :param send_digits: DTMF keys to play once connected.
    :param if_machine: ``Continue`` or ``Hangup`` to detect answering machines.
    :param timeout: seconds to let it ring, 1-999 (Twilio's default 60).
    :param wait_for_completion: wait until the call ends; fail naming the outcome when it ends
        in ``failed_statuses``.
    :param failed_statuses: final statuses that fail the wait (``busy``, ``no-answer``, ``failed``).
    :param poll_interval: seconds between checks while waiting.
    :param deferrable: wait in the triggerer, freeing the worker slot.
    :param twilio_conn_id: the ``twilio2008`` connection.
    """

    template_fields: Sequence[str] = (
        "to",
        "url",
        "from_",
        "method",
        "send_digits",
        "if_machine",
        "timeout",
        "failed_statuses",
        "twilio_conn_id",
    )
    operator_extra_links = (Twilio2008Link(),)
    ui_color = "#f22f46"

    def __init__(
        self,
        *,
        to: str,
        url: str,
        from_: str | None = None,
        method: str = "POST",
        send_digits: str | None = None,
        if_machine: str | None = None,
        timeout: int | None = None,
        wait_for_completion: bool = False,
        failed_statuses: Sequence[str | int] = DEFAULT_FAILED_STATUSES,
        poll_interval: float = 10,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        twilio_conn_id: str = "twilio2008_default",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.to = to
        self.url = url
        self.from_ = from_
        self.method = method
        self.send_digits = send_digits
        self.if_machine = if_machine
        self.timeout = timeout
        self.wait_for_completion = wait_for_completion
        self.failed_statuses = failed_statuses
        self.poll_interval = poll_interval
        self.deferrable = deferrable
        self.twilio_conn_id = twilio_conn_id

    @cached_property
    def hook(self) -> Twilio2008Hook:
        """Return the hook of ``twilio_conn_id`` (built when the task runs, never at parse time)."""
        from ..hooks.twilio2008 import Twilio2008Hook

        return Twilio2008Hook(self.twilio_conn_id)

    def execute(self, context: Context) -> Any:
        """Check every argument, place the call once, then wait for it when asked.

        :param context: the task context.
        """
        from ..api import operations as ops
        from ..api.reconcile import intent_for
        from ..api.waiting import call_summary, parse_failed_statuses
        from ..links import push_link
        from .create_once import Create, create_all, timing_for

        hook = self.hook
        failed = parse_failed_statuses(self.failed_statuses) if self.wait_for_completion else None
        request = ops.make_call(
            hook.account_sid,
            to=self.to,
            from_=hook._from(self.from_, "from_", "Caller"),
            url=self.url,
            method=self.method,
            send_digits=self.send_digits,
            if_machine=self.if_machine,
            timeout=self.timeout,
        )
        intent = intent_for(request)
        (call,) = create_all(
            context,
            [
                Create(
                    CALL_KEY,
                    intent,
                    create=lambda: hook.send_request(request),
                    fetch=hook.get_call,
                    candidates=lambda earlier: hook.list_calls(to=earlier.to, from_=earlier.from_),
                )
            ],
            timing=timing_for(hook),
        )
        if isinstance(call, BaseException):
            raise call
        self.log.info("Call %s to %s: %s", call.sid, call.called, call.status.name)
        push_link(context, hook.config.base_url, call.sid)
        if not self.wait_for_completion:
            return call_summary(call)
        assert failed is not None
        return self._wait(context, call.sid, [int(status) for status in failed])

    def _wait(self, context: Context, call_sid: str, failed: list[int]) -> Any:
        """Wait for the call to end: in the triggerer when deferrable, else polling here."""
        from airflow.sdk.exceptions import AirflowFailException

        from ..sensors.calls import check_call

        while True:
            outcome = check_call(self.hook, call_sid, failed, self.log)
            if outcome.state == "done":
                return outcome.value
            if outcome.state == "failed":
                raise AirflowFailException(outcome.message)
            if self.deferrable:
                from ..triggers.calls import CallCompletedTrigger

                self.defer(
                    trigger=CallCompletedTrigger(
                        call_sid=call_sid,
                        failed_statuses=failed,
                        twilio_conn_id=self.twilio_conn_id,
                        poll_interval=self.poll_interval,
                    ),
                    method_name="execute_complete",
                    kwargs={"call_sid": call_sid},
                    timeout=self.execution_timeout,
                )
            self.log.info("Waiting %g s: %s", self.poll_interval, outcome.message)
            time.sleep(self.poll_interval)

    def execute_complete(
        self, context: Context, event: dict[str, Any] | None = None, call_sid: str = ""
    ) -> Any:
        """Resume after the call ended: return the call dict or fail naming the outcome.

        :param context: the task context.
        :param event: the trigger's event payload.
        :param call_sid: the call that was awaited.
        """
        from ..triggers.events import resolve_event

        return resolve_event(event, f"call {call_sid}")


class RedirectCallOperator(BaseOperator):
    """Make a live call run new TwiML now (``POST /Calls/{CallSid}`` with ``CurrentUrl``).

    To hang up a call, redirect it to a TwiML document holding only ``<Hangup/>`` (the
    emulator serves one at ``/twiml/hangup``). Returns the call as a dict. A call that is not
    in progress is refused by Twilio with code 21220.

    :param call_sid: the live call (templated).
    :param url: absolute URL of the TwiML to run.
    :param method: ``GET`` or ``POST`` for ``url``.
    :param twilio_conn_id: the ``twilio2008`` connection.
    """

    template_fields: Sequence[str] = ("call_sid", "url", "method", "twilio_conn_id")
    ui_color = "#f22f46"

    def __init__(
        self,
        *,
        call_sid: str,
        url: str,
        method: str = "POST",
        twilio_conn_id: str = "twilio2008_default",
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.call_sid = call_sid
        self.url = url
        self.method = method
        self.twilio_conn_id = twilio_conn_id

    def execute(self, context: Context) -> Any:
        """Redirect the call and return it.

        :param context: the task context.
        """
        from ..api.waiting import call_summary
        from ..hooks.twilio2008 import Twilio2008Hook

        call = Twilio2008Hook(self.twilio_conn_id).redirect_call(self.call_sid, self.url, self.method)
        self.log.info("Redirected call %s to %s", call.sid, self.url)
        return call_summary(call)
