"""When to try a request again, and how long to wait first; shared by both transports.

GET and DELETE are retried on transport failures, on 5xx and on 429, honouring
``Retry-After``. A POST is tried again only when it certainly did nothing: the connection
could not be opened, or the server answered 429. A POST whose answer was lost is never
re-sent, so a call or SMS is never placed twice.
"""

from __future__ import annotations

import email.utils
import re
import time
from dataclasses import dataclass

__all__ = ["CONNECT_FAILURE", "IDEMPOTENT_METHODS", "LOST_ANSWER", "RetryPolicy", "parse_retry_after"]

#: The connection was never established: the server cannot have seen the request.
CONNECT_FAILURE = "connect"
#: The request may have reached the server, but no complete answer came back.
LOST_ANSWER = "lost-answer"

#: Methods whose repetition does no harm; anything else (POST) creates or changes something.
IDEMPOTENT_METHODS = frozenset({"GET", "DELETE", "HEAD"})
_RETRYABLE_STATUS = frozenset({429, 500, 502, 503, 504})


@dataclass(frozen=True)
class RetryPolicy:
    """The retry rules: how many tries, which failures, how long to wait.

    :param retries: re-tries after the first attempt (0 disables retrying).
    :param backoff: first wait in seconds; doubled for each further retry.
    :param max_backoff: longest computed wait.
    :param max_retry_after: longest ``Retry-After`` we agree to wait; a longer one is not retried.
    """

    retries: int = 3
    backoff: float = 0.5
    max_backoff: float = 30.0
    max_retry_after: float = 120.0

    def retry_on_failure(self, method: str, attempt: int, kind: str) -> bool:
        """Return whether a request whose answer never came should be sent again.

        :param method: the HTTP method.
        :param attempt: how many retries were made already.
        :param kind: :data:`CONNECT_FAILURE` or :data:`LOST_ANSWER`.
        """
        if attempt >= self.retries:
            return False
        return kind == CONNECT_FAILURE or method.upper() in IDEMPOTENT_METHODS

    def retry_on_status(self, method: str, attempt: int, status: int, retry_after: float | None) -> bool:
        """Return whether an error status should be retried.

        :param method: the HTTP method.
        :param attempt: how many retries were made already.
        :param status: the HTTP status received.
        :param retry_after: the server's ``Retry-After`` in seconds, if any.
        """
        if attempt >= self.retries or status not in _RETRYABLE_STATUS:
            return False
        if retry_after is not None and retry_after > self.max_retry_after:
            return False
        return status == 429 or method.upper() in IDEMPOTENT_METHODS

    def delay(self, attempt: int, retry_after: float | None = None) -> float:
        """Return the seconds to wait before retry number ``attempt + 1``.

        :param attempt: how many retries were made already.
        :param retry_after: the server's ``Retry-After`` in seconds; it wins when given.
        """
        if retry_after is not None:
            return max(0.0, min(retry_after, self.max_retry_after))
        return min(self.max_backoff, self.backoff * (2**attempt))


def parse_retry_after(value: str | None, now: float | None = None) -> float | None:
    """Read a ``Retry-After`` header: delta seconds or an HTTP date.

    :param value: the header value, if any.
    :param now: the current Unix time (defaults to ``time.time()``).
    """
    if value is None or not value.strip():
        return None
    text = value.strip()
    if re.fullmatch(r"[0-9]+", text):  # ASCII only: str.isdigit() passes '²', which float() refuses
        return float(text)
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - (time.time() if now is None else now))
