"""Operators that place a call (optionally waiting for it to end) and redirect a live call.

Nothing heavy is imported at DAG parse time: the hook, the protocol core and the triggers are
imported when the task runs.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator, conf

from ..api.config import DEFAULT_CONN_ID
from ..api.waiting import DEFAULT_FAILED_STATUSES
from ..links import Twilio2008Link
from ..task_hook import Twilio2008TaskMixin

if TYPE_CHECKING:
    from airflow.sdk import Context

__all__ = ["MakeCallOperator", "RedirectCallOperator"]

#: The state-store key under which a call's intent and SID survive between tries.
CALL_KEY = "twilio2008_call"
#: Seconds ``MakeCallOperator`` waits for a call to end by default (``timeout``): six hours, far
#: longer than any call a DAG waits on, so a call that never ends still ends the task.
DEFAULT_CALL_WAIT = 6 * 3600.0


class MakeCallOperator(Twilio2008TaskMixin, BaseOperator):
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
    :param ring_timeout: seconds to let it ring, 1-999 (``Timeout``; Twilio's default 60).
    :param wait_for_completion: wait until the call ends; fail naming the outcome when it ends
        in ``failed_statuses``.
    :param failed_statuses: final statuses that fail the wait (``busy``, ``no-answer``, ``failed``).
    :param poll_interval: seconds between checks while waiting.
    :param timeout: with ``wait_for_completion``, seconds after the call was placed at which the
        wait fails with ``AirflowSensorTimeout`` (default :data:`DEFAULT_CALL_WAIT`, six hours;
        ``None`` waits for ever), in poke and deferrable mode alike.
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
        "ring_timeout",
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
        ring_timeout: int | None = None,
        wait_for_completion: bool = False,
        failed_statuses: Sequence[str | int] = DEFAULT_FAILED_STATUSES,
        poll_interval: float = 10,
        timeout: float | None = DEFAULT_CALL_WAIT,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        twilio_conn_id: str = DEFAULT_CONN_ID,
        **kwargs: Any,
    ) -> None:
        from ..api import validate
        from ..api.waiting import parse_failed_statuses
        from ..bad_input import check_literal

        super().__init__(**kwargs)
        self.to = to
        self.url = url
        self.from_ = from_
        self.method = method
        self.send_digits = send_digits
        self.if_machine = if_machine
        self.ring_timeout = ring_timeout
        self.wait_for_completion = wait_for_completion
        self.failed_statuses = failed_statuses
        self.poll_interval = validate.seconds(poll_interval, "poll_interval", maximum=86400, allow_zero=False)
        self.timeout = None if timeout is None else validate.seconds(timeout, "timeout", allow_zero=False)
        if ring_timeout is not None:
            check_literal(
                ring_timeout,
                lambda value: validate.integer_in_range(value, "ring_timeout", 1, 999, param="Timeout"),
            )
        if wait_for_completion:
            check_literal(failed_statuses, parse_failed_statuses)
        self.deferrable = deferrable
        self.twilio_conn_id = twilio_conn_id

    def execute(self, context: Context) -> Any:
        """Check every argument, place the call once, then wait for it when asked.

        :param context: the task context.
        """
        from ..links import no_link_yet

        no_link_yet(self)
        with self.running():
            return self._execute(context)

    def _execute(self, context: Context) -> Any:
        from ..api import operations as ops
        from ..api.errors import Twilio2008ValidationError
        from ..api.reconcile import intent_for
        from ..api.waiting import call_summary, parse_failed_statuses
        from ..links import push_link
        from .create_once import Create, create_all, timing_for

        hook = self.hook
        failed = parse_failed_statuses(self.failed_statuses) if self.wait_for_completion else None
        try:
            request = ops.make_call(
                hook.account_sid,
                to=self.to,
                from_=hook.config.sender(self.from_),
                url=self.url,
                method=self.method,
                send_digits=self.send_digits,
                if_machine=self.if_machine,
                timeout=self.ring_timeout,
            )
        except Twilio2008ValidationError as exc:
            if exc.field != "timeout":
                raise
            raise Twilio2008ValidationError(
                "ring_timeout", exc.problem, exc.accepted, param=exc.param, code=exc.code
            ) from None
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
        return self._wait(call.sid, [int(status) for status in failed])

    def _wait(self, call_sid: str, failed: list[int]) -> Any:
        """Wait for the call to end (in the triggerer when deferrable), until ``timeout`` from now."""
        from airflow.sdk.exceptions import AirflowFailException, AirflowSensorTimeout

        from ..sensors.calls import check_call

        deadline = None if self.timeout is None else time.time() + self.timeout
        while True:
            outcome = check_call(self.hook, call_sid, failed, self.log)
            if outcome.state == "done":
                self._log_final(outcome.value)
                return outcome.value
            if outcome.state == "failed":
                raise AirflowFailException(outcome.message)
            if deadline is not None and time.time() >= deadline:
                raise AirflowSensorTimeout(
                    f"timed out after {self.timeout:g} s (timeout) waiting for call {call_sid}: "
                    f"{outcome.message}"
                )
            if self.deferrable:
                from ..triggers.calls import CallCompletedTrigger

                self.defer(
                    trigger=CallCompletedTrigger(
                        call_sid=call_sid,
                        failed_statuses=failed,
                        twilio_conn_id=self.twilio_conn_id,
                        poll_interval=self.poll_interval,
                        timeout_at=deadline,
                    ),
                    method_name="execute_complete",
                    kwargs={"call_sid": call_sid},
                    timeout=None if deadline is None else timedelta(seconds=deadline - time.time()),
                )
            pause = (
                self.poll_interval if deadline is None else min(self.poll_interval, deadline - time.time())
            )
            self.log.info("Waiting %.3g s: %s", max(pause, 0), outcome.message)
            time.sleep(max(pause, 0))

    def execute_complete(
        self, context: Context, event: dict[str, Any] | None = None, call_sid: str = ""
    ) -> Any:
        """Resume after the call ended: return the call dict or fail naming the outcome.

        :param context: the task context.
        :param event: the trigger's event payload.
        :param call_sid: the call that was awaited.
        """
        from ..sensors.calls import explained_event
        from ..triggers.events import resolve_event

        with self.running():
            value = resolve_event(explained_event(self.hook, call_sid, event, self.log), f"call {call_sid}")
        self._log_final(value)
        return value

    def _log_final(self, value: Any) -> None:
        """Log how the awaited call ended, as a person on call would read it."""
        if isinstance(value, dict):
            self.log.info(
                "Call %s to %s ended %s after %s s",
                value.get("sid"),
                value.get("to"),
                value.get("status_name"),
                value.get("duration"),
            )


class RedirectCallOperator(Twilio2008TaskMixin, BaseOperator):
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
        twilio_conn_id: str = DEFAULT_CONN_ID,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.call_sid = call_sid
        self.url = url
        self.method = method
        self.twilio_conn_id = twilio_conn_id

    def execute(self, context: Context) -> Any:
        """Redirect the call and return it.

        A local validation error fails the task at once (no retry can fix it).

        :param context: the task context.
        """
        with self.running():
            return self._execute(context)

    def _execute(self, context: Context) -> Any:
        from ..api.waiting import call_summary

        call = self.hook.redirect_call(self.call_sid, self.url, self.method)
        self.log.info("Redirected call %s to %s", call.sid, self.url)
        return call_summary(call)
