"""Incoming phone number operations: list, buy, update, release."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from .. import paths, validate
from ..filters import INCOMING_PHONE_NUMBERS
from ..parameters import BUY_LOCAL_NUMBER, BUY_TOLL_FREE_NUMBER, NUMBER_SETTINGS, UPDATE_NUMBER, Param, encode
from ..records import IncomingPhoneNumber
from ._common import ApiRequest, Pairs, account_path, list_request

NUMBER_KINDS = {
    "local": paths.INCOMING_PHONE_NUMBERS_LOCAL,
    "toll-free": paths.INCOMING_PHONE_NUMBERS_TOLL_FREE,
}


@dataclass(frozen=True)
class NumberSettings:
    """The configurable URLs and options of an incoming number; ``None`` leaves a field as it is.

    A URL set to ``""`` clears that setting (the number stops requesting it).

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

    def form(self, params: tuple[Param, ...] = NUMBER_SETTINGS, **more: Any) -> Pairs:
        """Return the checked form fields of the settings that are set (:data:`..parameters.NUMBER_SETTINGS`).

        :param params: the operation's declared parameters (a purchase or an update).
        :param more: values of parameters that are not settings (``area_code``).
        """
        return encode(params, **asdict(self), **more)


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
    filters = INCOMING_PHONE_NUMBERS.query(phone_number=phone_number, friendly_name=friendly_name)
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
    params = BUY_TOLL_FREE_NUMBER if chosen == "toll-free" else BUY_LOCAL_NUMBER
    form = (settings or NumberSettings()).form(params, area_code=area_code)
    return ApiRequest(
        "POST", account_path(NUMBER_KINDS[chosen], account_sid), form=form, record=IncomingPhoneNumber
    )


def update_incoming_phone_number(account_sid: str, number_sid: str, settings: NumberSettings) -> ApiRequest:
    """Change a number's URLs and options; the 2008 table lists ``Url`` as required, so it must be set."""
    sid = validate.sid(number_sid, validate.PHONE_NUMBER, "number_sid")
    path = account_path(paths.INCOMING_PHONE_NUMBER, account_sid, number_sid=sid)
    return ApiRequest("POST", path, form=settings.form(UPDATE_NUMBER), record=IncomingPhoneNumber)


def release_incoming_phone_number(account_sid: str, number_sid: str) -> ApiRequest:
    """Release a number: Twilio stops answering and billing it."""
    sid = validate.sid(number_sid, validate.PHONE_NUMBER, "number_sid")
    return ApiRequest("DELETE", account_path(paths.INCOMING_PHONE_NUMBER, account_sid, number_sid=sid))
