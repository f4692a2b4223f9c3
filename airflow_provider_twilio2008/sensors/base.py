"""What every Twilio sensor shares: the hook, one poke's decision, the first check before deferring.

A sensor says what one check means (:meth:`Twilio2008BaseSensor._outcome`), which trigger waits
for it in the triggerer (:meth:`~Twilio2008BaseSensor._trigger`) and what it waits for
(:meth:`~Twilio2008BaseSensor._subject`, for messages). Poke, reschedule and deferrable mode
then behave alike: ``done`` pushes the value to XCom, ``failed`` fails the task at once without
retries, ``waiting`` waits; the sensor's ``timeout`` is handed to the trigger as ``timeout_at``
and to the deferral, so it holds in every mode.
"""

from __future__ import annotations

import time
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseSensorOperator, PokeReturnValue, conf

from ..api.config import DEFAULT_CONN_ID
from ..links import Twilio2008Link
from ..task_hook import Twilio2008TaskMixin

if TYPE_CHECKING:
    from airflow.sdk import Context

    from ..api.waiting import Outcome

__all__ = ["Twilio2008BaseSensor", "checked_outcome"]


def checked_outcome(fetch: Any, log: Any) -> Outcome:
    """Run one check; a transient error means "still waiting", any other fails the task now.

    :param fetch: a callable that reads the API and returns the :class:`~..api.waiting.Outcome`.
    :param log: where transient errors are logged.
    """
    from airflow.sdk.exceptions import AirflowFailException

    from ..api.errors import Twilio2008Error, Twilio2008ValidationError
    from ..api.waiting import Outcome, is_transient

    try:
        return fetch()
    except Twilio2008ValidationError:
        raise  # bad input: the sensor's execute fails the task at once, naming the field
    except Twilio2008Error as exc:
        if is_transient(exc):
            log.warning("Check failed, will try again: %s", exc)
            return Outcome("waiting", message=str(exc))
        raise AirflowFailException(f"{type(exc).__name__}: {exc}") from None


class Twilio2008BaseSensor(Twilio2008TaskMixin, BaseSensorOperator):
    """Base of the Twilio sensors: one decision shared by poke, reschedule and deferrable mode.

    :param twilio_conn_id: the ``twilio2008`` connection.
    :param deferrable: wait in the triggerer, freeing the worker slot (default: ``[operators]
        default_deferrable``); the account's waits share one poller there.

    Every sensor has the "Twilio" link of :class:`~..links.Twilio2008Link`: a call sensor's opens
    the awaited call from its first check on; the SMS reply sensor's opens the reply once it came.
    """

    ui_color = "#f22f46"
    operator_extra_links = (Twilio2008Link(),)

    def __init__(
        self,
        *,
        twilio_conn_id: str = DEFAULT_CONN_ID,
        deferrable: bool = conf.getboolean("operators", "default_deferrable", fallback=False),
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.twilio_conn_id = twilio_conn_id
        self.deferrable = deferrable

    def _outcome(self, context: Context) -> Outcome:
        """Check once and return what it means.

        :param context: the task context.
        """
        raise NotImplementedError

    def _trigger(self, context: Context) -> Any:
        """Return the trigger that goes on waiting in the triggerer (its ``timeout_at`` is set after).

        :param context: the task context.
        """
        raise NotImplementedError

    def _subject(self) -> str:
        """Return what is waited for, as messages name it (``call CA...``)."""
        raise NotImplementedError

    def _link_sid(self, value: dict[str, Any] | None) -> str | None:
        """Return the call or SMS SID the task's link opens, or ``None`` for no link (yet).

        :param value: the wait's result once done; ``None`` before the first check.
        """
        return None

    def _link(self, context: Context, value: dict[str, Any] | None) -> None:
        """Push the task's link to :meth:`_link_sid`, once it has one and has not pushed it.

        :param context: the task context.
        :param value: the wait's result once done; ``None`` before the first check.
        """
        from ..links import LINK_ATTRIBUTE, push_link

        sid = self._link_sid(value)
        if sid and not getattr(self, LINK_ATTRIBUTE, ""):
            push_link(context, self.hook.config.base_url, sid)

    def poke(self, context: Context) -> bool | PokeReturnValue:
        """Check once: done, still waiting, or a failure that ends the task now.

        :param context: the task context.
        """
        from airflow.sdk.exceptions import AirflowFailException

        outcome = self._outcome(context)
        if outcome.state == "failed":
            raise AirflowFailException(outcome.message)
        if outcome.state == "done":
            self._link(context, outcome.value)
            return PokeReturnValue(is_done=True, xcom_value=outcome.value)
        self._waiting = outcome.message
        self.log.info("Waiting: %s", outcome.message)
        return False

    def execute(self, context: Context) -> Any:
        """Poke (or reschedule) until done; in deferrable mode, check once, then defer.

        :param context: the task context.
        """
        from airflow.sdk.exceptions import AirflowSensorTimeout, AirflowSkipException

        from ..links import no_link_yet

        no_link_yet(self)
        with self.running():
            try:
                self._link(context, None)
                return self._execute(context)
            except (AirflowSensorTimeout, AirflowSkipException):
                # With soft_fail Airflow logs only that it skips: say what was awaited, and how it stood.
                last = getattr(self, "_waiting", "") or "no check was answered"
                self.log.warning(
                    "Timed out after %s s waiting for %s: %s", self.timeout, self._subject(), last
                )
                raise

    def _execute(self, context: Context) -> Any:
        if not self.deferrable:
            return super().execute(context)
        started = time.time()
        first = self.poke(context)
        if isinstance(first, PokeReturnValue) and first.is_done:
            return first.xcom_value
        trigger = self._trigger(context)
        trigger.timeout_at = started + self.timeout if self.timeout is not None else None
        self.defer(
            trigger=trigger,
            method_name="execute_complete",
            timeout=timedelta(seconds=self.timeout) if self.timeout is not None else None,
        )

    def execute_complete(self, context: Context, event: dict[str, Any] | None = None) -> Any:
        """Resume after the trigger fired: return its value, or fail (or time out) with its message.

        :param context: the task context.
        :param event: the trigger's event payload.
        """
        from airflow.sdk.exceptions import AirflowSensorTimeout

        from ..links import no_link_yet
        from ..triggers.events import resolve_event

        no_link_yet(self)
        with self.running():
            try:
                value = resolve_event(event, self._subject())
            except AirflowSensorTimeout as exc:
                self.log.warning("%s", exc)  # with soft_fail, Airflow logs only that it skips
                raise
            self._link(context, value)
        return value
