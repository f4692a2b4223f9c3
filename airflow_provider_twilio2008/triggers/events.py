"""Turn a trigger event (or a poke's outcome) into a task result or a clear failure.

Light on purpose: sensors and operators import it when they resume, so it imports only
Airflow's exceptions.
"""

from __future__ import annotations

from typing import Any

__all__ = ["resolve_event"]


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
