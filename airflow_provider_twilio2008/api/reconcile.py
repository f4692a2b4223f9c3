"""Finding the call or SMS an earlier attempt may have created, so a retry never creates it twice.

Before a task sends ``POST /Calls`` or ``POST /SMS/Messages`` it records an :class:`Intent`
(what it is about to create, and when). When a later attempt finds an intent without a SID (the
answer was lost, or the worker died between the create and recording its SID), it lists the
account's calls or messages to that number from that caller, newest first, and keeps those
created inside the intent's window (:func:`matches`):

- exactly one match: that is the record the earlier attempt created; adopt it;
- none: the earlier attempt created nothing; creating now is safe;
- several: we cannot tell which is ours; the task fails and says what to check.

Choices (the 2008 API has no idempotency key, so these are ours):

- The window runs from :data:`CLOCK_SKEW` seconds before the intent to ``window`` seconds
  after it (by default :data:`DEFAULT_WINDOW`, longer than any create with its retries takes),
  so a later, unrelated call to the same number is not taken for ours.
- An SMS must also have the same body. A call must have been placed through the API
  (``Flags`` API bit), when the server reports flags.
- Numbers are compared as the API writes them (after :func:`.validate.phone_number`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any, Literal

from . import validate
from .operations import ApiRequest
from .records import Call, CallFlags, SmsMessage

__all__ = ["CLOCK_SKEW", "DEFAULT_WINDOW", "Intent", "intent_for", "matches", "window_start"]

#: Seconds a server's clock may run behind ours.
CLOCK_SKEW = 120.0
#: Seconds after the intent in which the create can have happened.
DEFAULT_WINDOW = 900.0


@dataclass(frozen=True)
class Intent:
    """What a task is about to create, recorded before the request is sent.

    :param kind: ``call`` or ``sms``.
    :param to: the number called or texted, as sent.
    :param from_: the caller or sender, as sent.
    :param created_after: ISO-8601 UTC time just before the request was sent.
    :param body: the SMS text (SMS only).
    :param sid: the SID, once the create's answer was read.
    """

    kind: Literal["call", "sms"]
    to: str
    from_: str
    created_after: str
    body: str | None = None
    sid: str | None = None

    def as_json(self) -> dict[str, Any]:
        """Return the intent as a JSON-safe dict (for a task state store)."""
        return {key: value for key, value in asdict(self).items() if value is not None}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Intent:
        """Read an intent written by :meth:`as_json`.

        :param data: the stored dict.
        """
        return cls(
            kind=data["kind"],
            to=data["to"],
            from_=data["from_"],
            created_after=data["created_after"],
            body=data.get("body"),
            sid=data.get("sid"),
        )

    @property
    def started(self) -> datetime:
        """Return :attr:`created_after` as an aware datetime."""
        return datetime.fromisoformat(self.created_after)

    def describe(self) -> str:
        """Return a one-line description for error messages."""
        what = "call" if self.kind == "call" else "SMS"
        return f"{what} from {self.from_} to {self.to} started at {self.created_after}"


def intent_for(request: ApiRequest) -> Intent:
    """Return the intent of a create request (``POST /Calls`` or ``POST /SMS/Messages``), not yet stamped.

    :param request: a request built by ``operations.make_call`` or ``operations.send_sms``.
    :raises ValueError: the request creates neither a call nor an SMS.
    """
    form = dict(request.form)
    if request.method == "POST" and request.record is Call and "Called" in form:
        return Intent(kind="call", to=form["Called"], from_=form["Caller"], created_after="")
    if request.method == "POST" and request.record is SmsMessage:
        return Intent(kind="sms", to=form["To"], from_=form["From"], created_after="", body=form["Body"])
    raise ValueError(f"{request.method} {request.path} creates neither a call nor an SMS")


def window_start(intent: Intent) -> datetime:
    """Return the earliest creation time a match may have.

    :param intent: the recorded intent.
    """
    return intent.started - timedelta(seconds=CLOCK_SKEW)


def _same_number(left: str | None, right: str) -> bool:
    if not left:
        return False
    try:
        return validate.phone_number(left, "number", allow_short_code=True) == validate.phone_number(
            right, "number", allow_short_code=True
        )
    except ValueError:
        return left == right


def matches(
    intent: Intent, records: Iterable[Call | SmsMessage], *, window: float = DEFAULT_WINDOW
) -> list[Call | SmsMessage]:
    """Return the records that the attempt behind ``intent`` may have created.

    :param intent: the recorded intent.
    :param records: calls or messages to consider (any order).
    :param window: seconds after the intent in which the create can have happened.
    """
    earliest = window_start(intent)
    latest = intent.started + timedelta(seconds=window)
    found: list[Call | SmsMessage] = []
    for record in records:
        created = record.date_created
        if created is None or not earliest <= created <= latest:
            continue
        if isinstance(record, Call):
            if record.is_segment or not _same_number(record.called, intent.to):
                continue
            if not _same_number(record.caller, intent.from_):
                continue
            if record.flags is not None and not record.flags & CallFlags.API:
                continue
        else:
            if not _same_number(record.to, intent.to) or not _same_number(record.from_, intent.from_):
                continue
            if intent.body is not None and record.body != intent.body:
                continue
        found.append(record)
    return found
