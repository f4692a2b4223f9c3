"""REST handlers for Calls: place, list, fetch and redirect, with each call's segments, recordings
and notifications.

Choices where the reference says *inferred*:

- ``POST /Calls`` answers 201 with ``Location`` (the absolute URL of the new Call).
- ``Caller`` must be one of the account's IncomingPhoneNumbers or validated OutgoingCallerIds
  (else 400 / 21212); the call's ``PhoneNumberSid`` is that number's SID.
- The ``/Calls`` list shows initial segments only; ``/Segments`` lists the ``<Dial>`` segments.
- Redirect of a call that is not in progress: 400 / 21220.
- The parameters are decoded by their declarations in :mod:`...api.parameters` (the hook encodes
  by the same ones), so each mistake gets the code the hook gives it locally.
"""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ...api import filters, paths, validate
from ...api.parameters import MAKE_CALL, REDIRECT_CALL
from ...api.records import Call, CallFlags, CallStatus, Notification, Recording
from ..model import numbers
from ..model.state import Emulator
from ..model.store import new_sid, now
from ..telephony import calls as telephony
from .endpoint import (
    Req,
    RestError,
    decoded,
    listed,
    lookup,
    newest_first,
    paginate,
    respond,
)
from .notifications import list_notification_records

__all__ = ["ROUTES"]

CODES = validate.CODES


def _call_row(emu: Emulator, req: Req) -> Any:
    return lookup(emu, req, Call, req.path_params["call_sid"])


async def list_calls(emu: Emulator, req: Req) -> Response:
    """List the account's calls, filtered by Called, Caller, Status and StartTime."""
    records = [row.record for row in emu.store.find(Call, req.account_sid, sub="")]
    chosen = list(filter(listed(req, filters.CALLS), records))
    return paginate(req, newest_first(chosen), Call)


async def create_call(emu: Emulator, req: Req) -> Response:
    """Place a call (reference 3.3): validate, store it queued, start its lifecycle; 201."""
    values = decoded(MAKE_CALL, req.params)
    called, caller = values["to"], values["from_"]
    number_sid = numbers.caller_id_sid(emu, req.account_sid or "", caller)
    if number_sid is None:
        raise RestError(
            400,
            f"The Caller {caller} is not a phone number or validated caller ID of this account",
            CODES["caller_invalid"],
        )
    stamp = now()
    call = Call(
        sid=new_sid("CA"),
        date_created=stamp,
        date_updated=stamp,
        account_sid=req.account_sid,
        called=called,
        caller=caller,
        phone_number_sid=number_sid,
        status=CallStatus.QUEUED,
        flags=CallFlags.API,
    )
    extra = {name: values[name] for name in ("url", "method", "if_machine", "timeout")}
    emu.begin(call, extra=extra)
    location = emu.resource_url(paths.fill(paths.CALL, account_sid=call.account_sid or "", call_sid=call.sid))
    return respond(req, call, status=201, headers={"Location": location})


async def get_call(emu: Emulator, req: Req) -> Response:
    """Fetch a call (its initial segment)."""
    return respond(req, _call_row(emu, req).record)


async def redirect(emu: Emulator, req: Req) -> Response:
    """Redirect a live call to ``CurrentUrl`` (reference 3.4)."""
    row = _call_row(emu, req)
    values = decoded(REDIRECT_CALL, req.params)
    url, method = values["url"], values["method"]
    if row.record.status is not CallStatus.IN_PROGRESS or not telephony.redirect_call(
        emu, row.record.sid, url, method
    ):
        raise RestError(400, "Call is not in-progress. Cannot redirect.", CODES["call_not_in_progress"])
    return respond(req, row.record)


async def list_segments(emu: Emulator, req: Req) -> Response:
    """List the ``<Dial>`` segments of a call."""
    call = _call_row(emu, req).record
    rows = emu.store.find(Call, req.account_sid, parent=call.sid)
    return paginate(req, [row.record for row in rows if row.sub], Call)


async def get_segment(emu: Emulator, req: Req) -> Response:
    """Fetch one segment of a call."""
    call = _call_row(emu, req).record
    row = lookup(emu, req, Call, call.sid, req.path_params["segment_sid"])
    return respond(req, row.record)


async def call_recordings(emu: Emulator, req: Req) -> Response:
    """List the recordings made during a call."""
    call = _call_row(emu, req).record
    rows = emu.store.find(Recording, req.account_sid, parent=call.sid)
    return paginate(req, newest_first([row.record for row in rows], "date_created"), Recording)


async def call_notifications(emu: Emulator, req: Req) -> Response:
    """List the notifications written during a call (list form: no request/response details)."""
    call = _call_row(emu, req).record
    return paginate(req, list_notification_records(emu, req, parent=call.sid), Notification)


ROUTES = [
    (paths.CALLS, {"GET": list_calls, "POST": create_call}),
    (paths.CALL_SEGMENTS, {"GET": list_segments}),
    (paths.CALL_SEGMENT, {"GET": get_segment}),
    (paths.CALL_RECORDINGS, {"GET": call_recordings}),
    (paths.CALL_NOTIFICATIONS, {"GET": call_notifications}),
    (paths.CALL, {"GET": get_call, "POST": redirect}),
]
