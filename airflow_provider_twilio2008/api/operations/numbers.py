"""Incoming phone number operations: list, buy, update, release."""

from __future__ import annotations

from dataclasses import dataclass

from .. import paths, validate
from ..errors import Twilio2008ValidationError
from ..records import (
    IncomingPhoneNumber,
)
from ..validate import CODES
from ._common import (
    ApiRequest,
    Pairs,
    account_path,
    bool_text,
    list_request,
    optional_label,
    optional_method,
    optional_url,
    pairs,
    phone_filter,
)

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
        return pairs(
            (
                "FriendlyName",
                None if self.friendly_name is None else validate.friendly_name(self.friendly_name),
            ),
            ("Url", optional_url(self.url, "url", "Url")),
            ("Method", optional_method(self.method, "method", "Method")),
            (
                "VoiceFallbackUrl",
                optional_url(self.voice_fallback_url, "voice_fallback_url", "VoiceFallbackUrl"),
            ),
            (
                "VoiceFallbackMethod",
                optional_method(self.voice_fallback_method, "voice_fallback_method", "VoiceFallbackMethod"),
            ),
            ("SmsUrl", optional_url(self.sms_url, "sms_url", "SmsUrl")),
            ("SmsMethod", optional_method(self.sms_method, "sms_method", "SmsMethod")),
            ("SmsFallbackUrl", optional_url(self.sms_fallback_url, "sms_fallback_url", "SmsFallbackUrl")),
            (
                "SmsFallbackMethod",
                optional_method(self.sms_fallback_method, "sms_fallback_method", "SmsFallbackMethod"),
            ),
            (
                "VoiceCallerIdLookup",
                bool_text(self.voice_caller_id_lookup, "voice_caller_id_lookup", "VoiceCallerIdLookup"),
            ),
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
    filters = pairs(
        ("PhoneNumber", phone_filter(phone_number, "phone_number", "PhoneNumber")),
        (
            "FriendlyName",
            optional_label(friendly_name, "friendly_name", "FriendlyName", validate.FRIENDLY_NAME_MAX),
        ),
    )
    return list_request(account_path(template, account_sid), IncomingPhoneNumber, filters, page_size)


def get_incoming_phone_number(account_sid: str, number_sid: str) -> ApiRequest:
    """Fetch one of the account's numbers."""
    sid = validate.sid(number_sid, validate.PHONE_NUMBER, "number_sid")
    path = account_path(paths.INCOMING_PHONE_NUMBER, account_sid, number_sid=sid)
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
    area = None if area_code is None else validate.area_code(area_code)
    form = pairs(("AreaCode", area)) + settings.form()
    return ApiRequest(
        "POST", account_path(NUMBER_KINDS[chosen], account_sid), form=form, record=IncomingPhoneNumber
    )


def update_incoming_phone_number(account_sid: str, number_sid: str, settings: NumberSettings) -> ApiRequest:
    """Change a number's URLs and options; the 2008 table lists ``Url`` as required, so it must be set."""
    sid = validate.sid(number_sid, validate.PHONE_NUMBER, "number_sid")
    validate.require(settings.url, "url", param="Url", code=CODES["url_invalid"])
    path = account_path(paths.INCOMING_PHONE_NUMBER, account_sid, number_sid=sid)
    return ApiRequest("POST", path, form=settings.form(), record=IncomingPhoneNumber)


def release_incoming_phone_number(account_sid: str, number_sid: str) -> ApiRequest:
    """Release a number: Twilio stops answering and billing it."""
    sid = validate.sid(number_sid, validate.PHONE_NUMBER, "number_sid")
    return ApiRequest("DELETE", account_path(paths.INCOMING_PHONE_NUMBER, account_sid, number_sid=sid))
