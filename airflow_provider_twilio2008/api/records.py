"""Typed records for every 2008-08-01 resource, and the enums of their coded fields.

Each record is a frozen dataclass whose fields are declared in wire order with the element
name and codec they map to (see :func:`element`). The XML reader and writer in
:mod:`.xml` and the other representations of the emulator walk that declaration, so an
element name is written exactly once, here.

Choices where the reference says *inferred*:

- ``CallSegmentSid`` has no example value anywhere; we treat it as a Call-shaped SID
  (``CA`` + 32 hex digits).
- SMS ``Status`` also accepts ``received`` for inbound messages (a 2010 value; 2008 is silent).
- Call ``Annotation`` is not part of the documented property table, so it is not modelled;
  the reader ignores elements it does not know.
"""

from __future__ import annotations

import dataclasses
import enum
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any, ClassVar, Generic, TypeVar

from pendulum import DateTime

from .codecs import (
    BOOL_ONE_ZERO,
    BOOL_TRUE_FALSE,
    EPOCH,
    INT,
    MONEY,
    RFC2822,
    TEXT,
    Codec,
    enum_codec,
)

__all__ = [
    "Account",
    "AccountStatus",
    "Call",
    "CallFlags",
    "CallStatus",
    "Conference",
    "ConferenceStatus",
    "IncomingPhoneNumber",
    "Notification",
    "NotificationLog",
    "OutgoingCallerId",
    "Page",
    "Participant",
    "Record",
    "Recording",
    "SmsFlags",
    "SmsMessage",
    "SmsStatus",
    "Transcription",
    "TranscriptionStatus",
    "ValidationRequest",
    "element",
]


class CallStatus(enum.IntEnum):
    """A call's integer ``Status`` (0-5), knowing which values are final and which succeeded.

    A status has one spelling outside Python: its :attr:`label` (``"completed"``,
    ``"no-answer"``), the ``status_name`` of every XCom value and log line and what
    ``failed_statuses`` accepts. ``CallStatus.NO_ANSWER.name`` is only the Python member's name.
    """

    QUEUED = 0
    """Not yet dialed."""
    IN_PROGRESS = 1
    COMPLETED = 2
    BUSY = 3
    """Failed: the line was busy."""
    FAILED = 4
    """Failed: application error (bad TwiML, unreachable Url) or the call could not be placed."""
    NO_ANSWER = 5
    """Failed: nobody picked up within ``Timeout``."""

    @property
    def is_terminal(self) -> bool:
        """Whether the call has ended and its status will not change again."""
        return self >= CallStatus.COMPLETED

    @property
    def succeeded(self) -> bool:
        """Whether the call ended as completed (answered and run to its end)."""
        return self is CallStatus.COMPLETED

    @property
    def callback_value(self) -> str | None:
        """The ``CallStatus`` string sent to TwiML applications (the reference's inferred pairing)."""
        return _CALLBACK_STATUS.get(self)

    @property
    def label(self) -> str:
        """The status's one spelling in XCom, logs and ``failed_statuses``: ``"queued"``, ``"no-answer"``."""
        return _CALLBACK_STATUS.get(self) or "queued"

    @classmethod
    def from_label(cls, label: str) -> CallStatus:
        """Return the status spelled ``label`` (``"no-answer"``), as :attr:`label` gives it.

        :param label: a status label.
        :raises ValueError: no status is spelled so.
        """
        for status in cls:
            if status.label == label:
                return status
        raise ValueError(f"{label!r} is not a call status label ({', '.join(s.label for s in cls)})")


_CALLBACK_STATUS = {
    CallStatus.IN_PROGRESS: "in-progress",
    CallStatus.COMPLETED: "completed",
    CallStatus.BUSY: "busy",
    CallStatus.FAILED: "failed",
    CallStatus.NO_ANSWER: "no-answer",
}


