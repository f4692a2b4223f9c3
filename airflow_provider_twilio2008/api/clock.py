"""The API server's clock, as read from the ``Date`` header of its answers.

A call's or message's ``DateCreated`` is written by the server's clock, so a task that later
looks for "the record my create made" must say when it sent the create on that same clock,
not on its worker's (which may be minutes off, and differs between workers).

Every answer carries ``Date`` (RFC 7231, whole seconds): the server's time when it sent the
answer, rounded down. Read at local time ``t``, it says the server's clock was at least
``Date`` then, so ``local now + (Date - t)`` is never later than the server's own "now". This
module keeps the tightest such lower bound seen (:meth:`ServerClock.observe`) and turns local
time into it (:meth:`ServerClock.now`). The bound is at most one second plus one round trip
behind the server: a record created in the second (or two) before the reading may sort with
it, the limit the README's no-duplicates section states.

No I/O here: the sync transport feeds every answer's header in; the hook asks for one
``GET`` when it has no reading yet.
"""

from __future__ import annotations

import math
import threading
import time
from collections.abc import Callable
from datetime import datetime, timezone
from email.utils import parsedate_to_datetime

__all__ = ["FRESH_FOR", "UNDATED_SKEW", "ServerClock", "parse_http_date"]

#: Seconds a reading is trusted before the hook reads the clock again (clocks drift by far less).
FRESH_FOR = 3600.0
#: For a server that sends no ``Date`` (neither Twilio nor the emulator): how far behind the
#: local clock its own may be assumed to run. Only then does a window open before the intent.
UNDATED_SKEW = 120.0


def parse_http_date(value: str | None) -> float | None:
    """Return the Unix time an HTTP ``Date`` header gives, or ``None`` when it is absent or unreadable.

    :param value: the header's value (``Wed, 02 Dec 2026 07:13:25 GMT``).
    """
    if not value or len(value) > 64:
        return None
    try:
        parsed = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.timestamp()


class ServerClock:
    """A lower bound of the API server's time, from the ``Date`` headers it sent.

    Thread-safe: a list of SMS is sent from several threads through one hook.

    :param local: the local clock (Unix seconds); tests may pass their own.
    """

    def __init__(self, local: Callable[[], float] = time.time) -> None:
        self._local = local
        self._lock = threading.Lock()
        self._offset: float | None = None
        self._read_at = -math.inf

    def observe(self, date_header: str | None, received_at: float | None = None) -> None:
        """Take in one answer's ``Date`` header.

        :param date_header: the header's value, if the answer had one.
        :param received_at: local Unix time the answer's head arrived (default: now).
        """
        server = parse_http_date(date_header)
        if server is None:
            return
        at = self._local() if received_at is None else received_at
        offset = server - at
        with self._lock:
            stale = at - self._read_at > FRESH_FOR
            if self._offset is None or stale or offset > self._offset:
                self._offset = offset
            self._read_at = max(self._read_at, at)

    @property
    def offset(self) -> float | None:
        """Return the server's clock minus ours (a lower bound, seconds), or ``None`` before any reading."""
        return self._offset

    def fresh(self) -> bool:
        """Return whether a reading was taken within :data:`FRESH_FOR` seconds."""
        return self._offset is not None and self._local() - self._read_at <= FRESH_FOR

    def now(self) -> datetime | None:
        """Return a time the server's clock has certainly reached (UTC), or ``None`` before any reading."""
        offset = self._offset
        if offset is None:
            return None
        return datetime.fromtimestamp(self._local() + offset, timezone.utc)
