"""Request parameters declared once: the hook encodes through them, the emulator decodes through them.

Each :class:`Param` names a form parameter on the wire and the Python argument it comes from,
the check it passes, the Twilio code for it missing and for it invalid, and the default Twilio
applies when it is absent. An operation's parameters are a tuple of them, checked in order, so
the first mistake of a request is the same one, with the same code, whether the hook finds it
before sending (:func:`encode`, a ``Twilio2008ValidationError``) or the emulator finds it in the
form (:func:`decode`, the same error, which it answers as a 400 ``RestException``).

The codes are the reference's (``../shared/twilio-2008-08-01.md`` §2.2): an invalid ``To`` of
a call or an SMS is 21211; a ``From`` of an SMS that is not a number at all is certainly not an
SMS-capable number of the account, so it is 21606, as the API answers for a number the account
does not own (which only the API can tell). Where the reference is silent (inferred): an
optional parameter sent empty (``Method=``) is checked like any value, so it is refused rather
than taken for the default, by the hook and by the emulator alike.

Declared here: every form an operation sends: ``POST Calls``, ``POST Calls/{CallSid}``
(redirect), ``POST SMS/Messages``, ``POST OutgoingCallerIds`` (validation) and ``POST
OutgoingCallerIds/{Sid}`` (rename), the account's rename, a participant's ``Muted``, and the
purchase and update of incoming numbers. The list filters (dates, statuses, exact-match
labels) are declared once in :mod:`.filters`.

Choices for the incoming numbers (inferred): a URL setting sent empty (``SmsUrl=``) clears that
setting rather than being refused, since a number may have no SMS URL at all; the SMS settings
of a toll-free number, which had none in 2008, are refused with the generic invalid-parameter
code, by the hook and the emulator alike, rather than dropped silently.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import validate
from .errors import Twilio2008ValidationError
from .validate import CODES, INVALID_PARAMETER

__all__ = [
    "BUY_LOCAL_NUMBER",
    "BUY_TOLL_FREE_NUMBER",
    "MAKE_CALL",
    "NUMBER_SETTINGS",
    "REDIRECT_CALL",
    "SEND_SMS",
    "SET_PARTICIPANT_MUTED",
    "UPDATE_ACCOUNT",
    "UPDATE_CALLER_ID",
    "UPDATE_NUMBER",
    "VALIDATE_CALLER_ID",
    "Param",
    "decode",
    "encode",
]

#: ``check(value, field, param, code)`` returns the value to send, or raises
#: ``Twilio2008ValidationError`` carrying ``code``.
Check = Callable[[Any, str, str, int], Any]


@dataclass(frozen=True)
class Param:
    """One form parameter of an operation.

    :param wire: its name on the wire (``Called``).
    :param arg: the Python argument it comes from (``to``).
    :param check: the check of a given value (see :data:`Check`).
    :param missing: the code when it is absent; ``None`` when it is optional.
    :param invalid: the code when it is given but refused.
    :param default: what Twilio uses when an optional parameter is absent (``None``: nothing).
    :param missing_text: Twilio's wording for it missing, where the reference has one.
    :param missing_hint: what else can supply it, said in the local error for it missing.
    :param from_wire: turns the wire's text into the Python value the check takes, where the two
        differ (``"true"`` for ``True``); ``None``: the text is checked as it is.
    """

    wire: str
    arg: str
    check: Check
    missing: int | None = None
    invalid: int = INVALID_PARAMETER
    default: Any = None
    missing_text: str | None = None
    missing_hint: str = ""
    from_wire: Callable[[str], Any] | None = None

    def absent(self, value: Any, field: str) -> Twilio2008ValidationError:
        """Return the error for this required parameter missing (``None`` or blank), with its code.

        The check's refusal of the blank value says what form was expected.

        :param value: the blank value given.
        :param field: the name to report (the argument locally, the wire name in the emulator).
        """
        accepted = f"a value for {self.wire}{self.missing_hint}"
        try:
            self.checked(value, field)
        except Twilio2008ValidationError as refused:
            accepted = f"{accepted}: {refused.accepted}"
        return Twilio2008ValidationError(field, "missing", accepted, param=self.wire, code=self.missing)

    def checked(self, value: Any, field: str) -> Any:
        """Return ``value`` checked and normalised for the wire.

        :param value: the value given.
        :param field: the name to report in an error.
        :raises Twilio2008ValidationError: refused, with this parameter's ``invalid`` code.
        """
        return self.check(value, field, self.wire, self.invalid)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def encode(params: tuple[Param, ...], **values: Any) -> tuple[tuple[str, str], ...]:
    """Return the form of a request: each given parameter checked, in declared order.

    A ``None`` optional value is left out; a blank one is checked (and refused by most checks:
    ``method=""`` is a mistake, not a choice); a ``None`` or blank required one is refused.

    :param params: the operation's parameters.
    :param values: the arguments, by Python name.
    :raises Twilio2008ValidationError: the first parameter refused, naming the argument.
    """
    form: list[tuple[str, str]] = []
    for param in params:
        value = values.get(param.arg)
        if param.missing is not None and _blank(value):
            raise param.absent(value, param.arg)
        if value is None:
            continue
        form.append((param.wire, str(param.checked(value, param.arg))))
    return tuple(form)


def decode(params: tuple[Param, ...], form: Mapping[str, str]) -> dict[str, Any]:
    """Return a request's values by Python name, checked as :func:`encode` checks them.

    An absent optional parameter takes its :attr:`Param.default`; a present one is checked even
    when empty, as :func:`encode` checks it.

    :param params: the operation's parameters.
    :param form: the request's form (or query) parameters.
    :raises Twilio2008ValidationError: the first parameter refused, naming the wire parameter.
    """
    values: dict[str, Any] = {}
    for param in params:
        raw = form.get(param.wire)
        if param.missing is not None and _blank(raw):
            raise param.absent(raw, param.wire)
        if raw is None:
            values[param.arg] = param.default
            continue
        value = raw if param.from_wire is None else param.from_wire(raw)
        values[param.arg] = param.checked(value, param.wire)
    return values


def _phone(*, short_codes: bool = False) -> Check:
    def check(value: Any, field: str, param: str, code: int) -> str:
        return validate.phone_number(value, field, param=param, code=code, allow_short_code=short_codes)

    return check


def _url(value: Any, field: str, param: str, code: int) -> str:
    return validate.url(value, field, param=param, code=code)


def _method(value: Any, field: str, param: str, code: int) -> str:
    return validate.http_method(value, field, param=param)


def _if_machine(value: Any, field: str, param: str, code: int) -> str:
    return validate.choice(value, field, ("Continue", "Hangup"), param=param)


def _ring_seconds(value: Any, field: str, param: str, code: int) -> int:
    return validate.integer_in_range(value, field, 1, 999, param=param)


def _digits(value: Any, field: str, param: str, code: int) -> str:
    return validate.send_digits(value, field)


def _sms_body(value: Any, field: str, param: str, code: int) -> str:
    return validate.sms_body(value, field)


def _friendly_name(value: Any, field: str, param: str, code: int) -> str:
    return validate.friendly_name(value, field)


def _call_delay(value: Any, field: str, param: str, code: int) -> int:
    return validate.integer_in_range(value, field, 0, 60, param=param)


def _area_code(value: Any, field: str, param: str, code: int) -> str:
    return validate.area_code(value, field)


def _setting_url(value: Any, field: str, param: str, code: int) -> str:
    """Check a number's URL setting: an empty string clears it, anything else must be a URL."""
    if value == "":
        return ""
    return validate.url(value, field, param=param, code=code)


