"""The filters of each list operation, declared once: the hook builds its query, the emulator filters.

A list request narrows what it lists with query parameters that name an element of the listed
record: ``GET Calls?Called=4155550100&StartTime>=2026-01-05``. Each :class:`ListFilters`
declares them for one list: the exact-match ones (:class:`Exact`: wire name, Python argument,
check) and the date ones (:class:`Dated`: wire name and the stem of its three arguments,
``started_on``, ``started_after`` and ``started_before`` for ``StartTime``, ``StartTime>`` and
``StartTime<`` on the wire, the ``=`` of ``>=`` being the query's own). The hook checks and
encodes through :meth:`ListFilters.query`; the emulator reads the same declaration to know which
query keys filter what (``emulator/rest/endpoint.listed``), so a filter added here is honoured by
both, and one a record does not carry is refused when this module is imported.

Exact values are compared as the wire writes them (statuses as their numbers, flags as
``true``/``false``), without trimming (inferred: the 2008 pages do not say whether Twilio
trimmed filter values; the hook never sends padded ones).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from . import validate
from .records import (
    Call,
    CallStatus,
    Conference,
    ConferenceStatus,
    IncomingPhoneNumber,
    Notification,
    NotificationLog,
    OutgoingCallerId,
    Participant,
    Record,
    Recording,
    SmsMessage,
)

__all__ = [
    "CALLS",
    "CONFERENCES",
    "INCOMING_PHONE_NUMBERS",
    "NOTIFICATIONS",
    "OUTGOING_CALLER_IDS",
    "PARTICIPANTS",
    "RECORDINGS",
    "ROOM_NAME_MAX",
    "SMS_MESSAGES",
    "Dated",
    "Exact",
    "ListFilters",
    "date_keys",
]

#: ``check(value, argument, wire)`` returns the value's wire text, or raises
#: ``Twilio2008ValidationError`` naming the argument.
FilterCheck = Callable[[Any, str, str], Any]

#: Longest conference room name accepted as a filter (ours: the 2008 pages give no limit).
ROOM_NAME_MAX = 256


def date_keys(wire: str) -> tuple[str, str, str]:
    """Return the query keys of a date filter: on the day, on or after it, on or before it.

    :param wire: the date element (``StartTime``).
    """
    return wire, f"{wire}>", f"{wire}<"


@dataclass(frozen=True)
class Exact:
    """An exact-match filter.

    :param wire: the query key, also the listed record's element (``Called``).
    :param arg: the Python argument it comes from (``to``).
    :param check: checks a given value and returns its wire text (see :data:`FilterCheck`).
    """

    wire: str
    arg: str
    check: FilterCheck


@dataclass(frozen=True)
class Dated:
    """A date filter, on a day, on or after one, on or before one.

    :param wire: the date element (``StartTime``).
    :param stem: its arguments' stem: ``started`` gives ``started_on``, ``started_after`` and
        ``started_before``.
    """

    wire: str
    stem: str

    def args(self) -> tuple[str, str, str]:
        """Return the Python arguments, in the order of :func:`date_keys`."""
        return f"{self.stem}_on", f"{self.stem}_after", f"{self.stem}_before"


@dataclass(frozen=True)
class ListFilters:
    """The filters of one list operation.

    :param record: the record listed; every filter names one of its elements.
    :param exact: the exact-match filters.
    :param dated: the date filters.
    :raises ValueError: a filter names no element of ``record`` (a mistake in this module).
    """

    record: type[Record]
    exact: tuple[Exact, ...] = ()
    dated: tuple[Dated, ...] = ()

    def __post_init__(self) -> None:
        elements = {element for _, element, _ in self.record.wire_fields()}
        wires = [f.wire for f in self.exact] + [f.wire for f in self.dated]
        strays = [wire for wire in wires if wire not in elements]
        if strays:
            raise ValueError(f"{self.record.__name__} has no element {', '.join(strays)} to filter on")

    def attribute(self, wire: str) -> str:
        """Return the record attribute holding the element a filter names.

        :param wire: the filter's element (``Called``).
        """
        return next(attribute for attribute, element, _ in self.record.wire_fields() if element == wire)

    def query(self, **values: Any) -> tuple[tuple[str, str], ...]:
        """Return the query of the given filters, each checked, in declared order; ``None`` is left out.

        :param values: the filter arguments, by Python name (``to=``, ``started_after=``).
        :raises TypeError: an argument this list does not take (a mistake in the caller).
        :raises Twilio2008ValidationError: a value refused, naming its argument.
        """
        known = {f.arg for f in self.exact} | {arg for f in self.dated for arg in f.args()}
        unknown = sorted(set(values) - known)
        if unknown:
            raise TypeError(f"{self.record.__name__} lists take no filter {', '.join(unknown)}")
        query: list[tuple[str, str]] = []
        for exact in self.exact:
            value = values.get(exact.arg)
            if value is not None:
                query.append((exact.wire, str(exact.check(value, exact.arg, exact.wire))))
        for dated in self.dated:
            for key, arg in zip(date_keys(dated.wire), dated.args(), strict=True):
                value = values.get(arg)
                if value is not None:
                    query.append((key, validate.filter_date(value, arg)))
        return tuple(query)


def _phone(value: Any, arg: str, wire: str) -> str:
    return validate.phone_number(value, arg, param=wire)


def _sms_phone(value: Any, arg: str, wire: str) -> str:
    return validate.phone_number(value, arg, param=wire, allow_short_code=True)


def _level(members: type[CallStatus] | type[ConferenceStatus] | type[NotificationLog]) -> FilterCheck:
    """Return the check of a status filter: a member, its number or its name, sent as its number."""

    def check(value: Any, arg: str, wire: str) -> int:
        return int(validate.enumeration(value, arg, members, param=wire))

    return check


def _label(max_length: int) -> FilterCheck:
    """Return the check of a one-line text filter of at most ``max_length`` characters."""

    def check(value: Any, arg: str, wire: str) -> str:
        return validate.text(value, arg, param=wire, max_length=max_length, one_line=True)

    return check


def _flag(value: Any, arg: str, wire: str) -> str:
    return "true" if validate.flag(value, arg, param=wire) else "false"


def _call_sid(value: Any, arg: str, wire: str) -> str:
    return validate.sid(value, validate.CALL, arg)


CALLS = ListFilters(
    Call,
    (
        Exact("Called", "to", _phone),
        Exact("Caller", "from_", _phone),
        Exact("Status", "status", _level(CallStatus)),
    ),
    (Dated("StartTime", "started"),),
)
"""``GET Calls`` (reference §3.3)."""

SMS_MESSAGES = ListFilters(
    SmsMessage,
    (Exact("To", "to", _sms_phone), Exact("From", "from_", _sms_phone)),
    (Dated("DateSent", "sent"),),
)
"""``GET SMS/Messages`` (reference §3.5)."""

CONFERENCES = ListFilters(
    Conference,
    (
        Exact("Status", "status", _level(ConferenceStatus)),
        Exact("FriendlyName", "friendly_name", _label(ROOM_NAME_MAX)),
    ),
    (Dated("DateCreated", "created"), Dated("DateUpdated", "updated")),
)
"""``GET Conferences`` (reference §3.11)."""

PARTICIPANTS = ListFilters(Participant, (Exact("Muted", "muted", _flag),))
"""``GET Conferences/{ConferenceSid}/Participants`` (reference §3.12)."""

RECORDINGS = ListFilters(
    Recording, (Exact("CallSid", "call_sid", _call_sid),), (Dated("DateCreated", "created"),)
)
"""``GET Recordings``."""

NOTIFICATIONS = ListFilters(
    Notification, (Exact("Log", "log", _level(NotificationLog)),), (Dated("MessageDate", "created"),)
)
"""``GET Notifications`` and a call's (the filters are inferred)."""

_NUMBER_FILTERS = (
    Exact("PhoneNumber", "phone_number", _phone),
    Exact("FriendlyName", "friendly_name", _label(validate.FRIENDLY_NAME_MAX)),
)

OUTGOING_CALLER_IDS = ListFilters(OutgoingCallerId, _NUMBER_FILTERS)
"""``GET OutgoingCallerIds``."""

INCOMING_PHONE_NUMBERS = ListFilters(IncomingPhoneNumber, _NUMBER_FILTERS)
"""``GET IncomingPhoneNumbers`` (and its ``Local`` and ``TollFree`` lists)."""
