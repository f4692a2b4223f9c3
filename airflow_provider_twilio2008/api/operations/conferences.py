"""Conference and participant operations."""

from __future__ import annotations

from .. import paths, validate
from ..filters import CONFERENCES, PARTICIPANTS
from ..parameters import SET_PARTICIPANT_MUTED, encode
from ..records import (
    Conference,
    ConferenceStatus,
    Participant,
)
from ._common import (
    ApiRequest,
    DateLike,
    account_path,
    list_request,
)


def list_conferences(
    account_sid: str,
    *,
    status: ConferenceStatus | int | str | None = None,
    friendly_name: str | None = None,
    created_on: DateLike | None = None,
    created_after: DateLike | None = None,
    created_before: DateLike | None = None,
    updated_on: DateLike | None = None,
    updated_after: DateLike | None = None,
    updated_before: DateLike | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List conferences, newest first (``Status``, ``FriendlyName``, ``DateCreated``, ``DateUpdated``).

    :param status: a :class:`ConferenceStatus`, 0-2 or a name such as ``"completed"``.
    :param friendly_name: the room name (exact match).
    """
    filters = CONFERENCES.query(
        status=status,
        friendly_name=friendly_name,
        created_on=created_on,
        created_after=created_after,
        created_before=created_before,
        updated_on=updated_on,
        updated_after=updated_after,
        updated_before=updated_before,
    )
    return list_request(account_path(paths.CONFERENCES, account_sid), Conference, filters, page_size)


def get_conference(account_sid: str, conference_sid: str) -> ApiRequest:
    """Fetch one conference."""
    sid = validate.sid(conference_sid, validate.CONFERENCE, "conference_sid")
    return ApiRequest(
        "GET", account_path(paths.CONFERENCE, account_sid, conference_sid=sid), record=Conference
    )


def _participant_path(account_sid: str, conference_sid: str, call_sid: str) -> str:
    conference = validate.sid(conference_sid, validate.CONFERENCE, "conference_sid")
    call = validate.sid(call_sid, validate.CALL, "call_sid")
    return account_path(paths.PARTICIPANT, account_sid, conference_sid=conference, call_sid=call)


def list_participants(
    account_sid: str,
    conference_sid: str,
    *,
    muted: bool | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List a conference's participants, optionally only (un)muted ones."""
    conference = validate.sid(conference_sid, validate.CONFERENCE, "conference_sid")
    path = account_path(paths.PARTICIPANTS, account_sid, conference_sid=conference)
    return list_request(path, Participant, PARTICIPANTS.query(muted=muted), page_size)


def get_participant(account_sid: str, conference_sid: str, call_sid: str) -> ApiRequest:
    """Fetch one participant, by the SID of its call."""
    return ApiRequest("GET", _participant_path(account_sid, conference_sid, call_sid), record=Participant)


def set_participant_muted(account_sid: str, conference_sid: str, call_sid: str, muted: bool) -> ApiRequest:
    """Mute or unmute a participant (``POST Muted=true|false``)."""
    # Required here although the wire would take an absent Muted as false: None is a mistake.
    form = encode(SET_PARTICIPANT_MUTED, muted=validate.flag(muted, "muted", param="Muted"))
    return ApiRequest(
        "POST", _participant_path(account_sid, conference_sid, call_sid), form=form, record=Participant
    )


def kick_participant(account_sid: str, conference_sid: str, call_sid: str) -> ApiRequest:
    """Remove a participant from its conference (204, empty body)."""
    return ApiRequest("DELETE", _participant_path(account_sid, conference_sid, call_sid))
