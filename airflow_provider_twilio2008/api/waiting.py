"""What a wait on a call or a recording has come to, decided once for poke, reschedule and deferral.

The sensors (in poke and reschedule mode) and the triggers (deferrable mode) fetch records
their own way, then ask these functions what the records mean, so every mode decides alike.
Nothing here does I/O or imports Airflow.

Choices where the reference is silent:

- A call in a final status that is not in ``failed_statuses`` ends the wait successfully:
  ``failed_statuses=("failed",)`` means "busy and no answer are fine".
- A call that ended with no recording fails the wait only once ``grace_seconds`` have passed
  since its ``EndTime`` (or ``DateUpdated``): a recording is stored when ``<Record>`` ends,
  which on a real network may be a little after the call's end.
- The newest recording of the call is the one returned.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Literal

from .errors import (
    Twilio2008Error,
    Twilio2008OutcomeUnknownError,
    Twilio2008RateLimitedError,
    Twilio2008ResponseError,
    Twilio2008ServerError,
    Twilio2008TransportError,
    Twilio2008ValidationError,
)

# The records module builds a dozen dataclasses when imported (about 10 ms), and the operator
# and sensor modules import this one at DAG-parse time for its defaults: the records are
# imported where the functions below run, not here.
if TYPE_CHECKING:
    from .records import Call, CallStatus, Notification, Recording, Transcription

__all__ = [
    "DEFAULT_FAILED_STATUSES",
    "DEFAULT_RECORDING_GRACE",
    "MAX_QUOTED_NOTIFICATIONS",
    "Outcome",
    "call_outcome",
    "call_summary",
    "is_transient",
    "parse_failed_statuses",
    "recording_outcome",
    "recording_summary",
    "with_notifications",
]

#: The call statuses that fail a wait for completion unless the user says otherwise.
DEFAULT_FAILED_STATUSES = ("busy", "no-answer", "failed")
#: Seconds after a call's end during which a missing recording is still awaited.
DEFAULT_RECORDING_GRACE = 60.0


@dataclass(frozen=True)
class Outcome:
    """Where a wait stands.

    :param state: ``waiting`` (check again later), ``done`` (success) or ``failed`` (give up now).
    :param value: the JSON-safe result, when ``done``.
    :param message: why, when ``failed`` (or what is awaited, when ``waiting``).
    """

    state: Literal["waiting", "done", "failed"]
    value: dict[str, Any] | None = None
    message: str = ""

    def as_event(self) -> dict[str, Any]:
        """Return the outcome as a JSON-safe trigger event payload."""
        return {"status": self.state, "value": self.value, "message": self.message}


def call_summary(call: Call) -> dict[str, Any]:
    """Return a call as the dict tasks push to XCom: :meth:`Call.as_dict` plus ``to`` and ``from``.

    :param call: the call record.
    """
    data = call.as_dict()
    data["to"] = call.called
    data["from"] = call.caller
    return data


def parse_failed_statuses(values: Iterable[CallStatus | int | str] | str) -> frozenset[CallStatus]:
    """Read ``failed_statuses`` (names such as ``"no-answer"``, integers or members).

    :param values: the statuses; a single string is one status.
    :raises Twilio2008ValidationError: a value is not a call status, or names a status that is not final.
    """
    from .records import CallStatus
    from .validate import enumeration

    accepted = "final call statuses: 'busy', 'no-answer', 'failed' (or 'completed'), as names or integers"
    if isinstance(values, str | int):
        items: list[Any] = [values]
    elif isinstance(values, Iterable) and not isinstance(values, bytes | dict):
        items = list(values)
    else:
        raise Twilio2008ValidationError("failed_statuses", f"{values!r} is not a list of statuses", accepted)
    found: set[CallStatus] = set()
    for item in items:
        status = CallStatus(enumeration(item, "failed_statuses", CallStatus))
        if not status.is_terminal:
            raise Twilio2008ValidationError(
                "failed_statuses",
                f"{item!r} is not a final status, so a call could pass through it and fail the wait",
                "final call statuses: 'busy', 'no-answer', 'failed' (or 'completed')",
            )
        found.add(status)
    return frozenset(found)


def call_outcome(call: Call, failed_statuses: frozenset[CallStatus]) -> Outcome:
    """Decide a wait for a call to end.

    :param call: the call as last fetched.
    :param failed_statuses: final statuses that fail the wait.
    """
    if not call.status.is_terminal:
        return Outcome("waiting", message=f"call {call.sid} is {call.status.label}")
    if call.status in failed_statuses:
        return Outcome(
            "failed",
            value=call_summary(call),
            message=f"call {call.sid} to {call.called} ended {call.status.label} "
            f"(status {int(call.status)}), which is in failed_statuses",
        )
    return Outcome("done", value=call_summary(call))


#: The most notifications of a failed call quoted in its failure message.
MAX_QUOTED_NOTIFICATIONS = 3


def with_notifications(message: str, notifications: Sequence[Notification]) -> str:
    """Return a failed call's message followed by what Twilio's notifications for the call say.

    A call that failed because its TwiML URL was unreachable or its document was invalid ends
    ``failed`` with the reason only in a Notification (11200, 12100...): the task's error says it.

    :param message: the failure message.
    :param notifications: the call's notifications, newest first (at most
        :data:`MAX_QUOTED_NOTIFICATIONS` are quoted).
    """
    if not notifications:
        return message
    quoted = []
    for note in notifications[:MAX_QUOTED_NOTIFICATIONS]:
        where = f" (requesting {note.request_url})" if note.request_url else ""
        quoted.append(f"{note.error_code} {note.message_text or ''}{where}; see {note.more_info}".strip())
    return f"{message}. Twilio's notifications for the call: " + " | ".join(quoted)


def recording_summary(recording: Recording, transcription: Transcription | None) -> dict[str, Any]:
    """Return a recording as the dict tasks push to XCom, with its transcription when there is one.

    :param recording: the recording record.
    :param transcription: its transcription, or ``None``.
    """
    data = recording.as_dict()
    if transcription is not None:
        data["transcription_sid"] = transcription.sid
        data["transcription_status"] = transcription.status.value if transcription.status else None
        data["transcription_text"] = transcription.transcription_text
    return data


def recording_outcome(
    call: Call,
    recordings: Sequence[Recording],
    transcriptions: Mapping[str, Sequence[Transcription]],
    *,
    wait_for_transcription: bool,
    grace_seconds: float,
    now: datetime | None = None,
) -> Outcome:
    """Decide a wait for a call's recording (and, when asked, its finished transcription).

    :param call: the call as last fetched.
    :param recordings: the call's recordings, any order.
    :param transcriptions: transcriptions by recording SID.
    :param wait_for_transcription: also wait until the newest recording's transcription finished.
    :param grace_seconds: how long after the call's end a missing recording is still awaited.
    :param now: the current time (defaults to now, UTC).
    """
    from .records import TranscriptionStatus

    mine = [recording for recording in recordings if recording.call_sid in (None, call.sid)]
    if not mine:
        if call.status.is_terminal:
            ended = call.end_time or call.date_updated
            waited = (now or datetime.now(timezone.utc)) - ended if ended else None
            if waited is None or waited.total_seconds() >= grace_seconds:
                return Outcome(
                    "failed",
                    message=f"call {call.sid} ended {call.status.label} with no recording "
                    f"(waited {grace_seconds:g} s after its end)",
                )
        return Outcome("waiting", message=f"no recording of call {call.sid} yet")
    newest = max(mine, key=_created)
    if not wait_for_transcription:
        return Outcome("done", value=recording_summary(newest, None))
    found = sorted(transcriptions.get(newest.sid, ()), key=_created, reverse=True)
    if not found:
        return Outcome("waiting", message=f"no transcription of recording {newest.sid} yet")
    transcription = found[0]
    if transcription.status is TranscriptionStatus.FAILED:
        return Outcome(
            "failed",
            value=recording_summary(newest, transcription),
            message=f"transcription {transcription.sid} of recording {newest.sid} failed",
        )
    if transcription.status is not TranscriptionStatus.COMPLETED:
        return Outcome("waiting", message=f"transcription {transcription.sid} is in progress")
    return Outcome("done", value=recording_summary(newest, transcription))


def _created(record: Recording | Transcription) -> datetime:
    return record.date_created or datetime.min.replace(tzinfo=timezone.utc)


def is_transient(error: Twilio2008Error) -> bool:
    """Return whether a failed check is worth trying again later (the wait goes on).

    Server errors, rate limits, lost or refused connections and unreadable bodies are
    transient; bad credentials, unknown SIDs and bad input are not.

    :param error: the error a check raised.
    """
    if isinstance(error, Twilio2008OutcomeUnknownError):
        return False
    if isinstance(error, Twilio2008TransportError | Twilio2008ServerError | Twilio2008RateLimitedError):
        return True
    if isinstance(error, Twilio2008ResponseError):
        return True
    return False
