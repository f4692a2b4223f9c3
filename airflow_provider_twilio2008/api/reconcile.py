"""Telling whether a create took effect, and finding the record it made, so a retry never creates twice.

The 2008 API has no idempotency key, so these rules are ours. Before a task sends
``POST /Calls`` or ``POST /SMS/Messages`` it records an :class:`Intent`: what it is about to
create, and when, **on the server's clock** (:mod:`.clock`). What happens next:

- the answer is read: the intent gets the SID, and a later try adopts that record;
- the answer says nothing was created (:func:`created_nothing`: a 4xx, a 429 or 503, a 5xx
  carrying a ``RestException``, a connection never opened): the intent is ended, and the
  retry creates;
- anything else (the answer was lost, a 5xx without a Twilio body, a 2xx that could not be
  read, a worker that died mid-request) leaves the intent open: the create may have taken
  effect, or may still be on its way. The retry waits until :attr:`Intent.settle_until`,
  then lists the account's records to that number and keeps those :func:`matches` accepts:
  one is adopted, none means nothing was created (the retry creates), several cannot be told
  apart (the task fails and says what to check).

:func:`matches` keeps a record only if the server created it inside the intent's own window
(from :attr:`Intent.created_after`, the server's time just before the request, to
:attr:`Intent.settle_until`) and it carries every value the request set that the API reports
back: ``Called`` and ``Caller`` for a call (and the ``Flags`` API bit, when reported); ``To``,
``From`` and ``Body`` for an SMS. A call or text made by another task before this one's create
is therefore never taken for it, however recently it was made.

Choices:

- The settle period (:data:`DEFAULT_SETTLE`, 60 s, the connection's ``create_settle`` extra):
  how long after a request was sent it may still be carried out. 60 s is the idle timeout of
  the common front ends (a load balancer gives up on a request it has held 60 s, and a request
  cannot reach the API after its connection is gone), and several times the longest hold seen
  in tests (10 s). A retry waits at most this long plus one request deadline.
- The window's start is rounded down to the second: ``DateCreated`` has whole seconds. Two
  creates with the same values in the same second (or the one before, the clock reading's
  precision) cannot be told apart by anything the 2008 API reports.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime, timedelta, timezone
from typing import Any, Literal

from . import validate
from .errors import (
    Twilio2008ApiError,
    Twilio2008OutcomeUnknownError,
    Twilio2008TransportError,
    Twilio2008ValidationError,
)
from .operations import ApiRequest
from .records import Call, CallFlags, SmsMessage

__all__ = [
    "DEFAULT_SETTLE",
    "Intent",
    "created_nothing",
    "hold_seconds",
    "intent_for",
    "matches",
    "may_have_taken_effect",
]

#: Seconds a create whose outcome is unknown may still take to be carried out (see the module doc).
DEFAULT_SETTLE = 60.0
#: Seconds added to a window's end for the clock reading's precision (whole seconds, one round trip).
CLOCK_PRECISION = 2.0


@dataclass(frozen=True)
class Intent:
    """What a task is about to create, recorded before the request is sent.

    :param kind: ``call`` or ``sms``.
    :param to: the number called or texted, as sent.
    :param from_: the caller or sender, as sent.
    :param body: the SMS text (SMS only).
    :param created_after: ISO-8601 UTC time on the server's clock, whole seconds, at or before
        the moment the request was sent.
    :param settle_until: ISO-8601 UTC time on the server's clock after which a create that
        may have been sent has either been carried out or never will be.
    :param sid: the SID, once the create's answer was read.
    :param ended: the create certainly made nothing; a retry creates.
    """

    kind: Literal["call", "sms"]
    to: str
    from_: str
    body: str | None = None
    created_after: str = ""
    settle_until: str = ""
    sid: str | None = None
    ended: bool = False

    def as_json(self) -> dict[str, Any]:
        """Return the intent as a JSON-safe dict (for a task state store)."""
        return {key: value for key, value in asdict(self).items() if value not in (None, False, "")}

    @classmethod
    def from_json(cls, data: Mapping[str, Any]) -> Intent:
        """Read an intent written by :meth:`as_json`.

        :param data: the stored dict.
        """
        return cls(
            kind=data["kind"],
            to=data["to"],
            from_=data["from_"],
            body=data.get("body"),
            created_after=data.get("created_after", ""),
            settle_until=data.get("settle_until", ""),
            sid=data.get("sid"),
            ended=bool(data.get("ended", False)),
        )

    @property
    def start(self) -> datetime:
        """Return :attr:`created_after` as an aware datetime."""
        return datetime.fromisoformat(self.created_after)

    @property
    def settled(self) -> datetime:
        """Return :attr:`settle_until` as an aware datetime."""
        return datetime.fromisoformat(self.settle_until)

    def same_request(self, other: Intent) -> bool:
        """Return whether ``other`` creates the same thing (kind, numbers and body).

        :param other: another intent.
        """
        return (self.kind, self.to, self.from_, self.body) == (other.kind, other.to, other.from_, other.body)

    def stamped(self, server_now: datetime, hold: float) -> Intent:
        """Return this intent as sent now: its window opens at ``server_now`` (rounded down) for ``hold`` s.

        :param server_now: a time the server's clock has certainly reached.
        :param hold: seconds after ``server_now`` in which the create may be carried out
            (:func:`hold_seconds`).
        """
        start = server_now.astimezone(timezone.utc).replace(microsecond=0)
        until = server_now + timedelta(seconds=hold + CLOCK_PRECISION)
        return replace(
            self, created_after=start.isoformat(), settle_until=until.isoformat(), sid=None, ended=False
        )

    def unsettled_at(self, server_now: datetime, settle: float) -> Intent:
        """Return this intent settling ``settle`` s after ``server_now`` (never later than it did).

        After a create failed with an unknown outcome at ``server_now``, its request was sent
        before then, so it is carried out by ``server_now + settle`` or never.

        :param server_now: a time the server's clock has certainly reached.
        :param settle: the settle period in seconds.
        """
        until = server_now + timedelta(seconds=settle + CLOCK_PRECISION)
        if self.settle_until and self.settled <= until:
            return self
        return replace(self, settle_until=until.isoformat())

    def describe(self) -> str:
        """Return a one-line description for messages."""
        what = "call" if self.kind == "call" else "SMS"
        return f"{what} from {self.from_} to {self.to} sent at {self.created_after or 'an unknown time'}"


def hold_seconds(settle: float, timeout: float, retries: int, attempt_factor: float) -> float:
    """Return how long after an intent is stamped its create may still be carried out.

    The create is tried at most ``retries + 1`` times, each attempt ending within
    ``attempt_factor x timeout``; the last one sent may then be held ``settle`` seconds.

    :param settle: the settle period (``create_settle``).
    :param timeout: the connection's request timeout.
    :param retries: the connection's retries.
    :param attempt_factor: the bound of one attempt, in timeouts (``exchange.DEADLINE_FACTOR``).
    """
    return settle + (retries + 1) * attempt_factor * timeout


def intent_for(request: ApiRequest) -> Intent:
    """Return the intent of a create request (``POST /Calls`` or ``POST /SMS/Messages``), not yet stamped.

    :param request: a request built by ``operations.make_call`` or ``operations.send_sms``.
    :raises ValueError: the request creates neither a call nor an SMS.
    """
    form = dict(request.form)
    if request.method == "POST" and request.record is Call and "Called" in form:
        return Intent(kind="call", to=form["Called"], from_=form["Caller"])
    if request.method == "POST" and request.record is SmsMessage:
        return Intent(kind="sms", to=form["To"], from_=form["From"], body=form["Body"])
    raise ValueError(f"{request.method} {request.path} creates neither a call nor an SMS")


def created_nothing(error: BaseException) -> bool:
    """Return whether a create that raised ``error`` certainly created nothing.

    True for bad input (never sent), a connection that could not be opened, and an error
    answer that says the request was refused or not processed: any 4xx (429 included), a 503,
    and a 5xx carrying Twilio's ``RestException``. False for everything else: a lost answer, a
    5xx without a Twilio body (a proxy's 502/504 may hide a create still running), a 2xx that
    could not be read, an unexpected exception.

    :param error: what the create raised.
    """
    if isinstance(error, Twilio2008ValidationError):
        return True
    if isinstance(error, Twilio2008ApiError):
        return error.status < 500 or error.status == 503 or error.rest_exception
    if isinstance(error, Twilio2008OutcomeUnknownError):
        return False
    return isinstance(error, Twilio2008TransportError)


def may_have_taken_effect(error: BaseException) -> bool:
    """Return whether a create that raised ``error`` may have made its record (not :func:`created_nothing`).

    :param error: what the create raised.
    """
    return not created_nothing(error)


def _same_number(left: str | None, right: str) -> bool:
    if not left:
        return False
    try:
        return validate.phone_number(left, "number", allow_short_code=True) == validate.phone_number(
            right, "number", allow_short_code=True
        )
    except ValueError:
        return left == right


def matches(intent: Intent, records: Iterable[Call | SmsMessage]) -> list[Call | SmsMessage]:
    """Return the records that the create behind ``intent`` may have made.

    :param intent: a stamped intent.
    :param records: calls or messages to consider (any order).
    """
    earliest, latest = intent.start, intent.settled
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
            if record.body != intent.body:
                continue
        found.append(record)
    return found
