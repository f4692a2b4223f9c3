"""How each 2008-08-01 operation becomes a request: method, path, query and form.

Every function validates its arguments locally (see :mod:`..validate`) and returns an
:class:`ApiRequest`; nothing here sends anything. Both transports send these descriptions
and parse the answer into ``ApiRequest.record``.

Phone numbers are sent as the 2008 API shows them (bare 10 digits for US numbers, ``+`` and
country code otherwise). Date filters take a date, a datetime or ``YYYY-MM-DD`` and are
written into the query key as the reference explains: ``StartTime>=2009-07-04`` is the key
``StartTime>`` with the value ``2009-07-04``.
"""

from __future__ import annotations

from ._common import ApiRequest, DateLike, Pairs
from .accounts import get_account, list_accounts, update_account
from .caller_ids import (
    delete_outgoing_caller_id,
    get_outgoing_caller_id,
    list_outgoing_caller_ids,
    start_caller_id_validation,
    update_outgoing_caller_id,
)
from .calls import get_call, get_call_segment, list_call_segments, list_calls, make_call, redirect_call
from .conferences import (
    get_conference,
    get_participant,
    kick_participant,
    list_conferences,
    list_participants,
    set_participant_muted,
)
from .media import (
    delete_recording,
    get_recording,
    get_transcription,
    list_recordings,
    list_transcriptions,
    recording_media,
    transcription_text,
)
from .notifications import delete_notification, get_notification, list_notifications
from .numbers import (
    NUMBER_KINDS,
    NumberSettings,
    buy_phone_number,
    get_incoming_phone_number,
    list_incoming_phone_numbers,
    release_incoming_phone_number,
    update_incoming_phone_number,
)
from .paging import Pager, next_page_request
from .sms import get_sms, list_sms, send_sms

__all__ = [
    "ApiRequest",
    "DateLike",
    "NUMBER_KINDS",
    "NumberSettings",
    "Pager",
    "Pairs",
    "buy_phone_number",
    "delete_notification",
    "delete_outgoing_caller_id",
    "delete_recording",
    "get_account",
    "get_call",
    "get_call_segment",
    "get_conference",
    "get_incoming_phone_number",
    "get_notification",
    "get_outgoing_caller_id",
    "get_participant",
    "get_recording",
    "get_sms",
    "get_transcription",
    "kick_participant",
    "list_accounts",
    "list_call_segments",
    "list_calls",
    "list_conferences",
    "list_incoming_phone_numbers",
    "list_notifications",
    "list_outgoing_caller_ids",
    "list_participants",
    "list_recordings",
    "list_sms",
    "list_transcriptions",
    "make_call",
    "next_page_request",
    "recording_media",
    "redirect_call",
    "release_incoming_phone_number",
    "send_sms",
    "set_participant_muted",
    "start_caller_id_validation",
    "transcription_text",
    "update_account",
    "update_incoming_phone_number",
    "update_outgoing_caller_id",
]
