"""Local checks of SIDs, phone numbers, URLs and texts, run before any request is sent.

Each check raises :class:`~.errors.Twilio2008ValidationError` naming the argument, the
request parameter and the accepted form, and carrying the Twilio error code that Twilio gives
for the same mistake. The emulator runs the same checks on what it receives, so a mistake
reads the same locally and on the wire.

Error codes (section 2.2 of the reference): 21201, 21452 are documented for 2008. The others
come from Twilio's later error dictionary, which the reference marks inferred; where no code
is known for a rule (lengths, ranges, enumerations) we chose :data:`INVALID_PARAMETER`.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from urllib.parse import urlsplit

from .errors import Twilio2008ValidationError

__all__ = [
    "CODES",
    "INVALID_PARAMETER",
    "SidKind",
    "choice",
    "filter_date",
    "friendly_name",
    "http_method",
    "instant",
    "integer_in_range",
    "is_loopback_host",
    "phone_number",
    "regex",
    "require",
    "send_digits",
    "sid",
    "sms_body",
    "url",
]

#: Code we chose for an invalid parameter with no documented code of its own (inferred).
INVALID_PARAMETER = 21200

#: Twilio error codes used by the checks, by name.
CODES = {
    "called_missing": 21201,
    "called_premium": 21202,
    "url_invalid": 21205,
    "called_invalid": 21211,
    "caller_invalid": 21212,
    "caller_missing": 21213,
    "call_not_in_progress": 21220,
    "phone_invalid": 21401,
    "caller_id_already_validated": 21450,
    "area_code_invalid": 21451,
    "no_number_available": 21452,
    "sms_from_not_capable": 21601,
    "sms_body_missing": 21602,
    "sms_from_missing": 21603,
    "sms_to_missing": 21604,
    "sms_body_too_long": 21605,
    "sms_from_not_owned": 21606,
    "dial_caller_id_invalid": 13214,
}

SMS_BODY_MAX = 160
FRIENDLY_NAME_MAX = 64


@dataclass(frozen=True)
class SidKind:
    """The shape of one kind of SID: a two-letter prefix and 32 lower-case hex digits.

    :param prefix: the two capital letters (``CA``).
    :param resource: the resource, in words, for messages.
    :param article: the indefinite article of ``resource`` ("an account SID").
    """

    prefix: str
    resource: str
    article: str = "a"

    @property
    def pattern(self) -> re.Pattern[str]:
        """Return the compiled full-match pattern."""
        return re.compile(rf"{self.prefix}[0-9a-f]{{32}}")


ACCOUNT = SidKind("AC", "account", "an")
CALL = SidKind("CA", "call")
#: Segment SIDs: no example exists; we use the call shape (inferred).
CALL_SEGMENT = SidKind("CA", "call segment")
SMS = SidKind("SM", "SMS message", "an")
RECORDING = SidKind("RE", "recording")
TRANSCRIPTION = SidKind("TR", "transcription")
NOTIFICATION = SidKind("NO", "notification")
PHONE_NUMBER = SidKind("PN", "phone number or caller ID")
CONFERENCE = SidKind("CF", "conference")


def sid(value: object, kind: SidKind, field: str) -> str:
    """Return ``value`` if it is a SID of ``kind``; otherwise refuse it.

    Nothing but the 34 expected characters can pass, so ``../``, query characters or another
    resource's SID never reach a URL.

    :param value: the candidate SID.
    :param kind: which SID shape is expected.
    :param field: the argument name, for the error.
    """
    shape = f"'{kind.prefix}' followed by 32 lower-case hex digits (34 characters)"
    accepted = f"{kind.article} {kind.resource} SID: {shape}"
    if not isinstance(value, str):
        raise Twilio2008ValidationError(field, f"got {type(value).__name__}", accepted)
    if not kind.pattern.fullmatch(value):
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is not {kind.article} {kind.resource} SID", accepted
        )
    return value


def _show(value: object, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "...'"


_PHONE_PUNCTUATION = re.compile(r"[\s().\-]")
_PREMIUM = re.compile(r"[2-9]11")
PHONE_FORMS = "E.164 (+14155550134), 10 US digits (4155550134, (415) 555-0134) or +<country><number>"


def phone_number(
    value: object,
    field: str,
    *,
    param: str | None = None,
    code: int | None = None,
    allow_short_code: bool = False,
) -> str:
    """Return a phone number in the form the 2008 API expects.

    US numbers (10 digits, optionally with ``1``/``+1`` and punctuation) become the bare 10
    digits Twilio uses in 2008; other countries keep ``+`` and their country code. N11
    service numbers (911, 411...) are refused with 21202. Only ASCII digits count as digits, so
    look-alikes (Arabic-Indic, full-width) are refused rather than sent.

    :param value: the number as the user wrote it.
    :param field: the argument name, for the error.
    :param param: the request parameter (``Called``), for the error.
    :param code: the Twilio code for an invalid number in this parameter.
    :param allow_short_code: also accept 5-6 digit SMS short codes.
    """
    code = code or CODES["phone_invalid"]
    forms = PHONE_FORMS + (" or a 5-6 digit short code" if allow_short_code else "")
    if not isinstance(value, str | int) or isinstance(value, bool):
        raise Twilio2008ValidationError(field, f"got {type(value).__name__}", forms, param=param, code=code)
    text = _PHONE_PUNCTUATION.sub("", str(value))
    if _PREMIUM.fullmatch(text):
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is a service number", forms, param=param, code=CODES["called_premium"]
        )
    if allow_short_code and re.fullmatch(r"[0-9]{5,6}", text):
        return text
    if text.startswith("+1") and re.fullmatch(r"\+1[2-9][0-9]{9}", text):
        return text[2:]
    if text.startswith("+") and not text.startswith("+1") and re.fullmatch(r"\+[2-9][0-9]{6,14}", text):
        return text
    if re.fullmatch(r"1?[2-9][0-9]{9}", text):
        return text[-10:]
    raise Twilio2008ValidationError(
        field, f"{_show(value)} is not a phone number", forms, param=param, code=code
    )


def is_loopback_host(host: str) -> bool:
    """Return whether ``host`` names this machine (``localhost``, 127.0.0.0/8 or ::1).

    :param host: a host name or IP address, without port or brackets.
    """
    if host.lower() in ("localhost", "localhost.localdomain"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def url(value: object, field: str, *, param: str | None = None, code: int | None = None) -> str:
    """Return ``value`` if it is an absolute http(s) URL with a host; otherwise refuse it.

    :param value: the URL.
    :param field: the argument name, for the error.
    :param param: the request parameter (``Url``), for the error.
    :param code: the Twilio code for this parameter (21205 when not given).
    """
    code = code or CODES["url_invalid"]
    accepted = "an absolute http:// or https:// URL with a host, e.g. https://example.com/twiml"
    if not isinstance(value, str) or not value:
        raise Twilio2008ValidationError(field, "missing", accepted, param=param, code=code)
    if any(ch.isspace() for ch in value) or len(value) > 2048:
        raise Twilio2008ValidationError(
            field, f"{_show(value)} contains white space or is too long", accepted, param=param, code=code
        )
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is not a URL", accepted, param=param, code=code
        ) from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is not an absolute http(s) URL", accepted, param=param, code=code
        )
    return value


def sms_body(value: object, field: str = "body") -> str:
    """Return ``value`` if it is a non-blank SMS text of at most 160 characters.

    :param value: the message text.
    :param field: the argument name, for the error.
    """
    accepted = f"non-blank text of at most {SMS_BODY_MAX} characters"
    if not isinstance(value, str) or not value.strip():
        raise Twilio2008ValidationError(
            field, "missing or blank", accepted, param="Body", code=CODES["sms_body_missing"]
        )
    if len(value) > SMS_BODY_MAX:
        raise Twilio2008ValidationError(
            field, f"{len(value)} characters long", accepted, param="Body", code=CODES["sms_body_too_long"]
        )
    return value


def friendly_name(value: object, field: str = "friendly_name") -> str:
    """Return ``value`` if it is a non-empty label of at most 64 characters.

    :param value: the label.
    :param field: the argument name, for the error.
    """
    accepted = f"text of 1 to {FRIENDLY_NAME_MAX} characters"
    if not isinstance(value, str) or not value.strip() or len(value) > FRIENDLY_NAME_MAX:
        raise Twilio2008ValidationError(
            field,
            f"{_show(value)} is not a valid label",
            accepted,
            param="FriendlyName",
            code=INVALID_PARAMETER,
        )
    return value


def choice(value: object, field: str, options: Iterable[str], *, param: str | None = None) -> str:
    """Return the option ``value`` matches case-insensitively, in its canonical spelling.

    :param value: the candidate.
    :param field: the argument name, for the error.
    :param options: the accepted spellings.
    :param param: the request parameter, for the error.
    """
    options = tuple(options)
    if isinstance(value, str):
        for option in options:
            if value.strip().lower() == option.lower():
                return option
    raise Twilio2008ValidationError(
        field,
        f"{_show(value)} is not allowed",
        "one of " + ", ".join(options),
        param=param,
        code=INVALID_PARAMETER,
    )


def http_method(value: object, field: str, *, param: str | None = None) -> str:
    """Return ``GET`` or ``POST`` for the method Twilio should use on a URL.

    :param value: the method, any case.
    :param field: the argument name, for the error.
    :param param: the request parameter (``Method``), for the error.
    """
    return choice(value, field, ("GET", "POST"), param=param)


def integer_in_range(value: object, field: str, low: int, high: int, *, param: str | None = None) -> int:
    """Return ``value`` as an int if it lies in ``[low, high]``.

    :param value: an int or a string of digits.
    :param field: the argument name, for the error.
    :param low: smallest accepted value.
    :param high: largest accepted value.
    :param param: the request parameter, for the error.
    """
    accepted = f"a whole number from {low} to {high}"
    number: int | None = None
    if isinstance(value, int) and not isinstance(value, bool):
        number = value
    elif isinstance(value, str) and re.fullmatch(r"[0-9]+", value.strip()):
        number = int(value)
    if number is None or not low <= number <= high:
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is out of range", accepted, param=param, code=INVALID_PARAMETER
        )
    return number


def send_digits(value: object, field: str = "send_digits") -> str:
    """Return ``value`` if it only holds DTMF keys (``0-9``, ``#``, ``*``).

    :param value: the digits to play after the call connects.
    :param field: the argument name, for the error.
    """
    if not isinstance(value, str) or not re.fullmatch(r"[0-9#*]{1,32}", value):
        raise Twilio2008ValidationError(
            field,
            f"{_show(value)} is not a DTMF string",
            "1 to 32 of 0-9, # and *",
            param="SendDigits",
            code=INVALID_PARAMETER,
        )
    return value


def filter_date(value: object, field: str) -> str:
    """Return a date filter value as ``YYYY-MM-DD``.

    An aware datetime is taken as its UTC day (the day the emulator filters on, and the
    calendar of Airflow's data intervals); a naive one as its own day. Which calendar Twilio
    used for 2008 filter days is not documented (inferred).

    :param value: a ``date``/``datetime`` (pendulum ones too) or a ``YYYY-MM-DD`` string.
    :param field: the argument name, for the error.
    """
    if isinstance(value, datetime):
        if value.utcoffset() is not None:
            value = value.astimezone(timezone.utc)
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise Twilio2008ValidationError(
        field, f"{_show(value)} is not a date", "a date, a datetime or a 'YYYY-MM-DD' string"
    )


def instant(value: object, field: str) -> datetime:
    """Return a moment as an aware UTC datetime.

    A naive datetime, or an ISO 8601 string without an offset, is taken as UTC (Airflow's own
    clock); a trailing ``Z`` is read as UTC.

    :param value: a ``datetime`` (pendulum ones too) or an ISO 8601 string
        (``2026-01-02T09:30:00+00:00``).
    :param field: the argument name, for the error.
    """
    accepted = "a datetime or an ISO 8601 string such as '2026-01-02T09:30:00+00:00'"
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip():
        text = value.strip()
        text = text[:-1] + "+00:00" if text[-1:] in ("Z", "z") else text
        try:
            moment = datetime.fromisoformat(text)
        except ValueError:
            moment = None
    if moment is None:
        raise Twilio2008ValidationError(field, f"{_show(value)} is not a date and time", accepted)
    if moment.utcoffset() is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(timezone.utc)


def regex(value: object, field: str, flags: int = 0) -> re.Pattern[str]:
    """Return ``value`` compiled as a regular expression (Python ``re`` syntax).

    :param value: the pattern's text.
    :param field: the argument name, for the error.
    :param flags: ``re`` flags to compile with (``re.IGNORECASE``).
    """
    accepted = "a Python regular expression, such as r'^(yes|no)\\b'"
    if not isinstance(value, str):
        raise Twilio2008ValidationError(field, f"got {type(value).__name__}", accepted)
    try:
        return re.compile(value, flags)
    except re.error as exc:
        where = f" at position {exc.pos}" if exc.pos is not None else ""
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is not a valid regular expression ({exc.msg}{where})", accepted
        ) from None


def require(value: object, field: str, *, param: str, code: int | None = None) -> None:
    """Refuse a missing (``None`` or empty) required value.

    :param value: the value.
    :param field: the argument name, for the error.
    :param param: the request parameter, for the error.
    :param code: the Twilio code for this parameter being missing.
    """
    if value is None or (isinstance(value, str) and not value.strip()):
        raise Twilio2008ValidationError(
            field, "missing", f"a value for {param}", param=param, code=code or INVALID_PARAMETER
        )