def _flag(value: Any, field: str, param: str, code: int) -> str:
    """Return ``true``/``false`` for a bool; anything else (``"false"`` from Python) is refused."""
    return "true" if validate.flag(value, field, param=param) else "false"


def _wire_flag(text: str) -> Any:
    """Return the bool a wire flag spells (``true``/``false``), or the text itself to be refused."""
    return {"true": True, "false": False}.get(text, text)


def _lenient_wire_flag(text: str) -> bool:
    """Return the bool a participant's ``Muted`` spells: ``true`` or ``1`` (any case), else false."""
    return text.strip().lower() in ("true", "1")


def _no_sms_setting(value: Any, field: str, param: str, code: int) -> str:
    raise Twilio2008ValidationError(
        field,
        "toll-free numbers take no SMS settings in 2008",
        "only voice settings for toll-free numbers",
        param=param,
        code=code,
    )


MAKE_CALL = (
    Param(
        "Called",
        "to",
        _phone(),
        missing=CODES["called_missing"],
        invalid=CODES["called_invalid"],
        missing_text="No called number is specified",
    ),
    Param(
        "Caller",
        "from_",
        _phone(),
        missing=CODES["caller_missing"],
        invalid=CODES["caller_invalid"],
        missing_hint=" (or a default_from extra on the connection)",
        missing_text="No caller ID is specified",
    ),
    Param("Url", "url", _url, missing=CODES["url_invalid"], invalid=CODES["url_invalid"]),
    Param("Method", "method", _method, default="POST"),
    Param("SendDigits", "send_digits", _digits),
    Param("IfMachine", "if_machine", _if_machine, default=""),
    Param("Timeout", "timeout", _ring_seconds, default=60),
)
"""``POST Calls`` (reference §3.3)."""

