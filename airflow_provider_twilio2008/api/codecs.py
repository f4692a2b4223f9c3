"""Text codecs for the scalar values of 2008-08-01 elements.

Every element's text is a string on the wire; each codec turns it into a Python value and
back. An empty element always means "no value" (``None``) and is handled by the caller, so
codecs only see non-empty text.

Decoding raises only ``ValueError``, whatever the text. Numbers are read from ASCII digits only
(``"٣"`` or ``"²"`` are not numbers on the wire), amounts are plain decimals (no ``NaN``,
``Infinity`` or exponents), and error messages quote at most the first 40 characters.
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
    r"(?:[A-Z][a-z]{2}, )?([0-9]{1,2}) ([A-Z][a-z]{2}) ([0-9]{4}) ([0-9]{2}):([0-9]{2}):([0-9]{2}) "
    r"([+-])([0-9]{2})([0-9]{2})"
)
_INTEGER = re.compile(r"[+-]?[0-9]{1,4000}")
_DECIMAL = re.compile(r"[+-]?(?:[0-9]{1,100}(?:\.[0-9]{0,100})?|\.[0-9]{1,100})")


def _quote(text: str) -> str:
    """Return ``text`` quoted for an error message, cut to 40 characters."""
    return repr(text[:40]) + ("..." if len(text) > 40 else "")


def _decode_int(text: str) -> int:
    """Read an integer written in ASCII digits, with an optional sign and surrounding spaces."""
    stripped = text.strip()
    if not _INTEGER.fullmatch(stripped):
        raise ValueError(f"not an integer in ASCII digits: {_quote(text)}")
    return int(stripped)


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
    if not text.isascii() or len(text) > 100:
        raise ValueError(f"not an RFC 2822 date: {_quote(text)}")
    try:
        parsed = email.utils.parsedate_to_datetime(text)
    except (TypeError, IndexError, OverflowError) as exc:  # older Pythons, odd tokens
        raise ValueError(f"not an RFC 2822 date: {_quote(text)}") from exc
    if parsed.tzinfo is None:
        raise ValueError(f"date without a UTC offset: {_quote(text)}")
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
        return pendulum.from_timestamp(_decode_int(text), tz="UTC")
    except (OverflowError, OSError) as exc:
        raise ValueError(f"epoch seconds out of range: {_quote(text)}") from exc


def _encode_epoch(value: Any) -> str:
    return str(int(value.timestamp()))


def _decode_money(text: str) -> Decimal:
    stripped = text.strip()
    if not _DECIMAL.fullmatch(stripped):
        raise ValueError(f"not a decimal amount: {_quote(text)}")
    try:
        return Decimal(stripped)
    except InvalidOperation as exc:  # pragma: no cover - the pattern admits only plain decimals
        raise ValueError(f"not a decimal amount: {_quote(text)}") from exc


def _decode_true_false(text: str) -> bool:
    lowered = text.strip().lower()
    if lowered in ("true", "1"):
        return True
    if lowered in ("false", "0"):
        return False
    raise ValueError(f"not true/false: {_quote(text)}")


TEXT = Codec("text", str, str)
INT = Codec("an integer", _decode_int, lambda value: str(int(value)))
RFC2822 = Codec("an RFC 2822 date", _decode_rfc2822, format_rfc2822)
EPOCH = Codec("Unix epoch seconds", _decode_epoch, _encode_epoch)
MONEY = Codec("a decimal amount", _decode_money, lambda value: f"{Decimal(value):.5f}")
BOOL_TRUE_FALSE = Codec("true or false", _decode_true_false, lambda value: "true" if value else "false")
BOOL_ONE_ZERO = Codec("1 or 0", _decode_true_false, lambda value: "1" if value else "0")


def _integer_member(enum_type: type[enum.Enum], text: str) -> Any:
    """Return the member of an integer enum written in ``text`` (ASCII digits)."""
    number = _decode_int(text)
    try:
        return enum_type(number)
    except ValueError:
        raise ValueError(f"{_quote(text)} is not a valid {enum_type.__name__}") from None


def enum_codec(enum_type: type[enum.Enum], *, integer: bool) -> Codec:
    """Return a codec for an enum whose wire form is its value.

    :param enum_type: the enum (an ``IntEnum``/``IntFlag`` when ``integer``, else a ``str`` enum).
    :param integer: whether the wire value is an integer.
    """
    if integer:
        return Codec(
            f"an integer {enum_type.__name__}",
            lambda text: _integer_member(enum_type, text),
            lambda value: str(int(value)),
        )

    def decode(text: str) -> Any:
        try:
            return enum_type(text.strip())
        except ValueError:
            raise ValueError(f"{_quote(text)} is not a valid {enum_type.__name__}") from None

    return Codec(f"a {enum_type.__name__}", decode, lambda value: value.value)
