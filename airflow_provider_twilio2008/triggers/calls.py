"""Deferrable triggers that wait for a call to end or for its recording, through the shared poller.

Their kwargs are plain JSON and hold no secret: the connection is looked up inside ``run()``
(asynchronously, in the triggerer). Each yields one JSON-safe event:

- ``{"status": "done", "value": {...}, "message": ""}``: the wait succeeded;
- ``{"status": "failed", "value": {...} | None, "message": "..."}``: the wait failed for good
  (a status in ``failed_statuses``, no recording, a failed transcription);
- ``{"status": "error", "value": None, "message": "...", "error": "Twilio2008AuthenticationError"}``:
  an error that retrying the check would not fix (bad credentials, unknown SID);
- ``{"status": "timeout", ...}``: ``timeout_at`` (Unix time) passed. The trigger keeps the
  sensor's deadline itself, so it holds wherever the trigger runs (``dag.test()`` runs
  triggers in-process and enforces no deferral timeout of its own).

Transient API errors never end the wait; the sensor's timeout does, on a timer of its own:
while every request fails or hangs, the ``timeout`` event still comes at ``timeout_at``.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence
from datetime import datetime, timezone
from typing import Any, ClassVar

from airflow.triggers.base import BaseTrigger, TriggerEvent

from ..api.waiting import (
    DEFAULT_RECORDING_GRACE,
    Outcome,
    call_outcome,
    parse_failed_statuses,
    recording_outcome,
)
from .events import error_payload, timed_out, timeout_payload
from .poller import AccountPoller, Snapshot

__all__ = ["CallCompletedTrigger", "RecordingAvailableTrigger"]


class _CallWaitTrigger(BaseTrigger):
    """What both triggers share: the call, the connection, the interval, the deadline, the loop.

    :param call_sid: the call to watch.
    :param twilio_conn_id: the ``twilio2008`` connection.
    :param poll_interval: seconds between checks (the account's shared poller uses the smallest).
    :param timeout_at: Unix time at which the wait times out, if any.
    """

    def __init__(
        self, *, call_sid: str, twilio_conn_id: str, poll_interval: float, timeout_at: float | None
    ) -> None:
        super().__init__()
        self.call_sid = call_sid
        self.twilio_conn_id = twilio_conn_id
        self.poll_interval = float(poll_interval)
        self.timeout_at = timeout_at

    def _kwargs(self) -> dict[str, Any]:
        """Return the kwargs of this kind of wait (beside the shared ones)."""
        raise NotImplementedError

    def _watch(self, poller: AccountPoller) -> AsyncIterator[Snapshot]:
        """Register with the poller for what this wait needs."""
        raise NotImplementedError

    def _decide(self, snapshot: Snapshot) -> Outcome:
        """Return what one round's records mean for this wait."""
        raise NotImplementedError

    #: Where the triggerer imports the class from, written out: the database keeps this string
    #: for every deferred task, so a class that moves must leave an import here
    #: (``tests/triggers/test_classpaths.py`` imports each one).
    CLASSPATH: ClassVar[str] = ""

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """Return the class path and JSON-safe kwargs (no secret)."""
        return (
            self.CLASSPATH,
            {
                "call_sid": self.call_sid,
                **self._kwargs(),
                "twilio_conn_id": self.twilio_conn_id,
                "poll_interval": self.poll_interval,
                "timeout_at": self.timeout_at,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Yield one event once the wait is over: done, failed, an error, or the deadline.

        The deadline is kept on a timer of its own (the poller's ``until``): a round that fails,
        or hangs, cannot hold the wait past it. How the wait stands is logged when it changes,
        not every round: a triggerer holding 10,000 waits would spend a tenth of a core on
        Airflow's logger for lines saying nothing new.
        """
        said = ""
        async for snapshot in self._watch(AccountPoller.shared(self.twilio_conn_id)):
            if snapshot.error is not None:
                yield TriggerEvent(error_payload(snapshot.error))
                return
            if timed_out(self.timeout_at):
                break
            assert snapshot.call is not None
            outcome = self._decide(snapshot)
            if outcome.state != "waiting":
                yield TriggerEvent(outcome.as_event())
                return
            if outcome.message != said:
                said = outcome.message
                self.log.debug("%s", said)
        yield TriggerEvent(timeout_payload(f"call {self.call_sid}", self.timeout_at))


class CallCompletedTrigger(_CallWaitTrigger):
    """Wait until a call reaches a final status.

    :param call_sid: the call to wait for.
    :param failed_statuses: final statuses (as integers or names) that fail the wait.
    :param twilio_conn_id: the ``twilio2008`` connection.
    :param poll_interval: seconds between checks (the account's shared poller uses the smallest).
    :param timeout_at: Unix time at which the wait times out, if any.
    """

    CLASSPATH: ClassVar[str] = "airflow_provider_twilio2008.triggers.calls.CallCompletedTrigger"

    def __init__(
        self,
        *,
        call_sid: str,
        failed_statuses: Sequence[int | str],
        twilio_conn_id: str,
        poll_interval: float,
        timeout_at: float | None = None,
    ) -> None:
        super().__init__(
            call_sid=call_sid,
            twilio_conn_id=twilio_conn_id,
            poll_interval=poll_interval,
            timeout_at=timeout_at,
        )
        self.failed_statuses = sorted(int(status) for status in parse_failed_statuses(failed_statuses))

    def _kwargs(self) -> dict[str, Any]:
        return {"failed_statuses": self.failed_statuses}

    def _watch(self, poller: AccountPoller) -> AsyncIterator[Snapshot]:
        return poller.watch(self.call_sid, self.poll_interval, until=self.timeout_at)

    def _decide(self, snapshot: Snapshot) -> Outcome:
        assert snapshot.call is not None
        return call_outcome(snapshot.call, parse_failed_statuses(self.failed_statuses))


class RecordingAvailableTrigger(_CallWaitTrigger):
    """Wait until a call has a recording (and, when asked, a finished transcription).

    :param call_sid: the call whose recording is awaited.
    :param wait_for_transcription: also wait for the newest recording's transcription to finish.
    :param grace_seconds: how long after the call's end a missing recording is still awaited.
    :param twilio_conn_id: the ``twilio2008`` connection.
    :param poll_interval: seconds between checks.
    :param timeout_at: Unix time at which the wait times out, if any.
    """

    CLASSPATH: ClassVar[str] = "airflow_provider_twilio2008.triggers.calls.RecordingAvailableTrigger"

    def __init__(
        self,
        *,
        call_sid: str,
        wait_for_transcription: bool,
        twilio_conn_id: str,
        poll_interval: float,
        grace_seconds: float = DEFAULT_RECORDING_GRACE,
        timeout_at: float | None = None,
    ) -> None:
        super().__init__(
            call_sid=call_sid,
            twilio_conn_id=twilio_conn_id,
            poll_interval=poll_interval,
            timeout_at=timeout_at,
        )
        self.wait_for_transcription = bool(wait_for_transcription)
        self.grace_seconds = float(grace_seconds)

    def _kwargs(self) -> dict[str, Any]:
        return {"wait_for_transcription": self.wait_for_transcription, "grace_seconds": self.grace_seconds}

    def _watch(self, poller: AccountPoller) -> AsyncIterator[Snapshot]:
        return poller.watch(
            self.call_sid,
            self.poll_interval,
            recordings=True,
            transcriptions=self.wait_for_transcription,
            until=self.timeout_at,
        )

    def _decide(self, snapshot: Snapshot) -> Outcome:
        assert snapshot.call is not None
        return recording_outcome(
            snapshot.call,
            snapshot.recordings,
            snapshot.transcriptions,
            wait_for_transcription=self.wait_for_transcription,
            grace_seconds=self.grace_seconds,
            now=datetime.now(timezone.utc),
        )
