"""Text codecs for the scalar values of 2008-08-01 elements.

Every element's text is a string on the wire; each codec turns it into a Python value and
back. An empty element always means "no value" (``None``) and is handled by the caller, so
codecs only see non-empty text.
"""

from __future__ import annotations

import email.utils
import enum
import functools
import re
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

import pendulum
from pendulum import DateTime

__all__ = [
    "BOOL_ONE_ZERO",
    "BOOL_TRUE_FALSE",
    "EPOCH",
    "INT",
    "MONEY",
    "RFC2822",
    "TEXT",
    "Codec",
    "enum_codec",
    "format_rfc2822",
]


@dataclass(frozen=True)
class Codec:
    """A pair of functions turning element text into a value and back.

    :param name: what the text must look like, used in error messages.
    :param decode: text -> value; raises ``ValueError`` on text of the wrong form.
    :param encode: value -> text.
    """

    name: str
    decode: Callable[[str], Any]
    encode: Callable[[Any], str]


_MONTHS = {
    name: number
    for number, name in enumerate(
        ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"), start=1
    )
}
_TWILIO_DATE = re.compile(
    r"(?:[A-Z][a-z]{2}, )?(\d{1,2}) ([A-Z][a-z]{2}) (\d{4}) (\d{2}):(\d{2}):(\d{2}) ([+-])(\d{2})(\d{2})"
)


@functools.lru_cache(maxsize=64)
def _offset_zone(seconds: int) -> pendulum.FixedTimezone:
    return pendulum.FixedTimezone(seconds)


def _decode_rfc2822(text: str) -> DateTime:
    """Read an RFC 2822 date; Twilio's own shape takes a fast path, anything else the stdlib parser."""
    match = _TWILIO_DATE.fullmatch(text.strip())
    if match is not None and match.group(2) in _MONTHS:
        day, month, year, hour, minute, second, sign, off_h, off_m = match.groups()
        if int(off_h) > 23 or int(off_m) > 59:
            raise ValueError(f"impossible UTC offset in {text!r}")
        offset = (int(off_h) * 3600 + int(off_m) * 60) * (-1 if sign == "-" else 1)
        return DateTime(
            int(year),
            _MONTHS[month],
            int(day),
            int(hour),
            int(minute),
            int(second),
            tzinfo=_offset_zone(offset),
        )
    parsed = email.utils.parsedate_to_datetime(text)
    if parsed.tzinfo is None:
        raise ValueError(f"date without a UTC offset: {text!r}")
    return pendulum.instance(parsed)


def format_rfc2822(value: Any) -> str:
    """Format an aware datetime the way Twilio does: ``Fri, 06 Nov 2009 10:02:11 -0800``.

    :param value: an aware ``datetime`` (naive values are taken as UTC).
    """
    if value.tzinfo is None:
        value = value.replace(tzinfo=pendulum.UTC)
    return email.utils.format_datetime(value)


def _decode_epoch(text: str) -> DateTime:
    try:
        return pendulum.from_timestamp(int(text), tz="UTC")
    except (OverflowError, OSError) as exc:
        raise ValueError(f"epoch seconds out of range: {text!r}") from exc


def _encode_epoch(value: Any) -> str:
    return str(int(value.timestamp()))


def _decode_money(text: str) -> Decimal:
    try:
        return Decimal(text)
    except InvalidOperation as exc:
        raise ValueError(f"not a decimal amount: {text!r}") from exc


def _decode_true_false(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ValueError(f"not true/false: {text!r}")


TEXT = Codec("text", str, str)
INT = Codec("an integer", lambda text: int(text.strip()), lambda value: str(int(value)))
RFC2822 = Codec("an RFC 2822 date", _decode_rfc2822, format_rfc2822)
EPOCH = Codec("Unix epoch seconds", _decode_epoch, _encode_epoch)
MONEY = Codec("a decimal amount", _decode_money, lambda value: f"{Decimal(value):.5f}")
BOOL_TRUE_FALSE = Codec("true or false", _decode_true_false, lambda value: "true" if value else "false")
BOOL_ONE_ZERO = Codec("1 or 0", _decode_true_false, lambda value: "1" if value else "0")


def enum_codec(enum_type: type[enum.Enum], *, integer: bool) -> Codec:
    """Return a codec for an enum whose wire form is its value.

    :param enum_type: the enum (an ``IntEnum``/``IntFlag`` when ``integer``, else a ``str`` enum).
    :param integer: whether the wire value is an integer.
    """
    if integer:
        return Codec(
            f"an integer {enum_type.__name__}",
            lambda text: enum_type(int(text.strip())),
            lambda value: str(int(value)),
        )
    return Codec(f"a {enum_type.__name__}", lambda text: enum_type(text.strip()), lambda value: value.value)
