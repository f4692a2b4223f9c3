"""Local checks of SIDs, phone numbers, URLs and texts, run before any request is sent.

Each check raises :class:`~.errors.Twilio2008ValidationError` naming the argument, the
request parameter and the accepted form, and carrying the Twilio error code that Twilio gives
for the same mistake. The emulator runs the same checks on what it receives, so a mistake
reads the same locally and on the wire.

Every value that reaches the wire is checked for what would break a server or its later
answers: only ASCII digits count as digits (look-alikes such as ``٤١٥`` or ``²³⁴`` are refused,
never sent), text must be something an XML document can carry (no NUL or other C0 control
characters, lone surrogates, U+FFFE or U+FFFF: a server that stored one could not answer with
it again), and flags must be real ``bool`` values.

Error codes (section 2.2 of the reference): 21201, 21452 are documented for 2008. The others
come from Twilio's later error dictionary, which the reference marks inferred; where no code
is known for a rule (lengths, ranges, enumerations) we chose :data:`INVALID_PARAMETER`.
"""

from __future__ import annotations

import ipaddress
import math
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from enum import IntEnum
from urllib.parse import urlsplit

from .errors import Twilio2008ValidationError
from .pattern import MAX_PATTERN_CHARS, Pattern, PatternError

__all__ = [
    "CODES",
    "INVALID_PARAMETER",
    "SidKind",
    "XML_ILLEGAL",
    "area_code",
    "choice",
    "enumeration",
    "filter_date",
    "flag",
    "friendly_name",
    "http_method",
    "instant",
    "integer_in_range",
    "is_loopback_host",
    "phone_number",
    "pattern",
    "require",
    "seconds",
    "send_digits",
    "sid",
    "sms_body",
    "text",
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
#: Longest URL accepted (the limit most servers and browsers share).
URL_MAX = 2048


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
    """Return a short, printable ``repr`` of ``value`` for an error message (never raises)."""
    if isinstance(value, str) and len(value) > limit:
        value = value[:limit]
    try:
        text = repr(value)
    except Exception:  # an int too large to print, an object whose repr fails
        return f"a {type(value).__name__}"
    return text if len(text) <= limit else text[: limit - 3] + "...'"


#: Characters XML 1.0 cannot carry (outside its ``Char`` production): the C0 controls but tab,
#: newline and carriage return; lone surrogates (which no UTF-8 text can hold either); U+FFFE and
#: U+FFFF. The one definition: the checks here refuse them, the writers of :mod:`.xml` replace them.
XML_ILLEGAL = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
#: The same, plus tab, line breaks and DEL: what a one-line label must not hold.
_NOT_ONE_LINE = re.compile("[\x00-\x1f\x7f\ud800-\udfff\ufffe\uffff]")
#: What the accepted-form messages say about characters.
_TEXT_CHARACTERS = "no control characters, lone surrogates, U+FFFE or U+FFFF"
_LINE_CHARACTERS = "one line: " + _TEXT_CHARACTERS


def _describe(character: str) -> str:
    """Name one refused character in words (``U+0000 (a control character)``)."""
    code = f"U+{ord(character):04X}"
    if "\ud800" <= character <= "\udfff":
        return f"{code} (a lone surrogate, which cannot be encoded)"
    if character in "\ufffe\uffff":
        return f"{code} (not a character)"
    if ord(character) < 0x20 or 0x7F <= ord(character) < 0xA0:
        return f"{code} (a control character)"
    if character.isspace():
        return f"{code} (white space)"
    return f"{code} (an unprintable character)"


def _bad_character(value: str, pattern: re.Pattern[str]) -> str | None:
    """Return where and which character of ``value`` ``pattern`` refuses, in words, or ``None``."""
    found = pattern.search(value)
    if found is None:
        return None
    return f"contains {_describe(found.group())} at position {found.start()}"


#: Punctuation people write inside numbers: spaces (also tab and no-break space), ( ) . -
_PHONE_PUNCTUATION = re.compile("[ \t\u00a0().\\-]")
#: A written number: ASCII digits and that punctuation, starting with ``+``, ``(`` or a digit.
_PHONE_TEXT = re.compile("[+(]?[0-9(][0-9 \t\u00a0().\\-]*")
#: White space trimmed from both ends of a written number (a line read from a file).
_PHONE_EDGES = " \t\r\n\u00a0"
_PHONE_MAX_LENGTH = 40
#: E.164 numbers have at most 15 digits.
_PHONE_MAX_DIGITS = 15
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
    look-alikes (Arabic-Indic, full-width, superscripts) are refused rather than sent. A positive
    ``int`` is read as its digits (a DAG rendering templates as native objects turns
    ``"4155550134"`` into one); a negative or zero ``int``, a ``bool`` or a ``float`` is refused,
    as is text starting with ``-`` or holding a line break or control character.

    :param value: the number as the user wrote it.
    :param field: the argument name, for the error.
    :param param: the request parameter (``Called``), for the error.
    :param code: the Twilio code for an invalid number in this parameter.
    :param allow_short_code: also accept 5-6 digit SMS short codes.
    """
    code = code or CODES["phone_invalid"]
    forms = PHONE_FORMS + (" or a 5-6 digit short code" if allow_short_code else "")

    def refuse(problem: str, refused_code: int = code) -> Twilio2008ValidationError:
        return Twilio2008ValidationError(field, problem, forms, param=param, code=refused_code)

    if isinstance(value, bool) or not isinstance(value, str | int):
        raise refuse(f"got {type(value).__name__}")
    if isinstance(value, int):
        if not 0 < value < 10**_PHONE_MAX_DIGITS:
            raise refuse(f"{_show(value)} is not a phone number")
        text = str(value)
    else:
        written = value.strip(_PHONE_EDGES)
        if len(written) > _PHONE_MAX_LENGTH or not _PHONE_TEXT.fullmatch(written):
            raise refuse(f"{_show(value)} is not a phone number")
        text = _PHONE_PUNCTUATION.sub("", written)
    if _PREMIUM.fullmatch(text):
        raise refuse(f"{_show(value)} is a service number", CODES["called_premium"])
    if allow_short_code and re.fullmatch(r"[0-9]{5,6}", text):
        return text
    if text.startswith("+1") and re.fullmatch(r"\+1[2-9][0-9]{9}", text):
        return text[2:]
    if text.startswith("+") and not text.startswith("+1") and re.fullmatch(r"\+[2-9][0-9]{6,14}", text):
        return text
    if re.fullmatch(r"1?[2-9][0-9]{9}", text):
        return text[-10:]
    raise refuse(f"{_show(value)} is not a phone number")


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

    White space (so no CR/LF that could split a header), control and other unprintable
    characters (lone surrogates, U+FFFE, bidirectional overrides) are refused, as is anything
    longer than 2,048 characters.

    :param value: the URL.
    :param field: the argument name, for the error.
    :param param: the request parameter (``Url``), for the error.
    :param code: the Twilio code for this parameter (21205 when not given).
    """
    code = code or CODES["url_invalid"]
    accepted = "an absolute http:// or https:// URL with a host, e.g. https://example.com/twiml"

    def refuse(problem: str) -> Twilio2008ValidationError:
        return Twilio2008ValidationError(field, problem, accepted, param=param, code=code)

    if not isinstance(value, str) or not value:
        raise refuse("missing" if value is None or value == "" else f"got {type(value).__name__}")
    if len(value) > URL_MAX:
        raise refuse(f"{len(value)} characters long, more than {URL_MAX}")
    odd = next((ch for ch in value if ch.isspace() or not ch.isprintable()), None)
    if odd is not None:
        raise refuse(f"{_show(value)} contains {_describe(odd)} at position {value.index(odd)}")
    try:
        parts = urlsplit(value)
        parts.port  # noqa: B018 - raises ValueError on a bad port
    except ValueError:
        raise refuse(f"{_show(value)} is not a URL") from None
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise refuse(f"{_show(value)} is not an absolute http(s) URL")
    return value


def sms_body(value: object, field: str = "body") -> str:
    """Return ``value`` if it is a non-blank SMS text of at most 160 characters.

    Characters are counted as Python counts them (code points: an emoji outside the BMP is one).
    Tab and line breaks are fine; characters no XML document can carry are refused.

    :param value: the message text.
    :param field: the argument name, for the error.
    """
    accepted = f"non-blank text of at most {SMS_BODY_MAX} characters ({_TEXT_CHARACTERS})"
    if not isinstance(value, str) or not value.strip():
        problem = (
            "missing or blank" if value is None or isinstance(value, str) else f"got {type(value).__name__}"
        )
        raise Twilio2008ValidationError(
            field, problem, accepted, param="Body", code=CODES["sms_body_missing"]
        )
    if len(value) > SMS_BODY_MAX:
        raise Twilio2008ValidationError(
            field, f"{len(value)} characters long", accepted, param="Body", code=CODES["sms_body_too_long"]
        )
    bad = _bad_character(value, XML_ILLEGAL)
    if bad is not None:
        raise Twilio2008ValidationError(field, bad, accepted, param="Body", code=INVALID_PARAMETER)
    return value


def friendly_name(value: object, field: str = "friendly_name") -> str:
    """Return ``value`` if it is a non-blank, one-line label of at most 64 characters.

    :param value: the label.
    :param field: the argument name, for the error.
    """
    return text(value, field, param="FriendlyName", max_length=FRIENDLY_NAME_MAX, one_line=True)


def text(
    value: object,
    field: str,
    *,
    param: str,
    max_length: int,
    one_line: bool = False,
    code: int = INVALID_PARAMETER,
) -> str:
    """Return ``value`` if it is non-blank text of at most ``max_length`` characters that XML can carry.

    :param value: the text.
    :param field: the argument name, for the error.
    :param param: the request parameter (``FriendlyName``), for the error.
    :param max_length: the most characters accepted.
    :param one_line: also refuse tab, line breaks and DEL (labels, names, filters).
    :param code: the Twilio code for this parameter.
    """
    characters = _LINE_CHARACTERS if one_line else _TEXT_CHARACTERS
    accepted = f"text of 1 to {max_length} characters ({characters})"

    def refuse(problem: str) -> Twilio2008ValidationError:
        return Twilio2008ValidationError(field, problem, accepted, param=param, code=code)

    if not isinstance(value, str):
        raise refuse("missing" if value is None else f"got {type(value).__name__}")
    if not value.strip():
        raise refuse(f"{_show(value)} is blank")
    if len(value) > max_length:
        raise refuse(f"{len(value)} characters long")
    problem = _bad_character(value, _NOT_ONE_LINE if one_line else XML_ILLEGAL)
    if problem is not None:
        raise refuse(problem)
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

    Only an ``int`` (not a ``bool``) or a string of ASCII digits is read; ``"٦٠"``, ``"６０"``,
    ``60.0`` and ``True`` are refused.

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
    elif isinstance(value, str) and len(value) <= 32 and re.fullmatch(r"-?[0-9]+", value.strip(" \t")):
        number = int(value.strip(" \t"))
    if number is None:
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is not a whole number", accepted, param=param, code=INVALID_PARAMETER
        )
    if not low <= number <= high:
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is out of range", accepted, param=param, code=INVALID_PARAMETER
        )
    return number


