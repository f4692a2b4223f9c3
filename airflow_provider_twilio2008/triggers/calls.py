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

Transient API errors never end the wait; the sensor's timeout does.
"""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

from airflow.triggers.base import BaseTrigger, TriggerEvent

from ..api.waiting import (
    DEFAULT_RECORDING_GRACE,
    Outcome,
    call_outcome,
    parse_failed_statuses,
    recording_outcome,
)
from .poller import AccountPoller, Snapshot

__all__ = ["CallCompletedTrigger", "RecordingAvailableTrigger"]


def _error_event(snapshot: Snapshot) -> TriggerEvent:
    error = snapshot.error
    return TriggerEvent(
        {"status": "error", "value": None, "message": str(error), "error": type(error).__name__}
    )


def _timed_out(timeout_at: float | None) -> bool:
    return timeout_at is not None and time.time() >= timeout_at


def _timeout_event(call_sid: str, timeout_at: float | None) -> TriggerEvent:
    when = datetime.fromtimestamp(timeout_at or 0, timezone.utc).isoformat(timespec="seconds")
    return TriggerEvent(
        {"status": "timeout", "value": None, "message": f"still waiting for call {call_sid} at {when}"}
    )


class CallCompletedTrigger(BaseTrigger):
    """Wait until a call reaches a final status.

    :param call_sid: the call to wait for.
    :param failed_statuses: final statuses (as integers or names) that fail the wait.
    :param twilio_conn_id: the ``twilio2008`` connection.
    :param poll_interval: seconds between checks (the account's shared poller uses the smallest).
    :param timeout_at: Unix time at which the wait times out, if any.
    """

    def __init__(
        self,
        *,
        call_sid: str,
        failed_statuses: list[int | str],
        twilio_conn_id: str,
        poll_interval: float,
        timeout_at: float | None = None,
    ) -> None:
        super().__init__()
        self.timeout_at = timeout_at
        self.call_sid = call_sid
        self.failed_statuses = [int(status) for status in parse_failed_statuses(failed_statuses)]
        self.twilio_conn_id = twilio_conn_id
        self.poll_interval = float(poll_interval)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """Return the class path and JSON-safe kwargs (no secret)."""
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "call_sid": self.call_sid,
                "failed_statuses": sorted(self.failed_statuses),
                "twilio_conn_id": self.twilio_conn_id,
                "poll_interval": self.poll_interval,
                "timeout_at": self.timeout_at,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Yield one event once the call has ended (or the wait cannot go on)."""
        failed = parse_failed_statuses(self.failed_statuses)
        poller = AccountPoller.shared(self.twilio_conn_id)
        async for snapshot in poller.watch(self.call_sid, self.poll_interval):
            if snapshot.error is not None:
                yield _error_event(snapshot)
                return
            if _timed_out(self.timeout_at):
                yield _timeout_event(self.call_sid, self.timeout_at)
                return
            assert snapshot.call is not None
            outcome = call_outcome(snapshot.call, failed)
            if outcome.state != "waiting":
                yield TriggerEvent(outcome.as_event())
                return
            self.log.debug("%s", outcome.message)


class RecordingAvailableTrigger(BaseTrigger):
    """Wait until a call has a recording (and, when asked, a finished transcription).

    :param call_sid: the call whose recording is awaited.
    :param wait_for_transcription: also wait for the newest recording's transcription to finish.
    :param grace_seconds: how long after the call's end a missing recording is still awaited.
    :param twilio_conn_id: the ``twilio2008`` connection.
    :param poll_interval: seconds between checks.
    :param timeout_at: Unix time at which the wait times out, if any.
    """

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
        super().__init__()
        self.timeout_at = timeout_at
        self.call_sid = call_sid
        self.wait_for_transcription = bool(wait_for_transcription)
        self.grace_seconds = float(grace_seconds)
        self.twilio_conn_id = twilio_conn_id
        self.poll_interval = float(poll_interval)

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """Return the class path and JSON-safe kwargs (no secret)."""
        return (
            f"{type(self).__module__}.{type(self).__qualname__}",
            {
                "call_sid": self.call_sid,
                "wait_for_transcription": self.wait_for_transcription,
                "grace_seconds": self.grace_seconds,
                "twilio_conn_id": self.twilio_conn_id,
                "poll_interval": self.poll_interval,
                "timeout_at": self.timeout_at,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Yield one event once the recording is there (or will not come)."""
        poller = AccountPoller.shared(self.twilio_conn_id)
        async for snapshot in poller.watch(
            self.call_sid,
            self.poll_interval,
            recordings=True,
            transcriptions=self.wait_for_transcription,
        ):
            if snapshot.error is not None:
                yield _error_event(snapshot)
                return
            if _timed_out(self.timeout_at):
                yield _timeout_event(self.call_sid, self.timeout_at)
                return
            assert snapshot.call is not None
            outcome: Outcome = recording_outcome(
                snapshot.call,
                snapshot.recordings,
                snapshot.transcriptions,
                wait_for_transcription=self.wait_for_transcription,
                grace_seconds=self.grace_seconds,
                now=datetime.now(timezone.utc),
            )
            if outcome.state != "waiting":
                yield TriggerEvent(outcome.as_event())
                return
            self.log.debug("%s", outcome.message)
