"""SMS operations: send, fetch, list."""

from __future__ import annotations

from .. import paths, validate
from ..filters import SMS_MESSAGES
from ..parameters import SEND_SMS, encode
from ..records import (
    SmsMessage,
)
from ._common import (
    ApiRequest,
    DateLike,
    account_path,
    list_request,
)


def send_sms(
    account_sid: str, *, to: str, body: str, from_: str | None, status_callback: str | None = None
) -> ApiRequest:
    """Send an SMS (``POST SMS/Messages`` with ``From``, ``To``, ``Body``).

    :param to: the recipient (``To``); a 10-digit US number, ``+`` and country code, or a short code.
    :param body: the text, 1-160 characters (``Body``).
    :param from_: an SMS-capable number of the account (``From``).
    :param status_callback: URL Twilio POSTs ``SmsSid``/``SmsStatus`` to when done (``StatusCallback``).
    """
    form = encode(SEND_SMS, from_=from_, to=to, body=body, status_callback=status_callback)
    return ApiRequest("POST", account_path(paths.SMS_MESSAGES, account_sid), form=form, record=SmsMessage)


def get_sms(account_sid: str, sms_sid: str) -> ApiRequest:
    """Fetch one SMS message."""
    sid = validate.sid(sms_sid, validate.SMS, "sms_sid")
    return ApiRequest("GET", account_path(paths.SMS_MESSAGE, account_sid, sms_sid=sid), record=SmsMessage)


def list_sms(
    account_sid: str,
    *,
    to: str | None = None,
    from_: str | None = None,
    sent_on: DateLike | None = None,
    sent_after: DateLike | None = None,
    sent_before: DateLike | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List SMS messages, newest first (``To``, ``From``, ``DateSent`` filters)."""
    filters = SMS_MESSAGES.query(
        to=to, from_=from_, sent_on=sent_on, sent_after=sent_after, sent_before=sent_before
    )
    return list_request(account_path(paths.SMS_MESSAGES, account_sid), SmsMessage, filters, page_size)
