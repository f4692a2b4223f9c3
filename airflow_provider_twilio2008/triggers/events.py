"""The triggers' event payloads: build them, and turn one into a task result or a clear failure.

Light on purpose: sensors and operators import it when they resume, so it imports only
Airflow's exceptions (and those only in :func:`resolve_event`).
"""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

__all__ = ["error_payload", "resolve_event", "timed_out", "timeout_payload"]


def error_payload(error: BaseException) -> dict[str, Any]:
    """Return the event payload of an error that retrying the check would not fix.

    :param error: the error (its message holds no secret: the package's errors never do).
    """
    return {"status": "error", "value": None, "message": str(error), "error": type(error).__name__}


def timed_out(timeout_at: float | None) -> bool:
    """Return whether the wait's deadline has passed.

    :param timeout_at: Unix time of the deadline, or ``None`` for none.
    """
    return timeout_at is not None and time.time() >= timeout_at


def timeout_payload(what: str, timeout_at: float | None) -> dict[str, Any]:
    """Return the event payload of a wait whose deadline passed.

    :param what: what was awaited ("call CA...").
    :param timeout_at: Unix time of the deadline.
    """
    when = datetime.fromtimestamp(timeout_at or 0, timezone.utc).isoformat(timespec="seconds")
    return {"status": "timeout", "value": None, "message": f"still waiting for {what} at {when}"}


def resolve_event(event: dict[str, Any] | None, what: str) -> Any:
    """Return the event's value, or raise the failure it reports.

    :param event: the payload a trigger of :mod:`.calls` yielded.
    :param what: what was awaited, for messages ("call CA...").
    :raises AirflowFailException: the wait failed for good; no retry would change that.
    :raises AirflowSensorTimeout: the wait's deadline passed (not retried).
    :raises AirflowException: the event is not one of ours.
    """
    from airflow.sdk.exceptions import AirflowException, AirflowFailException, AirflowSensorTimeout

    if not isinstance(event, dict) or event.get("status") not in ("done", "failed", "error", "timeout"):
        raise AirflowException(f"unexpected trigger event while waiting for {what}: {event!r}")
    if event["status"] == "done":
        return event.get("value")
    if event["status"] == "timeout":
        raise AirflowSensorTimeout(f"timed out: {event.get('message') or what}")
    if event["status"] == "error":
        kind = event.get("error", "error")
        raise AirflowFailException(f"{kind} while waiting for {what}: {event['message']}")
    raise AirflowFailException(event.get("message") or f"the wait for {what} failed")