def seconds(
    value: object, field: str, *, maximum: float = 86400.0 * 366, allow_zero: bool = True, text: bool = False
) -> float:
    """Return ``value`` as a finite number of seconds in ``[0, maximum]`` (``(0, maximum]`` without zero).

    Operator arguments (``poll_interval``, ``timeout``, ``recording_grace_period``) and
    connection extras (``timeout``, ``create_settle``) are read here, so a ``"1"`` where a
    number belongs or a ``-1`` from a typo gets an error naming the field, not a bare
    ``TypeError`` later. An ``int`` or ``float`` (not a ``bool``) is read, and with ``text`` a
    string holding one (a connection URI's extras are all strings).

    :param value: the number of seconds.
    :param field: the argument name, for the error.
    :param maximum: the largest accepted value.
    :param allow_zero: whether ``0`` is accepted.
    :param text: whether a string holding a number is read.
    """
    low = "0" if allow_zero else "above 0"
    accepted = (
        f"a number of seconds from {low} to {maximum:g}"
        if allow_zero
        else (f"a number of seconds above 0, at most {maximum:g}")
    )
    number: float | None = None
    if isinstance(value, int | float) and not isinstance(value, bool):
        number = float(value)
    elif text and isinstance(value, str) and len(value) <= 32:
        try:
            number = float(value.strip())
        except ValueError:
            number = None
    if number is None or math.isnan(number):
        raise Twilio2008ValidationError(field, f"{_show(value)} is not a number", accepted)
    if not (0 <= number <= maximum) or (number == 0 and not allow_zero):
        raise Twilio2008ValidationError(field, f"{_show(value)} is out of range", accepted)
    return number


