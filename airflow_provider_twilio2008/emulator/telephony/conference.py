"""Conference rooms: who is in which room, when a room starts and ends, mute and kick.

Choices where the reference says *inferred*:

- A room instance is created (Status 0) when the first caller enters a room name that has no
  instance running in the account; it moves to Status 1 when at least two callers are in and one
  of them has ``startConferenceOnEnter``; it completes (Status 2) when the last caller leaves or
  a caller with ``endConferenceOnExit`` leaves (the others then leave too).
- A caller stays for the callee script's ``conference_seconds`` (simulated), unless kicked,
  redirected, or the room ends first. A Participant exists only while its call is in the room.
- Kick (``DELETE`` on the Participant) removes the caller from the room; its TwiML goes on
  with the verb after ``<Dial>`` (or the Dial ``action``), like a room that ended.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field
from typing import Any

from ...api.records import Conference, ConferenceStatus, Participant
from ..model.state import Emulator
from ..model.store import new_sid, now

__all__ = ["Room", "join", "kick"]


@dataclass
class Room:
    """A running conference instance.

    :param sid: its CF SID.
    :param account_sid: the owner.
    :param name: the room name.
    :param members: live calls in the room, by CallSid.
    :param ended: set when the room completes.
    """

    sid: str
    account_sid: str
    name: str
    members: dict[str, Any] = field(default_factory=dict)
    ended: asyncio.Event = field(default_factory=asyncio.Event)


def _room_for(emu: Emulator, account_sid: str, name: str) -> Room:
    for room in emu.conferences.values():
        if room.account_sid == account_sid and room.name == name and not room.ended.is_set():
            return room
    stamp = now()
    record = Conference(
        sid=new_sid("CF"),
        account_sid=account_sid,
        friendly_name=name,
        status=ConferenceStatus.INIT,
        date_created=stamp,
        date_updated=stamp,
    )
    emu.store.put(record)
    room = Room(record.sid, account_sid, name)
    emu.conferences[record.sid] = room
    return room


def _set_status(emu: Emulator, room: Room, status: ConferenceStatus) -> None:
    row = emu.store.get(Conference, room.sid)
    if row is not None and row.record.status is not status:
        emu.store.update(row, status=status)


async def join(
    emu: Emulator, live: Any, name: str, *, muted: bool, start_on_enter: bool, end_on_exit: bool
) -> None:
    """Put ``live`` in room ``name`` and return when it leaves.

    :param emu: the emulator.
    :param live: the :class:`.live_call.LiveCall`.
    :param name: the room name.
    :param muted: whether it enters muted.
    :param start_on_enter: its ``startConferenceOnEnter``.
    :param end_on_exit: its ``endConferenceOnExit``.
    """
    room = _room_for(emu, live.account_sid, name)
    stamp = now()
    participant = Participant(
        conference_sid=room.sid,
        account_sid=live.account_sid,
        call_sid=live.sid,
        muted=muted,
        start_conference_on_enter=start_on_enter,
        end_conference_on_exit=end_on_exit,
        date_created=stamp,
        date_updated=stamp,
    )
    emu.store.put(participant, parent=room.sid)
    room.members[live.sid] = live
    live.kicked.clear()
    _refresh(emu, room)
    loop = asyncio.get_running_loop()
    started = loop.time()
    waits = [asyncio.ensure_future(event.wait()) for event in (room.ended, live.kicked, live.wake)]
    try:
        await asyncio.wait(
            waits, timeout=live.script.conference_seconds / emu.time_scale, return_when="FIRST_COMPLETED"
        )
    finally:
        for waiter in waits:
            waiter.cancel()
    live.seconds += (loop.time() - started) * emu.time_scale
    room.members.pop(live.sid, None)
    row = emu.store.get(Participant, room.sid, live.sid)
    if row is not None:
        emu.store.delete(row)
    if end_on_exit or not room.members:
        _end(emu, room)


def _refresh(emu: Emulator, room: Room) -> None:
    starters = [
        row for row in emu.store.find(Participant, parent=room.sid) if row.record.start_conference_on_enter
    ]
    if len(room.members) >= 2 and starters:
        _set_status(emu, room, ConferenceStatus.IN_PROGRESS)


def _end(emu: Emulator, room: Room) -> None:
    _set_status(emu, room, ConferenceStatus.COMPLETED)
    room.ended.set()
    emu.conferences.pop(room.sid, None)


def kick(emu: Emulator, conference_sid: str, call_sid: str) -> bool:
    """Remove a caller from a running room; return ``False`` when it is not in it.

    :param emu: the emulator.
    :param conference_sid: the room instance.
    :param call_sid: the participant's call.
    """
    room: Room | None = emu.conferences.get(conference_sid)
    live = room.members.get(call_sid) if room else None
    if live is None:
        return False
    live.kicked.set()
    row = emu.store.get(Participant, conference_sid, call_sid)
    if row is not None:
        emu.store.delete(row)
    return True
