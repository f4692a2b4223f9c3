"""How each 2008-08-01 operation becomes a request: method, path, query and form.

Every function validates its arguments locally (see :mod:`.validate`) and returns an
:class:`ApiRequest`; nothing here sends anything. Both transports send these descriptions
and parse the answer into ``ApiRequest.record``.

Phone numbers are sent as the 2008 API shows them (bare 10 digits for US numbers, ``+`` and
country code otherwise). Date filters take a date, a datetime or ``YYYY-MM-DD`` and are
written into the query key as the reference explains: ``StartTime>=2009-07-04`` is the key
``StartTime>`` with the value ``2009-07-04``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, replace
from datetime import date
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

from . import paths, validate
from .errors import Twilio2008ResponseError, Twilio2008ValidationError
from .records import (
    Account,
    Call,
    CallStatus,
    Conference,
    ConferenceStatus,
    IncomingPhoneNumber,
    Notification,
    NotificationLog,
    OutgoingCallerId,
    Page,
    Participant,
    Record,
    Recording,
    SmsMessage,
    Transcription,
    ValidationRequest,
)
from .validate import CODES

Pairs = tuple[tuple[str, str], ...]
DateLike = date | str


@dataclass(frozen=True)
class ApiRequest:
    """A request description, independent of any HTTP library.

    :param method: ``GET``, ``POST`` or ``DELETE``.
    :param path: the path from the base URL, starting with ``/2008-08-01``.
    :param query: query parameters, in order.
    :param form: form fields (``application/x-www-form-urlencoded``), in order.
    :param record: the record class the answer holds, or ``None`` for no document.
    :param many: whether the answer is a list (a page of ``record``).
    """

    method: str
    path: str
    query: Pairs = ()
    form: Pairs = ()
    record: type[Record] | None = None
    many: bool = False

    @property
    def target(self) -> str:
        """Return the path with its encoded query string."""
        return f"{self.path}?{urlencode(self.query)}" if self.query else self.path


def _pairs(*items: tuple[str, Any]) -> Pairs:
    return tuple((key, str(value)) for key, value in items if value is not None)


def _date_filters(
    param: str, field: str, on: DateLike | None, after: DateLike | None, before: DateLike | None
) -> Pairs:
    """Return the ``=``, ``>=`` and ``<=`` filters of one date field.

    :param param: the request parameter (``StartTime``).
    :param field: the argument name prefix, for errors.
    """
    return _pairs(
        (param, None if on is None else validate.filter_date(on, f"{field}_on")),
        (f"{param}>", None if after is None else validate.filter_date(after, f"{field}_after")),
        (f"{param}<", None if before is None else validate.filter_date(before, f"{field}_before")),
    )


def _page_size(page_size: int) -> Pairs:
    size = validate.integer_in_range(
        page_size, "page_size", 1, paths.MAX_PAGE_SIZE, param=paths.PAGE_SIZE_PARAM
    )
    return ((paths.PAGE_SIZE_PARAM, str(size)),)


def _list(path: str, record: type[Record], filters: Pairs, page_size: int) -> ApiRequest:
    return ApiRequest("GET", path, filters + _page_size(page_size), record=record, many=True)


def _account_path(template: str, account_sid: str, **sids: str) -> str:
    return paths.fill(
        template, account_sid=validate.sid(account_sid, validate.ACCOUNT, "account_sid"), **sids
    )


def _phone_filter(value: str | None, field: str, param: str) -> str | None:
    return None if value is None else validate.phone_number(value, field, param=param)


def _optional_url(value: str | None, field: str, param: str) -> str | None:
    return None if value is None else validate.url(value, field, param=param)


def _optional_method(value: str | None, field: str, param: str) -> str | None:
    return None if value is None else validate.http_method(value, field, param=param)


def _bool_text(value: bool | None) -> str | None:
    return None if value is None else ("true" if value else "false")


# Accounts ---------------------------------------------------------------------------------


def list_accounts(page_size: int = paths.DEFAULT_PAGE_SIZE) -> ApiRequest:
    """List the accounts these credentials see (only the account itself)."""
    return _list(paths.ACCOUNTS, Account, (), page_size)


def get_account(account_sid: str) -> ApiRequest:
    """Fetch the account."""
    return ApiRequest("GET", _account_path(paths.ACCOUNT, account_sid), record=Account)


def update_account(account_sid: str, friendly_name: str) -> ApiRequest:
    """Rename the account (``FriendlyName`` is its only updatable field)."""
    form = _pairs(("FriendlyName", validate.friendly_name(friendly_name)))
    return ApiRequest("POST", _account_path(paths.ACCOUNT, account_sid), form=form, record=Account)


# Calls --------------------------------------------------------------------------------------


def make_call(
    account_sid: str,
    *,
    to: str,
    from_: str | None,
    url: str,
    method: str | None = None,
    send_digits: str | None = None,
    if_machine: str | None = None,
    timeout: int | None = None,
) -> ApiRequest:
    """Place an outbound call (``POST Calls`` with ``Caller``, ``Called``, ``Url``).

    :param to: the number to call (``Called``).
    :param from_: the caller ID to present (``Caller``): one of your numbers or validated caller IDs.
    :param url: the absolute URL of the TwiML to run when the call connects (``Url``).
    :param method: ``GET`` or ``POST`` for ``url`` (Twilio's default is POST).
    :param send_digits: DTMF keys to play once connected (``SendDigits``).
    :param if_machine: ``Continue`` or ``Hangup`` to detect answering machines (``IfMachine``).
    :param timeout: seconds to let it ring, 1-999 (``Timeout``; Twilio's default is 60).
    """
    validate.require(to, "to", param="Called", code=CODES["called_missing"])
    validate.require(from_, "from_", param="Caller", code=CODES["caller_missing"])
    form = _pairs(
        ("Caller", validate.phone_number(from_, "from_", param="Caller", code=CODES["caller_invalid"])),
        ("Called", validate.phone_number(to, "to", param="Called", code=CODES["called_invalid"])),
        ("Url", validate.url(url, "url", param="Url")),
        ("Method", _optional_method(method, "method", "Method")),
        ("SendDigits", None if send_digits is None else validate.send_digits(send_digits)),
        (
            "IfMachine",
            None
            if if_machine is None
            else validate.choice(if_machine, "if_machine", ("Continue", "Hangup"), param="IfMachine"),
        ),
        (
            "Timeout",
            None
            if timeout is None
            else validate.integer_in_range(timeout, "timeout", 1, 999, param="Timeout"),
        ),
    )
    return ApiRequest("POST", _account_path(paths.CALLS, account_sid), form=form, record=Call)


def get_call(account_sid: str, call_sid: str) -> ApiRequest:
    """Fetch a call (its initial segment)."""
    sid = validate.sid(call_sid, validate.CALL, "call_sid")
    return ApiRequest("GET", _account_path(paths.CALL, account_sid, call_sid=sid), record=Call)


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
    status_value: int | None = None
    if status is not None:
        try:
            status_value = int(CallStatus.parse(status))
        except ValueError:
            raise Twilio2008ValidationError(
                "status",
                f"{status!r} is not a call status",
                "a CallStatus, 0-5 or a name such as 'completed'",
                param="Status",
                code=validate.INVALID_PARAMETER,
            ) from None
    filters = _pairs(
        ("Called", _phone_filter(to, "to", "Called")),
        ("Caller", _phone_filter(from_, "from_", "Caller")),
        ("Status", status_value),
    ) + _date_filters("StartTime", "started", started_on, started_after, started_before)
    return _list(_account_path(paths.CALLS, account_sid), Call, filters, page_size)


def list_call_segments(
    account_sid: str, call_sid: str, page_size: int = paths.DEFAULT_PAGE_SIZE
) -> ApiRequest:
    """List the segments (``<Dial>`` legs) of a call."""
    sid = validate.sid(call_sid, validate.CALL, "call_sid")
    return _list(_account_path(paths.CALL_SEGMENTS, account_sid, call_sid=sid), Call, (), page_size)


def get_call_segment(account_sid: str, call_sid: str, segment_sid: str) -> ApiRequest:
    """Fetch one segment of a call, as a Call record."""
    sid = validate.sid(call_sid, validate.CALL, "call_sid")
    segment = validate.sid(segment_sid, validate.CALL_SEGMENT, "segment_sid")
    path = _account_path(paths.CALL_SEGMENT, account_sid, call_sid=sid, segment_sid=segment)
    return ApiRequest("GET", path, record=Call)


def redirect_call(account_sid: str, call_sid: str, url: str, method: str | None = None) -> ApiRequest:
    """Make a live call run the TwiML at ``url`` now (``CurrentUrl``); redirect to ``<Hangup/>`` to end it."""
    sid = validate.sid(call_sid, validate.CALL, "call_sid")
    form = _pairs(
        ("CurrentUrl", validate.url(url, "url", param="CurrentUrl")),
        ("CurrentMethod", _optional_method(method, "method", "CurrentMethod")),
    )
    return ApiRequest("POST", _account_path(paths.CALL, account_sid, call_sid=sid), form=form, record=Call)


# SMS ----------------------------------------------------------------------------------------


def send_sms(
    account_sid: str, *, to: str, body: str, from_: str | None, status_callback: str | None = None
) -> ApiRequest:
    """Send an SMS (``POST SMS/Messages`` with ``From``, ``To``, ``Body``).

    :param to: the recipient (``To``); a 10-digit US number, ``+`` and country code, or a short code.
    :param body: the text, 1-160 characters (``Body``).
    :param from_: an SMS-capable number of the account (``From``).
    :param status_callback: URL Twilio POSTs ``SmsSid``/``SmsStatus`` to when done (``StatusCallback``).
    """
    validate.require(to, "to", param="To", code=CODES["sms_to_missing"])
    validate.require(from_, "from_", param="From", code=CODES["sms_from_missing"])
    form = _pairs(
        ("From", validate.phone_number(from_, "from_", param="From", allow_short_code=True)),
        ("To", validate.phone_number(to, "to", param="To", allow_short_code=True)),
        ("Body", validate.sms_body(body)),
        ("StatusCallback", _optional_url(status_callback, "status_callback", "StatusCallback")),
    )
    return ApiRequest("POST", _account_path(paths.SMS_MESSAGES, account_sid), form=form, record=SmsMessage)


def get_sms(account_sid: str, sms_sid: str) -> ApiRequest:
    """Fetch one SMS message."""
    sid = validate.sid(sms_sid, validate.SMS, "sms_sid")
    return ApiRequest("GET", _account_path(paths.SMS_MESSAGE, account_sid, sms_sid=sid), record=SmsMessage)


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
    filters = _pairs(
        ("To", None if to is None else validate.phone_number(to, "to", param="To", allow_short_code=True)),
        (
            "From",
            None
            if from_ is None
            else validate.phone_number(from_, "from_", param="From", allow_short_code=True),
        ),
    ) + _date_filters("DateSent", "sent", sent_on, sent_after, sent_before)
    return _list(_account_path(paths.SMS_MESSAGES, account_sid), SmsMessage, filters, page_size)


# Recordings and transcriptions ------------------------------------------------------------


def list_recordings(
    account_sid: str,
    *,
    call_sid: str | None = None,
    created_on: DateLike | None = None,
    created_after: DateLike | None = None,
    created_before: DateLike | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List recordings, optionally of one call (``CallSid``) or by ``DateCreated`` (inferred filter)."""
    filters = _pairs(
        ("CallSid", None if call_sid is None else validate.sid(call_sid, validate.CALL, "call_sid"))
    )
    filters += _date_filters("DateCreated", "created", created_on, created_after, created_before)
    return _list(_account_path(paths.RECORDINGS, account_sid), Recording, filters, page_size)


def get_recording(account_sid: str, recording_sid: str) -> ApiRequest:
    """Fetch a recording's metadata (the ``.xml`` representation; the bare URI is the audio)."""
    sid = validate.sid(recording_sid, validate.RECORDING, "recording_sid")
    return ApiRequest(
        "GET", _account_path(paths.RECORDING, account_sid, recording_sid=sid) + ".xml", record=Recording
    )


def recording_media(account_sid: str, recording_sid: str, fmt: str = "wav") -> ApiRequest:
    """Fetch a recording's audio: ``wav`` (audio/x-wav) or ``mp3`` (audio/mpeg)."""
    sid = validate.sid(recording_sid, validate.RECORDING, "recording_sid")
    suffix = validate.choice(fmt, "fmt", tuple(paths.RECORDING_MEDIA))
    return ApiRequest("GET", _account_path(paths.RECORDING, account_sid, recording_sid=sid) + f".{suffix}")


def delete_recording(account_sid: str, recording_sid: str) -> ApiRequest:
    """Delete a recording."""
    sid = validate.sid(recording_sid, validate.RECORDING, "recording_sid")
    return ApiRequest("DELETE", _account_path(paths.RECORDING, account_sid, recording_sid=sid))


def list_transcriptions(
    account_sid: str, *, recording_sid: str | None = None, page_size: int = paths.DEFAULT_PAGE_SIZE
) -> ApiRequest:
    """List transcriptions of the account, or of one recording."""
    if recording_sid is None:
        return _list(_account_path(paths.TRANSCRIPTIONS, account_sid), Transcription, (), page_size)
    sid = validate.sid(recording_sid, validate.RECORDING, "recording_sid")
    path = _account_path(paths.RECORDING_TRANSCRIPTIONS, account_sid, recording_sid=sid)
    return _list(path, Transcription, (), page_size)


def _transcription_path(account_sid: str, transcription_sid: str, recording_sid: str | None) -> str:
    sid = validate.sid(transcription_sid, validate.TRANSCRIPTION, "transcription_sid")
    if recording_sid is None:
        return _account_path(paths.TRANSCRIPTION, account_sid, transcription_sid=sid)
    recording = validate.sid(recording_sid, validate.RECORDING, "recording_sid")
    return _account_path(
        paths.RECORDING_TRANSCRIPTION, account_sid, recording_sid=recording, transcription_sid=sid
    )


def get_transcription(
    account_sid: str, transcription_sid: str, recording_sid: str | None = None
) -> ApiRequest:
    """Fetch a transcription; without ``recording_sid`` the account-level URI is used (inferred)."""
    path = _transcription_path(account_sid, transcription_sid, recording_sid)
    return ApiRequest("GET", path, record=Transcription)


def transcription_text(
    account_sid: str, transcription_sid: str, recording_sid: str | None = None
) -> ApiRequest:
    """Fetch only a transcription's text (the ``.txt`` representation)."""
    return ApiRequest("GET", _transcription_path(account_sid, transcription_sid, recording_sid) + ".txt")


# Notifications ------------------------------------------------------------------------------


def list_notifications(
    account_sid: str,
    *,
    call_sid: str | None = None,
    log: NotificationLog | int | None = None,
    created_on: DateLike | None = None,
    created_after: DateLike | None = None,
    created_before: DateLike | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List notifications of the account or of one call (``Log`` and ``MessageDate`` filters, inferred)."""
    if call_sid is None:
        path = _account_path(paths.NOTIFICATIONS, account_sid)
    else:
        path = _account_path(
            paths.CALL_NOTIFICATIONS, account_sid, call_sid=validate.sid(call_sid, validate.CALL, "call_sid")
        )
    level = None if log is None else validate.integer_in_range(int(log), "log", 0, 1, param="Log")
    filters = _pairs(("Log", level)) + _date_filters(
        "MessageDate", "created", created_on, created_after, created_before
    )
    return _list(path, Notification, filters, page_size)


def get_notification(account_sid: str, notification_sid: str) -> ApiRequest:
    """Fetch one notification, with its request and response details."""
    sid = validate.sid(notification_sid, validate.NOTIFICATION, "notification_sid")
    return ApiRequest(
        "GET", _account_path(paths.NOTIFICATION, account_sid, notification_sid=sid), record=Notification
    )


def delete_notification(account_sid: str, notification_sid: str) -> ApiRequest:
    """Delete one notification."""
    sid = validate.sid(notification_sid, validate.NOTIFICATION, "notification_sid")
    return ApiRequest("DELETE", _account_path(paths.NOTIFICATION, account_sid, notification_sid=sid))


# Outgoing caller IDs ------------------------------------------------------------------------


def list_outgoing_caller_ids(
    account_sid: str,
    *,
    phone_number: str | None = None,
    friendly_name: str | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List validated caller IDs (exact ``PhoneNumber`` / ``FriendlyName`` filters)."""
    filters = _pairs(
        ("PhoneNumber", _phone_filter(phone_number, "phone_number", "PhoneNumber")),
        ("FriendlyName", friendly_name),
    )
    return _list(_account_path(paths.OUTGOING_CALLER_IDS, account_sid), OutgoingCallerId, filters, page_size)


def get_outgoing_caller_id(account_sid: str, caller_id_sid: str) -> ApiRequest:
    """Fetch one validated caller ID."""
    sid = validate.sid(caller_id_sid, validate.PHONE_NUMBER, "caller_id_sid")
    return ApiRequest(
        "GET",
        _account_path(paths.OUTGOING_CALLER_ID, account_sid, caller_id_sid=sid),
        record=OutgoingCallerId,
    )


def start_caller_id_validation(
    account_sid: str, phone_number: str, *, friendly_name: str | None = None, call_delay: int | None = None
) -> ApiRequest:
    """Ask Twilio to phone ``phone_number`` so its owner can key in the returned ``ValidationCode``."""
    validate.require(phone_number, "phone_number", param="PhoneNumber", code=CODES["phone_invalid"])
    form = _pairs(
        ("PhoneNumber", validate.phone_number(phone_number, "phone_number", param="PhoneNumber")),
        ("FriendlyName", None if friendly_name is None else validate.friendly_name(friendly_name)),
        (
            "CallDelay",
            None
            if call_delay is None
            else validate.integer_in_range(call_delay, "call_delay", 0, 60, param="CallDelay"),
        ),
    )
    return ApiRequest(
        "POST", _account_path(paths.OUTGOING_CALLER_IDS, account_sid), form=form, record=ValidationRequest
    )


def update_outgoing_caller_id(account_sid: str, caller_id_sid: str, friendly_name: str) -> ApiRequest:
    """Rename a validated caller ID."""
    sid = validate.sid(caller_id_sid, validate.PHONE_NUMBER, "caller_id_sid")
    form = _pairs(("FriendlyName", validate.friendly_name(friendly_name)))
    path = _account_path(paths.OUTGOING_CALLER_ID, account_sid, caller_id_sid=sid)
    return ApiRequest("POST", path, form=form, record=OutgoingCallerId)


def delete_outgoing_caller_id(account_sid: str, caller_id_sid: str) -> ApiRequest:
    """Remove a validated caller ID (204, empty body)."""
    sid = validate.sid(caller_id_sid, validate.PHONE_NUMBER, "caller_id_sid")
    return ApiRequest("DELETE", _account_path(paths.OUTGOING_CALLER_ID, account_sid, caller_id_sid=sid))


# Incoming phone numbers ---------------------------------------------------------------------

NUMBER_KINDS = {
    "local": paths.INCOMING_PHONE_NUMBERS_LOCAL,
    "toll-free": paths.INCOMING_PHONE_NUMBERS_TOLL_FREE,
}


@dataclass(frozen=True)
class NumberSettings:
    """The configurable URLs and options of an incoming number; ``None`` leaves a field as it is.

    :param friendly_name: label, at most 64 characters.
    :param url: voice URL requested on inbound calls (``Url``).
    :param method: ``GET``/``POST`` for ``url``.
    :param voice_fallback_url: requested when ``url`` fails.
    :param voice_fallback_method: method for the voice fallback.
    :param sms_url: requested on inbound SMS (local numbers only).
    :param sms_method: method for ``sms_url``.
    :param sms_fallback_url: requested when ``sms_url`` fails.
    :param sms_fallback_method: method for the SMS fallback.
    :param voice_caller_id_lookup: look up caller names (extra charge).
    """

    friendly_name: str | None = None
    url: str | None = None
    method: str | None = None
    voice_fallback_url: str | None = None
    voice_fallback_method: str | None = None
    sms_url: str | None = None
    sms_method: str | None = None
    sms_fallback_url: str | None = None
    sms_fallback_method: str | None = None
    voice_caller_id_lookup: bool | None = None

    def form(self) -> Pairs:
        """Return the validated form fields for the fields that are set."""
        return _pairs(
            (
                "FriendlyName",
                None if self.friendly_name is None else validate.friendly_name(self.friendly_name),
            ),
            ("Url", _optional_url(self.url, "url", "Url")),
            ("Method", _optional_method(self.method, "method", "Method")),
            (
                "VoiceFallbackUrl",
                _optional_url(self.voice_fallback_url, "voice_fallback_url", "VoiceFallbackUrl"),
            ),
            (
                "VoiceFallbackMethod",
                _optional_method(self.voice_fallback_method, "voice_fallback_method", "VoiceFallbackMethod"),
            ),
            ("SmsUrl", _optional_url(self.sms_url, "sms_url", "SmsUrl")),
            ("SmsMethod", _optional_method(self.sms_method, "sms_method", "SmsMethod")),
            ("SmsFallbackUrl", _optional_url(self.sms_fallback_url, "sms_fallback_url", "SmsFallbackUrl")),
            (
                "SmsFallbackMethod",
                _optional_method(self.sms_fallback_method, "sms_fallback_method", "SmsFallbackMethod"),
            ),
            ("VoiceCallerIdLookup", _bool_text(self.voice_caller_id_lookup)),
        )


def list_incoming_phone_numbers(
    account_sid: str,
    *,
    kind: str | None = None,
    phone_number: str | None = None,
    friendly_name: str | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List the account's numbers: all, or only ``kind`` ``"local"`` / ``"toll-free"``."""
    template = (
        paths.INCOMING_PHONE_NUMBERS
        if kind is None
        else NUMBER_KINDS[validate.choice(kind, "kind", tuple(NUMBER_KINDS))]
    )
    filters = _pairs(
        ("PhoneNumber", _phone_filter(phone_number, "phone_number", "PhoneNumber")),
        ("FriendlyName", friendly_name),
    )
    return _list(_account_path(template, account_sid), IncomingPhoneNumber, filters, page_size)


def get_incoming_phone_number(account_sid: str, number_sid: str) -> ApiRequest:
    """Fetch one of the account's numbers."""
    sid = validate.sid(number_sid, validate.PHONE_NUMBER, "number_sid")
    path = _account_path(paths.INCOMING_PHONE_NUMBER, account_sid, number_sid=sid)
    return ApiRequest("GET", path, record=IncomingPhoneNumber)


def buy_phone_number(
    account_sid: str, kind: str, *, area_code: str | None = None, settings: NumberSettings | None = None
) -> ApiRequest:
    """Buy any available number of ``kind`` (``"local"`` or ``"toll-free"``), optionally in an area code.

    :param kind: ``local`` or ``toll-free``.
    :param area_code: a 3-digit area code (toll-free: 800, 866, 877, 888...).
    :param settings: URLs and options for the new number; SMS fields are refused for toll-free.
    """
    chosen = validate.choice(kind, "kind", tuple(NUMBER_KINDS))
    settings = settings or NumberSettings()
    if chosen == "toll-free" and any(
        value is not None
        for value in (
            settings.sms_url,
            settings.sms_method,
            settings.sms_fallback_url,
            settings.sms_fallback_method,
        )
    ):
        raise Twilio2008ValidationError(
            "sms_url",
            "toll-free numbers take no SMS settings in 2008",
            "only voice settings for toll-free numbers",
            param="SmsUrl",
            code=validate.INVALID_PARAMETER,
        )
    if area_code is not None and not (
        isinstance(area_code, str | int) and len(str(area_code)) == 3 and str(area_code).isdigit()
    ):
        raise Twilio2008ValidationError(
            "area_code",
            f"{area_code!r} is not an area code",
            "three digits, e.g. '415'",
            param="AreaCode",
            code=CODES["area_code_invalid"],
        )
    form = _pairs(("AreaCode", area_code)) + settings.form()
    return ApiRequest(
        "POST", _account_path(NUMBER_KINDS[chosen], account_sid), form=form, record=IncomingPhoneNumber
    )


def update_incoming_phone_number(account_sid: str, number_sid: str, settings: NumberSettings) -> ApiRequest:
    """Change a number's URLs and options; the 2008 table lists ``Url`` as required, so it must be set."""
    sid = validate.sid(number_sid, validate.PHONE_NUMBER, "number_sid")
    validate.require(settings.url, "url", param="Url", code=CODES["url_invalid"])
    path = _account_path(paths.INCOMING_PHONE_NUMBER, account_sid, number_sid=sid)
    return ApiRequest("POST", path, form=settings.form(), record=IncomingPhoneNumber)


def release_incoming_phone_number(account_sid: str, number_sid: str) -> ApiRequest:
    """Release a number: Twilio stops answering and billing it."""
    sid = validate.sid(number_sid, validate.PHONE_NUMBER, "number_sid")
    return ApiRequest("DELETE", _account_path(paths.INCOMING_PHONE_NUMBER, account_sid, number_sid=sid))


# Conferences and participants ---------------------------------------------------------------


def list_conferences(
    account_sid: str,
    *,
    status: ConferenceStatus | int | None = None,
    friendly_name: str | None = None,
    created_on: DateLike | None = None,
    created_after: DateLike | None = None,
    created_before: DateLike | None = None,
    updated_on: DateLike | None = None,
    updated_after: DateLike | None = None,
    updated_before: DateLike | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List conferences, newest first (``Status``, ``FriendlyName``, ``DateCreated``, ``DateUpdated``)."""
    level = None if status is None else validate.integer_in_range(int(status), "status", 0, 2, param="Status")
    filters = _pairs(("Status", level), ("FriendlyName", friendly_name))
    filters += _date_filters("DateCreated", "created", created_on, created_after, created_before)
    filters += _date_filters("DateUpdated", "updated", updated_on, updated_after, updated_before)
    return _list(_account_path(paths.CONFERENCES, account_sid), Conference, filters, page_size)


def get_conference(account_sid: str, conference_sid: str) -> ApiRequest:
    """Fetch one conference."""
    sid = validate.sid(conference_sid, validate.CONFERENCE, "conference_sid")
    return ApiRequest(
        "GET", _account_path(paths.CONFERENCE, account_sid, conference_sid=sid), record=Conference
    )


def _participant_path(account_sid: str, conference_sid: str, call_sid: str) -> str:
    conference = validate.sid(conference_sid, validate.CONFERENCE, "conference_sid")
    call = validate.sid(call_sid, validate.CALL, "call_sid")
    return _account_path(paths.PARTICIPANT, account_sid, conference_sid=conference, call_sid=call)


def list_participants(
    account_sid: str,
    conference_sid: str,
    *,
    muted: bool | None = None,
    page_size: int = paths.DEFAULT_PAGE_SIZE,
) -> ApiRequest:
    """List a conference's participants, optionally only (un)muted ones."""
    conference = validate.sid(conference_sid, validate.CONFERENCE, "conference_sid")
    path = _account_path(paths.PARTICIPANTS, account_sid, conference_sid=conference)
    return _list(path, Participant, _pairs(("Muted", _bool_text(muted))), page_size)


def get_participant(account_sid: str, conference_sid: str, call_sid: str) -> ApiRequest:
    """Fetch one participant, by the SID of its call."""
    return ApiRequest("GET", _participant_path(account_sid, conference_sid, call_sid), record=Participant)


def set_participant_muted(account_sid: str, conference_sid: str, call_sid: str, muted: bool) -> ApiRequest:
    """Mute or unmute a participant (``POST Muted=true|false``)."""
    if not isinstance(muted, bool):
        raise Twilio2008ValidationError("muted", f"{muted!r} is not a bool", "True or False", param="Muted")
    form = _pairs(("Muted", _bool_text(muted)))
    return ApiRequest(
        "POST", _participant_path(account_sid, conference_sid, call_sid), form=form, record=Participant
    )


def kick_participant(account_sid: str, conference_sid: str, call_sid: str) -> ApiRequest:
    """Remove a participant from its conference (204, empty body)."""
    return ApiRequest("DELETE", _participant_path(account_sid, conference_sid, call_sid))


# Paging -------------------------------------------------------------------------------------


def next_page_request(
    page: Page[Any], previous: ApiRequest, *, base_url: str | None = None
) -> ApiRequest | None:
    """Return the request for the page after ``page``, or ``None`` when it was the last.

    ``nextpageuri`` is followed when the server gives one; it must name the same resource on
    the same server (only its query is taken, and the request still goes to the configured
    base URL, so a hostile link cannot send the credentials elsewhere). Otherwise ``Page`` is
    incremented, keeping the filters.

    :param page: the page just read.
    :param previous: the request that produced it.
    :param base_url: the configured base URL; an absolute link must match its scheme and host.
    """
    if page.is_last or not page.items:
        return None
    if page.next_page_uri:
        link = urlsplit(page.next_page_uri)
        if link.scheme or link.netloc:
            base = urlsplit(base_url or "")
            if (link.scheme, link.netloc) != (base.scheme, base.netloc):
                raise Twilio2008ResponseError(
                    f"nextpageuri {page.next_page_uri!r} points at another server",
                    method=previous.method,
                    path=previous.path,
                )
        link_path = link.path
        for suffix in (".xml",):
            if link_path.endswith(suffix):
                link_path = link_path[: -len(suffix)]
        if link_path != previous.path:
            raise Twilio2008ResponseError(
                f"nextpageuri {page.next_page_uri!r} does not name the listed resource",
                method=previous.method,
                path=previous.path,
            )
        query = tuple(parse_qsl(link.query, keep_blank_values=True))
    else:
        kept = tuple((key, value) for key, value in previous.query if key != paths.PAGE_PARAM)
        query = kept + ((paths.PAGE_PARAM, str(page.page + 1)),)
    if query == previous.query:
        raise Twilio2008ResponseError(
            "the next page link points at the same page", method=previous.method, path=previous.path
        )
    return replace(previous, query=query)


def all_operations() -> Iterable[str]:
    """Return the names of every operation this module describes (for docs and tests)."""
    return sorted(
        name
        for name, value in globals().items()
        if callable(value)
        and not name.startswith("_")
        and getattr(value, "__module__", "") == __name__
        and name not in ("all_operations", "next_page_request")
        and not isinstance(value, type)
    )
