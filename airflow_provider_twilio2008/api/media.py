"""How long a complete recording body must be: what its ``Content-Length`` and its RIFF header declare.

A recording answer (``GET /Recordings/{RecordingSid}.wav|.mp3``) can arrive short in two ways
that the HTTP library may not notice:

* fewer bytes than its ``Content-Length`` (the connection closed mid-body);
* a ``Content-Length`` consistent with a body that is itself cut, or no ``Content-Length`` at
  all (a body delimited by the connection closing): a WAV still says how long it is, since
  its RIFF header's chunk size is the file length minus the 8 bytes of the ``RIFF`` tag and
  the size field.

:func:`shortfall` applies both rules; the drivers count the bytes and call it once the body
ended. An MP3 (or anything that is not RIFF) declares no length of its own, so only its
``Content-Length`` applies. No I/O happens here.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = [
    "CONTENT_LENGTH",
    "RIFF_HEADER_BYTES",
    "RIFF_SIZE",
    "UNKNOWN_RIFF_SIZES",
    "Shortfall",
    "declared_content_length",
    "riff_declared_length",
    "shortfall",
]

#: Bytes before a RIFF file's form type: the ``RIFF`` tag and the 32-bit little-endian size.
RIFF_HEADER_BYTES = 8
#: Chunk sizes that writers put in a RIFF header whose length was not known when it was written
#: (a stream recorded before its end): they declare nothing, so no length is required.
UNKNOWN_RIFF_SIZES = frozenset({0, 0xFFFFFFFF})
#: What :attr:`Shortfall.source` names.
CONTENT_LENGTH = "Content-Length"
RIFF_SIZE = "RIFF header"
_DIGITS = re.compile(r"[0-9]+")


@dataclass(frozen=True)
class Shortfall:
    """A recording body that ended before the length it was declared to have.

    :param received: the bytes that arrived (as counted for ``source``: on the wire for the
        ``Content-Length``, decoded for the RIFF size).
    :param expected: the bytes the body should have had.
    :param source: what declared ``expected``: :data:`CONTENT_LENGTH` or :data:`RIFF_SIZE`.
    """

    received: int
    expected: int
    source: str

    def __str__(self) -> str:
        """Word the shortfall: ``40022 of 80044 bytes (the size its RIFF header declares)``."""
        what = "its Content-Length" if self.source == CONTENT_LENGTH else "the size its RIFF header declares"
        return f"{self.received} of {self.expected} bytes ({what})"


def declared_content_length(value: str | None) -> int | None:
    """Return the length a ``Content-Length`` header announces, or ``None`` when it announces none.

    :param value: the header's value, if the answer had one (ASCII digits only; anything else,
        such as a list or a sign, announces nothing this rule can hold a body to).
    """
    if value is None:
        return None
    text = value.strip()
    return int(text) if _DIGITS.fullmatch(text) else None


def riff_declared_length(head: bytes) -> int | None:
    """Return the file length a RIFF header declares (its chunk size + 8), or ``None``.

    :param head: the first bytes of the (decoded) body; at least :data:`RIFF_HEADER_BYTES`
        are needed. ``None`` when they are fewer, do not start with ``RIFF``, or hold a size
        that means "not known" (:data:`UNKNOWN_RIFF_SIZES`).
    """
    if len(head) < RIFF_HEADER_BYTES or head[:4] != b"RIFF":
        return None
    size = int.from_bytes(head[4:RIFF_HEADER_BYTES], "little")
    if size in UNKNOWN_RIFF_SIZES:
        return None
    return size + RIFF_HEADER_BYTES


def shortfall(*, content_length: str | None, received: int, head: bytes, decoded: int) -> Shortfall | None:
    """Return how a recording body that ended falls short of its declared length, or ``None`` if whole.

    A body is complete when it holds at least what its ``Content-Length`` announces and, if it
    is RIFF (a WAV), at least the length its RIFF header declares. A longer body is not
    refused here (an HTTP client stops at the ``Content-Length``; bytes after a RIFF file's
    end are padding or trailing chunks).

    :param content_length: the answer's ``Content-Length`` header, if any.
    :param received: the body bytes read from the wire (before any ``Content-Encoding`` is undone).
    :param head: the first bytes of the decoded body (:data:`RIFF_HEADER_BYTES` are enough).
    :param decoded: the decoded body bytes, which is what the RIFF size counts.
    """
    announced = declared_content_length(content_length)
    if announced is not None and received < announced:
        return Shortfall(received, announced, CONTENT_LENGTH)
    declared = riff_declared_length(head)
    if declared is not None and decoded < declared:
        return Shortfall(decoded, declared, RIFF_SIZE)
    return None
