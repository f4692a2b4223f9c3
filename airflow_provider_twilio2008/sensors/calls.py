"""Sensors that wait for a call to end and for its recording: poke, reschedule or deferrable alike.

Every mode asks :mod:`airflow_provider_twilio2008.api.waiting` what the fetched records mean,
so they succeed, fail and keep waiting on exactly the same cases:

- success pushes the call (or recording) dict to XCom;
- a call ending in one of ``failed_statuses``, a call that ended with no recording, or a failed
  transcription fails the task at once, without retries;
- bad credentials or an unknown SID fail the task at once, without retries;
- transient API errors (5xx, 429, lost connections) are logged and the wait goes on;
- the sensor's ``timeout`` holds in deferrable mode too (it is handed to the deferral).

Nothing heavy is imported at DAG parse time: the hook and the triggers are imported when the
task runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, Any

from ..api.waiting import DEFAULT_FAILED_STATUSES, DEFAULT_RECORDING_GRACE
from .base import Twilio2008BaseSensor, checked_outcome

if TYPE_CHECKING:
    from airflow.sdk import Context

    from ..api.waiting import Outcome
    from ..hooks.twilio2008 import Twilio2008Hook

__all__ = [
    "CallCompletedSensor",
    "RecordingAvailableSensor",
    "check_call",
    "check_recording",
    "explain_call_failure",
    "explained_event",
]


def check_call(hook: Twilio2008Hook, call_sid: str, failed_statuses: Any, log: Any) -> Outcome:
    """Fetch a call once and decide the wait (shared by the sensor and ``MakeCallOperator``).

    :param hook: the hook to fetch with.
    :param call_sid: the call.
    :param failed_statuses: final statuses that fail the wait.
    :param log: where transient errors are logged.
    """
    from ..api.waiting import call_outcome, parse_failed_statuses

    failed = parse_failed_statuses(failed_statuses)
    outcome = checked_outcome(lambda: call_outcome(hook.get_call(call_sid), failed), log)
    if outcome.state == "failed":
        return replace(outcome, message=explain_call_failure(hook, call_sid, outcome.message, log))
    return outcome


def explain_call_failure(hook: Twilio2008Hook, call_sid: str, message: str, log: Any) -> str:
    """Return a failed call's message with what Twilio's notifications for the call say.

    Reading them is best effort: when it fails, the message is returned as it was.

    :param hook: the hook to read with.
    :param call_sid: the call that failed.
    :param message: the failure message.
    :param log: where a failed read is logged.
    """
    from itertools import islice

    from ..api.errors import Twilio2008Error
    from ..api.waiting import MAX_QUOTED_NOTIFICATIONS, with_notifications

    try:
        notes = list(islice(hook.list_notifications(call_sid), MAX_QUOTED_NOTIFICATIONS))
    except Twilio2008Error as exc:
        log.warning("Could not read the notifications of call %s: %s", call_sid, exc)
        return message
    return with_notifications(message, notes)


def explained_event(hook: Twilio2008Hook, call_sid: str, event: Any, log: Any) -> Any:
    """Return a trigger's event, its message explained by the call's notifications when it failed.

    :param hook: the hook to read with.
    :param call_sid: the awaited call (``""``: the one in the event's value).
    :param event: the trigger's event payload.
    :param log: where a failed read is logged.
    """
    if not isinstance(event, dict) or event.get("status") != "failed":
        return event
    value = event.get("value")
    sid = call_sid or (value.get("sid") if isinstance(value, dict) else None)
    if not sid:
        return event
    return {**event, "message": explain_call_failure(hook, sid, str(event.get("message", "")), log)}


def check_recording(
    hook: Twilio2008Hook, call_sid: str, wait_for_transcription: bool, grace_seconds: float, log: Any
) -> Outcome:
    """Fetch a call, its recordings and (when asked) their transcriptions once, and decide the wait.

    :param hook: the hook to fetch with.
    :param call_sid: the call.
    :param wait_for_transcription: also wait for the newest recording's transcription.
    :param grace_seconds: how long after the call's end a missing recording is awaited.
    :param log: where transient errors are logged.
    """
    from ..api.waiting import recording_outcome

    def fetch() -> Outcome:
        call = hook.get_call(call_sid)
        recordings = list(hook.list_recordings(call_sid))
        transcriptions: dict[str, list[Any]] = {}
        if wait_for_transcription and recordings:
            newest = max(recordings, key=lambda rec: rec.date_created.timestamp() if rec.date_created else 0)
            transcriptions[newest.sid] = list(hook.list_transcriptions(newest.sid))
        return recording_outcome(
            call,
            recordings,
            transcriptions,
            wait_for_transcription=wait_for_transcription,
            grace_seconds=grace_seconds,
        )

    return checked_outcome(fetch, log)


class _CallSensor(Twilio2008BaseSensor):
    """A sensor waiting on one call: its SID is checked before every request."""

    def __init__(self, *, call_sid: str, **kwargs: Any) -> None:
        from ..api import validate
        from ..bad_input import check_literal

        super().__init__(**kwargs)
        self.call_sid = call_sid
        check_literal(call_sid, lambda value: validate.sid(value, validate.CALL, "call_sid"))

    def _check(self) -> Outcome:
        raise NotImplementedError

    def _outcome(self, context: Context) -> Outcome:
        """Check the SID, then the call once.

        :param context: the task context.
        """
        from ..api import validate

        validate.sid(self.call_sid, validate.CALL, "call_sid")
        return self._check()

    def _subject(self) -> str:
        return f"call {self.call_sid}"

    def _link_sid(self, value: dict[str, Any] | None) -> str | None:
        """Return the awaited call's SID, checked: the link opens it while the sensor waits.

        :param value: unused: the call is known before the first check.
        """
        from ..api import validate

        return validate.sid(self.call_sid, validate.CALL, "call_sid")


class CallCompletedSensor(_CallSensor):
    """Wait until a call ends; succeed when it completed, fail at once when it ended in ``failed_statuses``.

    Pushes the call as a dict (``sid``, ``status``, ``status_name``, ``to``, ``from``,
    ``duration``, ISO-8601 dates, ...) to XCom. A final status not listed in
    ``failed_statuses`` counts as success.

    :param call_sid: the call to wait for (templated), e.g. ``"{{ ti.xcom_pull('call')['sid'] }}"``.
    :param failed_statuses: final statuses that fail the task: names (``"busy"``, ``"no-answer"``,
        ``"failed"``, ``"completed"``) or integers 2-5.
    :param twilio_conn_id: the ``twilio2008`` connection.
    :param deferrable: wait in the triggerer, freeing the worker slot (default: ``[operators]
        default_deferrable``); the account's waits share one poller there.
    """

    template_fields: Sequence[str] = ("call_sid", "failed_statuses", "twilio_conn_id")

    def __init__(
        self,
        *,
        call_sid: str,
        failed_statuses: Sequence[str | int] = DEFAULT_FAILED_STATUSES,
        **kwargs: Any,
    ) -> None:
        from ..api.waiting import parse_failed_statuses
        from ..bad_input import check_literal

        super().__init__(call_sid=call_sid, **kwargs)
        self.failed_statuses = failed_statuses
        check_literal(failed_statuses, parse_failed_statuses)

    def _check(self) -> Outcome:
        return check_call(self.hook, self.call_sid, self.failed_statuses, self.log)

    def execute_complete(self, context: Context, event: dict[str, Any] | None = None) -> Any:
        """Resume after the trigger fired; a failed call's error quotes its notifications.

        :param context: the task context.
        :param event: the trigger's event payload.
        """
        return super().execute_complete(context, explained_event(self.hook, self.call_sid, event, self.log))

    def _trigger(self, context: Context) -> Any:
        from ..api.waiting import parse_failed_statuses
        from ..triggers.calls import CallCompletedTrigger

        return CallCompletedTrigger(
            call_sid=self.call_sid,
            failed_statuses=sorted(int(status) for status in parse_failed_statuses(self.failed_statuses)),
            twilio_conn_id=self.twilio_conn_id,
            poll_interval=self.poke_interval,
        )


class RecordingAvailableSensor(_CallSensor):
    """Wait until a call has a recording, and with ``wait_for_transcription`` a finished transcription.

    Pushes the newest recording as a dict (``sid``, ``call_sid``, ``duration``, dates; plus
    ``transcription_sid``, ``transcription_status`` and ``transcription_text`` when waiting for
    the transcription). Fails at once when the call ended with no recording and
    ``recording_grace_period`` seconds have passed since its end, or when the transcription failed.

    :param call_sid: the call that records (templated).
    :param wait_for_transcription: also wait until the recording's transcription has finished.
    :param recording_grace_period: seconds after the call's end to keep waiting for a recording.
    :param twilio_conn_id: the ``twilio2008`` connection.
    :param deferrable: wait in the triggerer (default: ``[operators] default_deferrable``).
    """

    template_fields: Sequence[str] = ("call_sid", "twilio_conn_id")

    def __init__(
        self,
        *,
        call_sid: str,
        wait_for_transcription: bool = False,
        recording_grace_period: float = DEFAULT_RECORDING_GRACE,
        **kwargs: Any,
    ) -> None:
        from ..api import validate

        super().__init__(call_sid=call_sid, **kwargs)
        self.wait_for_transcription = validate.flag(wait_for_transcription, "wait_for_transcription")
        self.recording_grace_period = validate.seconds(recording_grace_period, "recording_grace_period")

    def _check(self) -> Outcome:
        return check_recording(
            self.hook, self.call_sid, self.wait_for_transcription, self.recording_grace_period, self.log
        )

    def _trigger(self, context: Context) -> Any:
        from ..triggers.calls import RecordingAvailableTrigger

        return RecordingAvailableTrigger(
            call_sid=self.call_sid,
            wait_for_transcription=self.wait_for_transcription,
            grace_seconds=self.recording_grace_period,
            twilio_conn_id=self.twilio_conn_id,
            poll_interval=self.poke_interval,
        )