def enumeration(value: object, field: str, members: type[IntEnum], *, param: str | None = None) -> IntEnum:
    """Return the member of an integer enumeration ``value`` names: a member, its number or its name.

    Numbers are ``int`` or ASCII digits; names are matched case-insensitively, with ``-`` or a
    space for ``_`` (``"no-answer"`` is ``NO_ANSWER``). A ``bool`` or ``float`` is refused.

    :param value: the candidate.
    :param field: the argument name, for the error.
    :param members: the ``IntEnum`` (``CallStatus``, ``ConferenceStatus``).
    :param param: the request parameter (``Status``), for the error.
    """
    if isinstance(value, members):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        number: int | None = value
    elif isinstance(value, str) and len(value) <= 32 and re.fullmatch(r"[0-9]+", value.strip()):
        number = int(value.strip())
    else:
        number = None
    if number is not None:
        for member in members:
            if member.value == number:
                return member
    elif isinstance(value, str) and len(value) <= 64:
        key = value.strip().replace("-", "_").replace(" ", "_").upper()
        if key in members.__members__:
            return members[key]
    names = ", ".join(f"{member.value} ({member.name.lower().replace('_', '-')})" for member in members)
    raise Twilio2008ValidationError(
        field,
        f"{_show(value)} is not allowed",
        f"a {members.__name__}: one of {names}, as a number or a name",
        param=param,
        code=INVALID_PARAMETER,
    )