class CallFlags(enum.IntFlag):
    """Bits of a call's ``Flags``: how the call or segment was started."""

    INBOUND = 1
    API = 2
    DIAL = 4
    """A segment started by ``<Dial>``."""


class SmsStatus(str, enum.Enum):
    """An SMS ``Status``: ``queued`` then ``sending`` then ``sent`` or ``failed``."""

    QUEUED = "queued"
    SENDING = "sending"
    SENT = "sent"
    FAILED = "failed"
    RECEIVED = "received"
    """Inbound message (a 2010 value; 2008 does not name one, so we chose it)."""

    @property
    def is_terminal(self) -> bool:
        """Whether the message has reached a final status."""
        return self in (SmsStatus.SENT, SmsStatus.FAILED, SmsStatus.RECEIVED)


class SmsFlags(enum.IntFlag):
    """Bits of an SMS ``Flags``."""

    INBOUND = 1
    REPLY = 2
    API = 4


class TranscriptionStatus(str, enum.Enum):
    """A transcription's ``Status``."""

    IN_PROGRESS = "in-progress"
    COMPLETED = "completed"
    FAILED = "failed"

    @property
    def is_terminal(self) -> bool:
        """Whether the transcription has finished, one way or the other."""
        return self is not TranscriptionStatus.IN_PROGRESS


class NotificationLog(enum.IntEnum):
    """A notification's ``Log`` level."""

    ERROR = 0
    WARNING = 1


class ConferenceStatus(enum.IntEnum):
    """A conference's ``Status``."""

    INIT = 0
    IN_PROGRESS = 1
    COMPLETED = 2


class AccountStatus(enum.IntEnum):
    """An account's ``Status``: 2 is active, 1 inactive, 4/16/32 suspended."""

    INACTIVE = 1
    ACTIVE = 2
    SUSPENDED = 4
    SUSPENDED_16 = 16
    SUSPENDED_32 = 32


def element(name: str, codec: Codec = TEXT, *, required: bool = False, secret: bool = False) -> Any:
    """Declare a record field stored in the XML element ``name``.

    :param name: the element name, exactly as on the wire.
    :param codec: how the element text maps to the field value.
    :param required: the record is unreadable without it (it then has no default).
    :param secret: keep the value out of ``repr`` and :meth:`Record.as_dict`.
    """
    metadata = {"element": name, "codec": codec, "secret": secret}
    if required:
        return field(metadata=metadata, repr=not secret)
    return field(default=None, metadata=metadata, repr=not secret)


@dataclass(frozen=True, kw_only=True)
class Record:
    """Base of the typed records: one XML element with one child element per field."""

    TAG: ClassVar[str] = ""
    LIST_TAG: ClassVar[str] = ""

    @classmethod
    def wire_fields(cls) -> tuple[tuple[str, str, Codec], ...]:
        """Return ``(attribute, element, codec)`` for every field, in wire order."""
        cached = cls.__dict__.get("_wire_fields")
        if cached is None:
            cached = tuple(
                (f.name, f.metadata["element"], f.metadata["codec"]) for f in dataclasses.fields(cls)
            )
            cls._wire_fields = cached  # type: ignore[attr-defined]
        return cached

    @classmethod
    def secret_fields(cls) -> frozenset[str]:
        """Return the attribute names kept out of ``repr`` and ``as_dict``."""
        return frozenset(f.name for f in dataclasses.fields(cls) if f.metadata["secret"])

    def as_dict(self) -> dict[str, Any]:
        """Return a JSON-safe dict (ISO-8601 dates, ints, strings) for XCom or logs, without secrets.

        Keys are the attribute names, except that ``from_`` (named so only because ``from`` is a
        Python keyword) is ``from``: every dict the provider gives has ``from`` and ``to``.
        """
        secrets = self.secret_fields()
        return {
            name.rstrip("_"): json_safe(getattr(self, name))
            for name, _element, _codec in self.wire_fields()
            if name not in secrets
        }


