"""REST handlers for SMS Messages: the list (send an SMS) and instances.

Choices where the reference says *inferred*:

- ``POST /SMS/Messages`` answers 201 with ``Location``. ``From`` must be a local (SMS-capable)
  IncomingPhoneNumber of the account, else 400 / 21606; an invalid ``To`` gives 21211.
- SMS list sorted by ``DateSent`` newest first; unsent messages (no ``DateSent``) by
  ``DateCreated``, among the newest.
"""

from __future__ import annotations

from starlette.responses import Response

from ...api import filters, paths, validate
from ...api.parameters import SEND_SMS
from ...api.records import SmsFlags, SmsMessage
from ..messaging import outgoing as sms
from ..model import numbers
from ..model.state import Emulator
from .endpoint import Req, RestError, decoded, listed, lookup, paginate, respond

__all__ = ["ROUTES"]

CODES = validate.CODES


async def list_sms(emu: Emulator, req: Req) -> Response:
    """List SMS messages, filtered by To, From and DateSent."""
    records = [row.record for row in emu.store.find(SmsMessage, req.account_sid)]
    chosen = list(filter(listed(req, filters.SMS_MESSAGES), records))
    indexed = list(enumerate(chosen))
    indexed.sort(key=lambda pair: (pair[1].date_sent or pair[1].date_created, pair[0]), reverse=True)
    return paginate(req, [m for _, m in indexed], SmsMessage)


async def send_sms(emu: Emulator, req: Req) -> Response:
    """Send an SMS (reference 3.5); 201 with the queued message."""
    values = decoded(SEND_SMS, req.params)
    sender, to, body, callback = values["from_"], values["to"], values["body"], values["status_callback"]
    if numbers.caller_id_sid(emu, req.account_sid or "", sender, sms=True) is None:
        raise RestError(
            400,
            f"The From phone number {sender} is not a valid, SMS-capable phone number of your account",
            CODES["sms_from_not_owned"],
        )
    message = sms.create_sms(
        emu,
        req.account_sid or "",
        to=to,
        from_=sender,
        body=body,
        status_callback=callback,
        flags=SmsFlags.API,
    )
    location = emu.resource_url(
        paths.fill(paths.SMS_MESSAGE, account_sid=req.account_sid or "", sms_sid=message.sid)
    )
    return respond(req, message, status=201, headers={"Location": location})


async def get_sms(emu: Emulator, req: Req) -> Response:
    """Fetch an SMS message."""
    row = lookup(emu, req, SmsMessage, req.path_params["sms_sid"])
    return respond(req, row.record)


ROUTES = [
    (paths.SMS_MESSAGES, {"GET": list_sms, "POST": send_sms}),
    (paths.SMS_MESSAGE, {"GET": get_sms}),
]
