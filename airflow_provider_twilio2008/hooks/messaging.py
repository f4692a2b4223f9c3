"""SMS methods of the hook."""

from __future__ import annotations

from collections.abc import Iterator

from ..api import operations as ops
from ..api import paths
from ..api.operations import DateLike
from ..api.records import (
    SmsMessage,
)
from ._methods import ResourceMethods


class SmsMethods(ResourceMethods):
    """SMS methods of ``Twilio2008Hook``."""

    def send_sms(
        self, to: str, body: str, from_: str | None = None, status_callback: str | None = None
    ) -> SmsMessage:
        """Send an SMS (``POST /SMS/Messages``); it starts ``queued``.

        :param to: recipient (E.164, 10 US digits or a short code).
        :param body: the text, 1-160 characters.
        :param from_: an SMS-capable number of the account; ``None`` uses ``default_from``.
        :param status_callback: URL Twilio POSTs ``SmsSid``/``SmsStatus`` to when done.
        """
        request = ops.send_sms(
            self.account_sid,
            to=to,
            body=body,
            from_=self.config.sender(from_),
            status_callback=status_callback,
        )
        return self.transport.record(request)

    def get_sms(self, sms_sid: str) -> SmsMessage:
        """Fetch one SMS (``GET /SMS/Messages/{SMSMessageSid}``).

        :param sms_sid: the message SID (``SM...``).
        """
        return self.transport.record(ops.get_sms(self.account_sid, sms_sid))

    def list_sms(
        self,
        *,
        to: str | None = None,
        from_: str | None = None,
        sent_on: DateLike | None = None,
        sent_after: DateLike | None = None,
        sent_before: DateLike | None = None,
        page_size: int = paths.DEFAULT_PAGE_SIZE,
    ) -> Iterator[SmsMessage]:
        """Iterate over SMS messages, newest first (``GET /SMS/Messages``).

        :param to: only messages to this number.
        :param from_: only messages from this number.
        :param sent_on: only messages sent on this date (``DateSent``).
        :param sent_after: sent on or after (``DateSent>=``).
        :param sent_before: sent on or before (``DateSent<=``).
        :param page_size: records per request, 1-1000.
        """
        request = ops.list_sms(
            self.account_sid,
            to=to,
            from_=from_,
            sent_on=sent_on,
            sent_after=sent_after,
            sent_before=sent_before,
            page_size=page_size,
        )
        return self.transport.iterate(request)
