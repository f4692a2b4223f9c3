"""Word a ``requests`` (urllib3) failure the way :mod:`airflow_provider_twilio2008.api.exchange` reads it.

Which events may be retried, and what each one says, is decided there for both transports;
this module only recognises the sync libraries' exceptions: whether the request certainly never
reached the server, timed out waiting for an answer, or lost its body midway.
"""

from __future__ import annotations

import traceback

import requests
from urllib3.exceptions import NewConnectionError, ReadTimeoutError

from ..api.exchange import (
    BODY_CUT_SHORT,
    BODY_STALLED,
    CANNOT_CONNECT,
    CLOSED_UNANSWERED,
    CONNECT_TIMEOUT,
    NO_ANSWER_IN_TIME,
    Failure,
    causes,
    failure,
)
from ..api.retry import CONNECT_FAILURE, LOST_ANSWER


def in_tls_handshake(cause: BaseException) -> bool:
    """Tell whether ``cause`` was raised inside the TLS handshake, before the request was sent.

    urllib3 reports a handshake that times out as a *read* timeout and a refused certificate as
    an ``SSLError``; httpx reports both as connect errors, which is what they are.

    :param cause: one exception behind a failure.
    """
    return any(frame.f_code.co_name == "do_handshake" for frame, _ in traceback.walk_tb(cause.__traceback__))


def failure_kind(exc: requests.RequestException) -> str:
    """Tell whether the request certainly never reached the server (``CONNECT_FAILURE``) or may have.

    :param exc: what ``requests`` raised.
    """
    if isinstance(exc, requests.ConnectTimeout):
        return CONNECT_FAILURE
    for cause in causes(exc):
        if isinstance(cause, NewConnectionError | ConnectionRefusedError) or in_tls_handshake(cause):
            return CONNECT_FAILURE
    return LOST_ANSWER


def unanswered(exc: requests.RequestException, timeout: float) -> Failure:
    """Describe a request that failed before its answer's head arrived (:func:`~..api.exchange.failure`).

    :param exc: what ``requests`` raised.
    :param timeout: the configured timeout, quoted in the failure.
    """
    if failure_kind(exc) == CONNECT_FAILURE:
        event = CONNECT_TIMEOUT if isinstance(exc, requests.Timeout) else CANNOT_CONNECT
    elif isinstance(exc, requests.Timeout):
        event = NO_ANSWER_IN_TIME
    elif isinstance(exc, requests.ConnectionError):
        event = CLOSED_UNANSWERED
    else:
        return Failure(LOST_ANSWER, f"{type(exc).__name__}: {str(exc)[:300]}")
    return failure(event, exc, timeout=timeout)


def cut_short(exc: Exception, timeout: float) -> Failure:
    """Describe an answer whose (raw) body could not be read to its end.

    :param exc: what ``requests`` or urllib3 raised while reading.
    :param timeout: the configured timeout, quoted in the failure.
    """
    if stalled(exc):
        return failure(BODY_STALLED, exc, timeout=timeout)
    return failure(BODY_CUT_SHORT, exc, timeout=timeout)


def stalled(exc: Exception) -> bool:
    """Tell whether a body stopped because a read timed out (a stall), not because it was cut.

    :param exc: what ``requests`` or urllib3 raised while reading.
    """
    return any(isinstance(cause, ReadTimeoutError | TimeoutError) for cause in causes(exc))
