"""Call operations: place, fetch, list, segments, redirect."""

from __future__ import annotations

from .. import paths, validate
from ..filters import CALLS
from ..parameters import MAKE_CALL, REDIRECT_CALL, encode
from ..records import (
    Call,
    CallStatus,
)
from ._common import (
    ApiRequest,
    DateLike,
    account_path,
    list_request,
)


def make_call(
    account_sid: str,
    *,
    to: str,
    from_: str | None,
    url: str,
    method: str | None = "POST",
    send_digits: str | None = None,
    if_machine: str | None = None,
    timeout: int | None = None,
) -> ApiRequest:
    """Place an outbound call (``POST Calls`` with ``Caller``, ``Called``, ``Url``).

    :param to: the number to call (``Called``).
    :param from_: the caller ID to present (``Caller``): one of your numbers or validated caller IDs.
    :param url: the absolute URL of the TwiML to run when the call connects (``Url``).
    :param method: ``GET`` or ``POST`` for ``url`` (``Method``); the default ``"POST"`` is Twilio's own
        default, sent explicitly; ``None`` sends no ``Method``.
    :param send_digits: DTMF keys to play once connected (``SendDigits``).
    :param if_machine: ``Continue`` or ``Hangup`` to detect answering machines (``IfMachine``).
    :param timeout: seconds to let it ring, 1-999 (``Timeout``; Twilio's default is 60).
    """
    form = encode(
        MAKE_CALL,
        to=to,
        from_=from_,
        url=url,
        method=method,
        send_digits=send_digits,
        if_machine=if_machine,
        timeout=timeout,
    )
    return ApiRequest("POST", account_path(paths.CALLS, account_sid), form=form, record=Call)


def get_call(account_sid: str, call_sid: str) -> ApiRequest:
    """Fetch a call (its initial segment)."""
    sid = validate.sid(call_sid, validate.CALL, "call_sid")
    return ApiRequest("GET", account_path(paths.CALL, account_sid, call_sid=sid), record=Call)


def list_calls(
    account_sid: str,
    *,
    to: str | None = None,
    from_: str | None = None,
    status: CallStatus | int | str | None = None,
    started_on: DateLike | None = None,
    started_after: DateLike | None = None,
    started_before: DateLike | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List calls, newest first, with the documented filters.

    :param to: only calls to this number (``Called``).
    :param from_: only calls from this number (``Caller``).
    :param status: only calls currently in this status (a :class:`CallStatus`, 0-5 or its name).
    :param started_on: calls that started on this date (``StartTime``).
    :param started_after: on or after this date (``StartTime>=``).
    :param started_before: on or before this date (``StartTime<=``).
    :param page_size: records per page, 1-1000 (``num``).
    """
    filters = CALLS.query(
        to=to,
        from_=from_,
        status=status,
        started_on=started_on,
        started_after=started_after,
        started_before=started_before,
    )
    return list_request(account_path(paths.CALLS, account_sid), Call, filters, page_size)


def list_call_segments(
    account_sid: str, call_sid: str, page_size: int = paths.DEFAULT_PAGE_SIZE
) -> ApiRequest:
    """List the segments (``<Dial>`` legs) of a call."""
    sid = validate.sid(call_sid, validate.CALL, "call_sid")
    return list_request(account_path(paths.CALL_SEGMENTS, account_sid, call_sid=sid), Call, (), page_size)


def get_call_segment(account_sid: str, call_sid: str, segment_sid: str) -> ApiRequest:
    """Fetch one segment of a call, as a Call record."""
    sid = validate.sid(call_sid, validate.CALL, "call_sid")
    segment = validate.sid(segment_sid, validate.CALL_SEGMENT, "segment_sid")
    path = account_path(paths.CALL_SEGMENT, account_sid, call_sid=sid, segment_sid=segment)
    return ApiRequest("GET", path, record=Call)


def redirect_call(account_sid: str, call_sid: str, url: str, method: str | None = "POST") -> ApiRequest:
    """Make a live call run the TwiML at ``url`` now (``CurrentUrl``); redirect to ``<Hangup/>`` to end it.

    :param call_sid: the live call's SID.
    :param url: the absolute URL of the new TwiML (``CurrentUrl``).
    :param method: ``GET`` or ``POST`` for ``url`` (``CurrentMethod``); the default ``"POST"`` is
        Twilio's own default, sent explicitly; ``None`` sends no ``CurrentMethod``.
    """
    sid = validate.sid(call_sid, validate.CALL, "call_sid")
    form = encode(REDIRECT_CALL, url=url, method=method)
    return ApiRequest("POST", account_path(paths.CALL, account_sid, call_sid=sid), form=form, record=Call)