def json_safe(value: Any) -> Any:
    """Return ``value`` as a JSON-safe scalar.

    :param value: a record field value.
    """
    if value is None or isinstance(value, bool):
        return value
    if isinstance(value, enum.IntFlag | enum.IntEnum):
        return int(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


_CALL_STATUS = enum_codec(CallStatus, integer=True)


@dataclass(frozen=True, kw_only=True)
class Account(Record):
    """An account (``AC`` SID). ``auth_token`` is present only when the server shows it."""

    TAG: ClassVar[str] = "Account"
    LIST_TAG: ClassVar[str] = "Accounts"

    sid: str = element("Sid", required=True)
    friendly_name: str | None = element("FriendlyName")
    status: AccountStatus | None = element("Status", enum_codec(AccountStatus, integer=True))
    status_text: str | None = element("StatusText")
    date_created: DateTime | None = element("DateCreated", RFC2822)
    date_updated: DateTime | None = element("DateUpdated", RFC2822)
    auth_token: str | None = element("AuthToken", secret=True)


@dataclass(frozen=True, kw_only=True)
class Call(Record):
    """A call, or one segment of it (segments share ``sid`` and differ by ``call_segment_sid``)."""

    TAG: ClassVar[str] = "Call"
    LIST_TAG: ClassVar[str] = "Calls"

    sid: str = element("Sid", required=True)
    date_created: DateTime | None = element("DateCreated", RFC2822)
    date_updated: DateTime | None = element("DateUpdated", RFC2822)
    call_segment_sid: str | None = element("CallSegmentSid")
    account_sid: str | None = element("AccountSid")
    called: str | None = element("Called")
    caller: str | None = element("Caller")
    phone_number_sid: str | None = element("PhoneNumberSid")
    status: CallStatus = element("Status", _CALL_STATUS, required=True)
    start_time: DateTime | None = element("StartTime", RFC2822)
    end_time: DateTime | None = element("EndTime", RFC2822)
    duration: int | None = element("Duration", INT)
    price: Decimal | None = element("Price", MONEY)
    flags: CallFlags | None = element("Flags", enum_codec(CallFlags, integer=True))

    @property
    def is_segment(self) -> bool:
        """Whether this record is a ``<Dial>`` segment rather than the initial call."""
        return bool(self.call_segment_sid)

    def as_dict(self) -> dict[str, Any]:
        """Return the call as :meth:`Record.as_dict` does, plus ``status_name`` (:attr:`CallStatus.label`)."""
        data = super().as_dict()
        data["status_name"] = self.status.label
        return data


@dataclass(frozen=True, kw_only=True)
class SmsMessage(Record):
    """An SMS message (``SM`` SID)."""

    TAG: ClassVar[str] = "SMSMessage"
    LIST_TAG: ClassVar[str] = "SMSMessages"

    sid: str = element("Sid", required=True)
    date_created: DateTime | None = element("DateCreated", RFC2822)
    date_updated: DateTime | None = element("DateUpdated", RFC2822)
    date_sent: DateTime | None = element("DateSent", RFC2822)
    account_sid: str | None = element("AccountSid")
    to: str | None = element("To")
    from_: str | None = element("From")
    body: str | None = element("Body")
    status: SmsStatus = element("Status", enum_codec(SmsStatus, integer=False), required=True)
    flags: SmsFlags | None = element("Flags", enum_codec(SmsFlags, integer=True))


@dataclass(frozen=True, kw_only=True)
class Recording(Record):
    """A recording made by ``<Record>`` (``RE`` SID); its media is at the instance URI."""

    TAG: ClassVar[str] = "Recording"
    LIST_TAG: ClassVar[str] = "Recordings"

    sid: str = element("Sid", required=True)
    account_sid: str | None = element("AccountSid")
    call_sid: str | None = element("CallSid")
    duration: int | None = element("Duration", INT)
    date_created: DateTime | None = element("DateCreated", RFC2822)
    date_updated: DateTime | None = element("DateUpdated", RFC2822)


@dataclass(frozen=True, kw_only=True)
class Transcription(Record):
    """A transcription of a recording (``TR`` SID); its dates are epoch seconds on the wire."""

    TAG: ClassVar[str] = "Transcription"
    LIST_TAG: ClassVar[str] = "Transcriptions"

    sid: str = element("Sid", required=True)
    date_created: DateTime | None = element("DateCreated", EPOCH)
    date_updated: DateTime | None = element("DateUpdated", EPOCH)
    account_sid: str | None = element("AccountSid")
    status: TranscriptionStatus | None = element("Status", enum_codec(TranscriptionStatus, integer=False))
    recording_sid: str | None = element("RecordingSid")
    duration: int | None = element("Duration", INT)
    transcription_text: str | None = element("TranscriptionText")
    price: Decimal | None = element("Price", MONEY)


@dataclass(frozen=True, kw_only=True)
class Notification(Record):
    """A debug-log entry (``NO`` SID); request/response details appear on the instance only."""

    TAG: ClassVar[str] = "Notification"
    LIST_TAG: ClassVar[str] = "Notifications"

    sid: str = element("Sid", required=True)
    date_created: DateTime | None = element("DateCreated", RFC2822)
    date_updated: DateTime | None = element("DateUpdated", RFC2822)
    account_sid: str | None = element("AccountSid")
    call_sid: str | None = element("CallSid")
    log: NotificationLog | None = element("Log", enum_codec(NotificationLog, integer=True))
    error_code: int | None = element("ErrorCode", INT)
    more_info: str | None = element("MoreInfo")
    message_text: str | None = element("MessageText")
    message_date: DateTime | None = element("MessageDate", RFC2822)
    request_url: str | None = element("RequestURL")
    request_method: str | None = element("RequestMethod")
    request_variables: str | None = element("RequestVariables")
    response_headers: str | None = element("ResponseHeaders")
    response_body: str | None = element("ResponseBody")


@dataclass(frozen=True, kw_only=True)
class OutgoingCallerId(Record):
    """A validated caller ID (``PN`` SID) usable as ``Caller``."""

    TAG: ClassVar[str] = "OutgoingCallerId"
    LIST_TAG: ClassVar[str] = "OutgoingCallerIds"

    sid: str = element("Sid", required=True)
    date_created: DateTime | None = element("DateCreated", RFC2822)
    date_updated: DateTime | None = element("DateUpdated", RFC2822)
    friendly_name: str | None = element("FriendlyName")
    account_sid: str | None = element("AccountSid")
    phone_number: str | None = element("PhoneNumber")


@dataclass(frozen=True, kw_only=True)
class ValidationRequest(Record):
    """The answer to a caller-ID validation request: the code the callee must key in."""

    TAG: ClassVar[str] = "ValidationRequest"
    LIST_TAG: ClassVar[str] = ""

    account_sid: str | None = element("AccountSid")
    phone_number: str = element("PhoneNumber", required=True)
    friendly_name: str | None = element("FriendlyName")
    validation_code: str | None = element("ValidationCode")


@dataclass(frozen=True, kw_only=True)
class IncomingPhoneNumber(Record):
    """A Twilio number owned by the account (``PN`` SID)."""

    TAG: ClassVar[str] = "IncomingPhoneNumber"
    LIST_TAG: ClassVar[str] = "IncomingPhoneNumbers"

    sid: str = element("Sid", required=True)
    account_sid: str | None = element("AccountSid")
    friendly_name: str | None = element("FriendlyName")
    phone_number: str | None = element("PhoneNumber")
    url: str | None = element("Url")
    method: str | None = element("Method")
    sms_url: str | None = element("SmsUrl")
    sms_method: str | None = element("SmsMethod")
    voice_fallback_url: str | None = element("VoiceFallbackUrl")
    voice_fallback_method: str | None = element("VoiceFallbackMethod")
    sms_fallback_url: str | None = element("SmsFallbackUrl")
    sms_fallback_method: str | None = element("SmsFallbackMethod")
    voice_caller_id_lookup: bool | None = element("VoiceCallerIdLookup", BOOL_TRUE_FALSE)
    date_created: DateTime | None = element("DateCreated", RFC2822)
    date_updated: DateTime | None = element("DateUpdated", RFC2822)


@dataclass(frozen=True, kw_only=True)
class Conference(Record):
    """One start-to-end run of a conference room (``CF`` SID)."""

    TAG: ClassVar[str] = "Conference"
    LIST_TAG: ClassVar[str] = "Conferences"

    sid: str = element("Sid", required=True)
    account_sid: str | None = element("AccountSid")
    friendly_name: str | None = element("FriendlyName")
    status: ConferenceStatus | None = element("Status", enum_codec(ConferenceStatus, integer=True))
    date_created: DateTime | None = element("DateCreated", RFC2822)
    date_updated: DateTime | None = element("DateUpdated", RFC2822)


@dataclass(frozen=True, kw_only=True)
class Participant(Record):
    """A call taking part in a conference, identified by its ``CallSid``."""

    TAG: ClassVar[str] = "Participant"
    LIST_TAG: ClassVar[str] = "Participants"

    conference_sid: str | None = element("ConferenceSid")
    account_sid: str | None = element("AccountSid")
    call_sid: str = element("CallSid", required=True)
    muted: bool | None = element("Muted", BOOL_TRUE_FALSE)
    start_conference_on_enter: bool | None = element("StartConferenceOnEnter", BOOL_ONE_ZERO)
    end_conference_on_exit: bool | None = element("EndConferenceOnExit", BOOL_ONE_ZERO)
    date_created: DateTime | None = element("DateCreated", RFC2822)
    date_updated: DateTime | None = element("DateUpdated", RFC2822)


R = TypeVar("R", bound=Record)

#: Paging attributes of a list element, in wire order, with their Python names.
PAGE_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("page", "page"),
    ("num_pages", "numpages"),
    ("page_size", "pagesize"),
    ("total", "total"),
    ("start", "start"),
    ("end", "end"),
)
#: Page URI attributes (emitted by later 2008 servers; may be absent).
PAGE_URI_ATTRIBUTES: tuple[tuple[str, str], ...] = (
    ("uri", "uri"),
    ("first_page_uri", "firstpageuri"),
    ("previous_page_uri", "previouspageuri"),
    ("next_page_uri", "nextpageuri"),
    ("last_page_uri", "lastpageuri"),
)


@dataclass(frozen=True)
class Page(Generic[R]):
    """One page of a list resource and its paging attributes (``page`` is zero-based)."""

    items: tuple[R, ...]
    page: int = 0
    num_pages: int = 0
    page_size: int = 0
    total: int = 0
    start: int = 0
    end: int = 0
    uri: str | None = None
    first_page_uri: str | None = None
    previous_page_uri: str | None = None
    next_page_uri: str | None = None
    last_page_uri: str | None = None

    def __iter__(self) -> Iterator[R]:
        """Iterate over the records of this page."""
        return iter(self.items)

    def __len__(self) -> int:
        """Return how many records this page holds."""
        return len(self.items)

    @property
    def is_last(self) -> bool:
        """Whether no page follows this one."""
        if self.next_page_uri is not None:
            return self.next_page_uri == ""
        return self.page + 1 >= self.num_pages


ALL_RECORDS: tuple[type[Record], ...] = (
    Account,
    Call,
    SmsMessage,
    Recording,
    Transcription,
    Notification,
    OutgoingCallerId,
    ValidationRequest,
    IncomingPhoneNumber,
    Conference,
    Participant,
)
