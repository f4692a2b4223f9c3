"""REST handlers for Conferences and their Participants (mute, kick)."""

from __future__ import annotations

from typing import Any

from starlette.responses import Response

from ...api import filters, paths
from ...api.parameters import SET_PARTICIPANT_MUTED
from ...api.records import Conference, Participant
from ..model.state import Emulator
from ..telephony import conference
from .endpoint import (
    Req,
    decoded,
    listed,
    lookup,
    newest_first,
    no_content,
    paginate,
    respond,
)

__all__ = ["ROUTES"]


async def list_conferences(emu: Emulator, req: Req) -> Response:
    """List conferences, filtered by Status, FriendlyName, DateCreated and DateUpdated."""
    records = [row.record for row in emu.store.find(Conference, req.account_sid)]
    matches = listed(req, filters.CONFERENCES)
    chosen = list(filter(matches, records))
    return paginate(req, newest_first(chosen), Conference)


def _conference_row(emu: Emulator, req: Req) -> Any:
    return lookup(emu, req, Conference, req.path_params["conference_sid"])


async def get_conference(emu: Emulator, req: Req) -> Response:
    """Fetch a conference."""
    return respond(req, _conference_row(emu, req).record)


async def list_participants(emu: Emulator, req: Req) -> Response:
    """List the callers in a conference, filtered by Muted."""
    room = _conference_row(emu, req).record
    records = [row.record for row in emu.store.find(Participant, req.account_sid, parent=room.sid)]
    return paginate(req, list(filter(listed(req, filters.PARTICIPANTS), records)), Participant)


def _participant_row(emu: Emulator, req: Req) -> Any:
    room = _conference_row(emu, req).record
    return lookup(emu, req, Participant, room.sid, req.path_params["call_sid"])


async def get_participant(emu: Emulator, req: Req) -> Response:
    """Fetch a participant."""
    return respond(req, _participant_row(emu, req).record)


async def mute_participant(emu: Emulator, req: Req) -> Response:
    """Mute or unmute a participant (``Muted`` true/1; anything else is false)."""
    row = _participant_row(emu, req)
    muted = decoded(SET_PARTICIPANT_MUTED, req.params)["muted"] == "true"
    return respond(req, emu.store.update(row, muted=muted).record)


async def kick_participant(emu: Emulator, req: Req) -> Response:
    """Remove a participant from its conference; 204."""
    row = _participant_row(emu, req)
    if not conference.kick(emu, row.record.conference_sid or "", row.record.call_sid):
        emu.store.delete(row)
    return no_content()


ROUTES = [
    (paths.CONFERENCES, {"GET": list_conferences}),
    (paths.PARTICIPANTS, {"GET": list_participants}),
    (paths.PARTICIPANT, {"GET": get_participant, "POST": mute_participant, "DELETE": kick_participant}),
    (paths.CONFERENCE, {"GET": get_conference}),
]