def flag(value: object, field: str, *, param: str | None = None) -> bool:
    """Return ``value`` if it is a ``bool``; ``"false"``, ``0`` or ``None`` are refused, never sent as true.

    :param value: the flag.
    :param field: the argument name, for the error.
    :param param: the request parameter (``Muted``), for the error.
    """
    if not isinstance(value, bool):
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is not a bool", "True or False", param=param, code=INVALID_PARAMETER
        )
    return value


def area_code(value: object, field: str = "area_code") -> str:
    """Return ``value`` as three ASCII digits (``"415"``; the int ``415`` too).

    :param value: the area code, or a toll-free prefix such as ``"866"``.
    :param field: the argument name, for the error.
    """
    if isinstance(value, int) and not isinstance(value, bool) and 100 <= value <= 999:
        return str(value)
    if isinstance(value, str) and re.fullmatch(r"[0-9]{3}", value.strip(" ")):
        return value.strip(" ")
    raise Twilio2008ValidationError(
        field,
        f"{_show(value)} is not an area code",
        "three digits (ASCII 0-9), e.g. '415'",
        param="AreaCode",
        code=CODES["area_code_invalid"],
    )


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
    accepted = "a date, a datetime or a 'YYYY-MM-DD' string"
    if isinstance(value, datetime):
        if value.utcoffset() is not None:
            try:
                value = value.astimezone(timezone.utc)
            except OverflowError:
                raise Twilio2008ValidationError(
                    field, f"{_show(value)} has no UTC day within years 1-9999", accepted
                ) from None
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str) and re.fullmatch(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", value):
        try:
            return date.fromisoformat(value).isoformat()
        except ValueError:
            pass
    raise Twilio2008ValidationError(field, f"{_show(value)} is not a date", accepted)


def instant(value: object, field: str) -> datetime:
    """Return a moment as an aware UTC datetime.

    A naive datetime, or an ISO 8601 string without an offset, is taken as UTC (Airflow's own
    clock); a trailing ``Z`` is read as UTC. Strings must be ASCII.

    :param value: a ``datetime`` (pendulum ones too) or an ISO 8601 string
        (``2026-01-02T09:30:00+00:00``).
    :param field: the argument name, for the error.
    """
    accepted = "a datetime or an ISO 8601 string such as '2026-01-02T09:30:00+00:00'"
    moment: datetime | None = None
    if isinstance(value, datetime):
        moment = value
    elif isinstance(value, str) and value.strip() and len(value) <= 64 and value.isascii():
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
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is not within years 1-9999 in UTC", accepted
        ) from None


def pattern(value: object, field: str, *, ignore_case: bool = False, max_text: int = 1600) -> Pattern:
    """Return ``value`` compiled as a linear-time pattern (:mod:`.pattern`: a subset of ``re``).

    Reply patterns run against texts anyone can send, in the triggerer's one event loop, so
    they are never handed to :mod:`re`'s backtracking matcher.

    :param value: the pattern's text, at most :data:`.pattern.MAX_PATTERN_CHARS` characters.
    :param field: the argument name, for the error.
    :param ignore_case: letters match either case.
    :param max_text: texts longer than this never match (an SMS body is at most 160 characters;
        1,600 leaves room for a concatenated one).
    """
    accepted = (
        f"a regular expression of at most {MAX_PATTERN_CHARS} characters in the supported subset "
        "(classes, groups, named groups, |, quantifiers, ^ $ \\b; no backreferences or lookarounds), "
        "such as r'^(yes|no)\\b'"
    )
    if not isinstance(value, str):
        raise Twilio2008ValidationError(field, f"got {type(value).__name__}", accepted)
    try:
        return Pattern(value, ignore_case=ignore_case, max_text=max_text)
    except PatternError as exc:
        raise Twilio2008ValidationError(
            field, f"{_show(value)} is refused: {exc.problem}", accepted
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
