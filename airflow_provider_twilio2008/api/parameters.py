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

Declared here so far: ``POST Calls``, ``POST Calls/{CallSid}`` (redirect) and ``POST
SMS/Messages``; the other operations still check their parameters in their own functions.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from . import validate
from .errors import Twilio2008ValidationError
from .validate import CODES, INVALID_PARAMETER

__all__ = ["MAKE_CALL", "REDIRECT_CALL", "SEND_SMS", "Param", "decode", "encode"]

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
    """

    wire: str
    arg: str
    check: Check
    missing: int | None = None
    invalid: int = INVALID_PARAMETER
    default: Any = None
    missing_text: str | None = None
    missing_hint: str = ""

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
        values[param.arg] = param.checked(raw, param.wire)
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