SEND_SMS = (
    Param(
        "From",
        "from_",
        _phone(short_codes=True),
        missing=CODES["sms_from_missing"],
        invalid=CODES["sms_from_not_owned"],
        missing_hint=" (or a default_from extra on the connection)",
        missing_text="A 'From' phone number is required",
    ),
    Param(
        "To",
        "to",
        _phone(short_codes=True),
        missing=CODES["sms_to_missing"],
        invalid=CODES["called_invalid"],
        missing_text="A 'To' phone number is required",
    ),
    Param("Body", "body", _sms_body, missing=CODES["sms_body_missing"]),
    Param("StatusCallback", "status_callback", _url, invalid=CODES["url_invalid"]),
)
"""``POST SMS/Messages`` (reference §3.5)."""

REDIRECT_CALL = (
    Param("CurrentUrl", "url", _url, missing=CODES["url_invalid"], invalid=CODES["url_invalid"]),
    Param("CurrentMethod", "method", _method, default="POST"),
)
"""``POST Calls/{CallSid}`` (reference §3.4)."""

VALIDATE_CALLER_ID = (
    Param(
        "PhoneNumber",
        "phone_number",
        _phone(),
        missing=CODES["phone_invalid"],
        invalid=CODES["phone_invalid"],
        missing_text="A PhoneNumber is required",
    ),
    Param("FriendlyName", "friendly_name", _friendly_name),
    Param("CallDelay", "call_delay", _call_delay, default=0),
)
"""``POST OutgoingCallerIds`` (reference §3.8): start validating a caller ID."""

UPDATE_CALLER_ID = (Param("FriendlyName", "friendly_name", _friendly_name, missing=INVALID_PARAMETER),)
"""``POST OutgoingCallerIds/{OutgoingCallerIdSid}``: rename a caller ID."""

UPDATE_ACCOUNT = UPDATE_CALLER_ID
"""``POST Accounts/{AccountSid}``: rename the account (``FriendlyName`` is all it takes)."""

SET_PARTICIPANT_MUTED = (Param("Muted", "muted", _flag, default="false", from_wire=_lenient_wire_flag),)
"""``POST Conferences/{ConferenceSid}/Participants/{CallSid}`` (reference §3.12): mute or unmute.

The reference (seen) takes ``true``/``false`` and also ``1``/``0``, and treats anything else as
false, so the emulator never refuses it; an absent ``Muted`` is false too (inferred: the same
rule). The hook sends only ``true`` or ``false`` and refuses anything but a ``bool`` locally.
"""

_VOICE_SETTINGS = (
    Param("FriendlyName", "friendly_name", _friendly_name),
    Param("Url", "url", _setting_url, invalid=CODES["url_invalid"]),
    Param("Method", "method", _method),
    Param("VoiceFallbackUrl", "voice_fallback_url", _setting_url, invalid=CODES["url_invalid"]),
    Param("VoiceFallbackMethod", "voice_fallback_method", _method),
)
_SMS_SETTINGS = (
    Param("SmsUrl", "sms_url", _setting_url, invalid=CODES["url_invalid"]),
    Param("SmsMethod", "sms_method", _method),
    Param("SmsFallbackUrl", "sms_fallback_url", _setting_url, invalid=CODES["url_invalid"]),
    Param("SmsFallbackMethod", "sms_fallback_method", _method),
)
_LOOKUP = Param("VoiceCallerIdLookup", "voice_caller_id_lookup", _flag, from_wire=_wire_flag)

NUMBER_SETTINGS = (*_VOICE_SETTINGS, *_SMS_SETTINGS, _LOOKUP)
"""The settings of an incoming number (reference §3.9); absent ones are left as they are."""

_AREA_CODE = Param("AreaCode", "area_code", _area_code, invalid=CODES["area_code_invalid"])

BUY_LOCAL_NUMBER = (_AREA_CODE, *NUMBER_SETTINGS)
"""``POST IncomingPhoneNumbers/Local``: buy a local number."""

BUY_TOLL_FREE_NUMBER = (
    _AREA_CODE,
    *_VOICE_SETTINGS,
    *(Param(param.wire, param.arg, _no_sms_setting) for param in _SMS_SETTINGS),
    _LOOKUP,
)
"""``POST IncomingPhoneNumbers/TollFree``: buy a toll-free number (no SMS settings)."""

UPDATE_NUMBER = (
    Param("Url", "url", _setting_url, missing=CODES["url_invalid"], invalid=CODES["url_invalid"]),
    *(param for param in NUMBER_SETTINGS if param.wire != "Url"),
)
"""``POST IncomingPhoneNumbers/{IncomingPhoneNumberSid}``: the 2008 table lists ``Url`` as required."""
