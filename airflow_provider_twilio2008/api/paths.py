"""URI templates of every 2008-08-01 resource, shared by the client and the emulator.

Templates use ``{name}`` placeholders and are relative to the base URL
(``https://api.twilio.com`` by default). Every resource except the Accounts list hangs under
``ACCOUNT``.
"""

from __future__ import annotations

API_VERSION = "2008-08-01"
DEFAULT_BASE_URL = "https://api.twilio.com"

ROOT = f"/{API_VERSION}"
ACCOUNTS = f"{ROOT}/Accounts"
ACCOUNT = ACCOUNTS + "/{account_sid}"

CALLS = ACCOUNT + "/Calls"
CALL = CALLS + "/{call_sid}"
CALL_SEGMENTS = CALL + "/Segments"
CALL_SEGMENT = CALL_SEGMENTS + "/{segment_sid}"
CALL_RECORDINGS = CALL + "/Recordings"
CALL_NOTIFICATIONS = CALL + "/Notifications"

SMS_MESSAGES = ACCOUNT + "/SMS/Messages"
SMS_MESSAGE = SMS_MESSAGES + "/{sms_sid}"

RECORDINGS = ACCOUNT + "/Recordings"
RECORDING = RECORDINGS + "/{recording_sid}"
RECORDING_TRANSCRIPTIONS = RECORDING + "/Transcriptions"
RECORDING_TRANSCRIPTION = RECORDING_TRANSCRIPTIONS + "/{transcription_sid}"

TRANSCRIPTIONS = ACCOUNT + "/Transcriptions"
TRANSCRIPTION = TRANSCRIPTIONS + "/{transcription_sid}"

NOTIFICATIONS = ACCOUNT + "/Notifications"
NOTIFICATION = NOTIFICATIONS + "/{notification_sid}"

OUTGOING_CALLER_IDS = ACCOUNT + "/OutgoingCallerIds"
OUTGOING_CALLER_ID = OUTGOING_CALLER_IDS + "/{caller_id_sid}"

INCOMING_PHONE_NUMBERS = ACCOUNT + "/IncomingPhoneNumbers"
INCOMING_PHONE_NUMBERS_LOCAL = INCOMING_PHONE_NUMBERS + "/Local"
INCOMING_PHONE_NUMBERS_TOLL_FREE = INCOMING_PHONE_NUMBERS + "/TollFree"
INCOMING_PHONE_NUMBER = INCOMING_PHONE_NUMBERS + "/{number_sid}"

CONFERENCES = ACCOUNT + "/Conferences"
CONFERENCE = CONFERENCES + "/{conference_sid}"
PARTICIPANTS = CONFERENCE + "/Participants"
PARTICIPANT = PARTICIPANTS + "/{call_sid}"

#: Suffixes that select a representation (section 1.4 of the reference).
DOCUMENT_SUFFIXES = ("xml", "json", "csv", "html")
#: Media suffixes of a Recording instance, with their MIME types.
RECORDING_MEDIA = {"wav": "audio/x-wav", "mp3": "audio/mpeg"}
#: Method override query key (POST with ``?_method=PUT|DELETE``).
METHOD_OVERRIDE = "_method"
#: Paging query keys: page size (default 50, at most 1000) and zero-based page number.
PAGE_SIZE_PARAM = "num"
PAGE_PARAM = "Page"
DEFAULT_PAGE_SIZE = 50
MAX_PAGE_SIZE = 1000


def fill(template: str, **values: str) -> str:
    """Return ``template`` with its placeholders filled.

    :param template: one of the templates of this module.
    :param values: already validated path values (SIDs); they are inserted as they are.
    """
    return template.format(**values)


def more_info_url(code: int) -> str:
    """Return the error dictionary URL Twilio puts in ``MoreInfo`` for ``code``.

    :param code: a Twilio error code such as 21201.
    """
    return f"http://www.twilio.com/docs/errors/{code}"
