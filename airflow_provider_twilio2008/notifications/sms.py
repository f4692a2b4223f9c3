"""``Twilio2008SMSNotifier``: text a task's or DAG's state change to one or more phone numbers.

Use it wherever Airflow takes a notifier, for instance on a task::

    from airflow_provider_twilio2008.notifications.sms import Twilio2008SMSNotifier

    BashOperator(
        task_id="load",
        bash_command="...",
        on_failure_callback=Twilio2008SMSNotifier(
            to=["+14155550134", "+14155550135"],
            body="{{ dag.dag_id }}.{{ ti.task_id }} failed (run {{ run_id }})",
        ),
    )

``notify`` sends through :class:`~airflow_provider_twilio2008.hooks.twilio2008.Twilio2008Hook`
(task and DAG callbacks); ``async_notify`` sends through the triggers' ``httpx`` transport, so the
notifier also works where Airflow awaits notifiers (deadline alerts in the triggerer).

DAG files that use a notifier are parsed every 30 seconds, so this module imports only
``airflow.sdk``: the protocol core, the hook (``requests``, ``lxml``) and the async transport are
imported when a message is sent.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseNotifier

from ..api.config import DEFAULT_CONN_ID
from ..renames import deprecated_aliases

if TYPE_CHECKING:
    from airflow.sdk import Context

    from ..api.config import ClientConfig
    from ..api.operations import ApiRequest

__all__ = ["TRUNCATION_MARK", "Twilio2008SMSNotifier", "send_twilio2008_sms_notification"]

#: Appended to a body cut to fit one message. Three ASCII dots rather than "…": that character
#: is not in the GSM 03.38 alphabet, and one such character makes carriers send the whole
#: message as UCS-2, whose single-message limit is 70 characters, not 160.
TRUNCATION_MARK = "..."
#: Separators between numbers in a ``to`` string, as Airflow's e-mail utilities accept them.
_SEPARATORS = re.compile(r"[,;]")
_TO_ACCEPTED = "a phone number, a list of phone numbers, or numbers separated by ',' or ';'"


class Twilio2008SMSNotifier(BaseNotifier):
    """Send an SMS to one or several numbers when Airflow calls the notifier.

    The body is a template rendered with the callback's context (``{{ ti.task_id }}``,
    ``{{ dag.dag_id }}``, ``{{ run_id }}``...). Since its rendered length cannot be known in
    advance, a body longer than the 160 characters the 2008-08-01 API accepts is cut to 157
    characters and ``...`` and a warning is logged, rather than losing the alert. Every other
    bad input (a malformed number, an empty body, no sender) raises
    :class:`~airflow_provider_twilio2008.api.errors.Twilio2008ValidationError` before anything
    is sent.

    Each number gets its own message (the API takes one ``To`` per message); a number listed
    twice is texted once. If sending to one number fails, the others are still tried, and the
    first error is raised at the end.

    :param to: the recipient, a list of recipients, or a string of numbers separated by ``,`` or
        ``;``. E.164 (``+14155550134``), 10 US digits, or a 5-6 digit short code.
    :param body: the text (a template).
    :param from_: an SMS-capable number of the account; ``None`` uses the connection's
        ``default_from`` extra.
    :param twilio_conn_id: the ``twilio2008`` connection id.
    :param kwargs: passed to :class:`~airflow.sdk.BaseNotifier` (``context`` on Airflow 3.1+).
    """

    template_fields: Sequence[str] = ("to", "body", "from_", "twilio_conn_id")

    def __init__(
        self,
        *,
        to: str | Sequence[str],
        body: str,
        from_: str | None = None,
        twilio_conn_id: str = DEFAULT_CONN_ID,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.to = to
        self.body = body
        self.from_ = from_
        self.twilio_conn_id = twilio_conn_id

    def notify(self, context: Context) -> None:
        """Send the message to every recipient with the synchronous hook.

        :param context: the Airflow context (the template fields are already rendered).
        """
        from ..hooks.twilio2008 import Twilio2008Hook

        recipients, body = self._recipients(), self._body()
        with Twilio2008Hook(twilio_conn_id=self.twilio_conn_id) as hook:
            messages = self._requests(recipients, body, hook.account_sid, hook.config)
            failures = []
            for number, request in messages:
                try:
                    self._sent(number, hook.send_request(request))
                except Exception as exc:
                    failures.append(self._failed(number, exc))
        self._raise_first(failures, len(messages))

    async def async_notify(self, context: Context) -> None:
        """Send the message to every recipient with the asynchronous (``httpx``) transport.

        :param context: the Airflow context (the template fields are already rendered).
        """
        from ..hooks.twilio2008_async import Twilio2008AsyncHook

        recipients, body = self._recipients(), self._body()
        failures = []
        async with Twilio2008AsyncHook(self.twilio_conn_id, log=self.log) as hook:
            config = await hook.get_config()
            messages = self._requests(recipients, body, config.account_sid, config)
            for number, request in messages:
                try:
                    self._sent(number, await hook.send_request(request))
                except Exception as exc:
                    failures.append(self._failed(number, exc))
        self._raise_first(failures, len(messages))

    def _recipients(self) -> list[str]:
        """Return the recipients in the form the API expects, each once, in the given order."""
        from ..api import validate
        from ..api.errors import Twilio2008ValidationError

        to: Any = self.to
        if isinstance(to, str):
            candidates: list[Any] = [part.strip() for part in _SEPARATORS.split(to) if part.strip()]
        elif isinstance(to, int) and not isinstance(to, bool):
            candidates = [to]
        elif isinstance(to, list | tuple | set | frozenset):
            candidates = list(to)
        else:
            raise Twilio2008ValidationError("to", f"got {type(to).__name__}", _TO_ACCEPTED, param="To")
        numbers: dict[str, None] = {}  # ordered, and a repeated number is found at once
        for candidate in candidates:
            numbers[validate.phone_number(candidate, "to", param="To", allow_short_code=True)] = None
        if not numbers:
            raise Twilio2008ValidationError("to", "missing", _TO_ACCEPTED, param="To")
        return list(numbers)

    def _body(self) -> str:
        """Return the body, cut to 160 characters with :data:`TRUNCATION_MARK` when longer."""
        from ..api import validate

        body = self.body
        limit = validate.SMS_BODY_MAX
        if isinstance(body, str) and len(body) > limit:
            self.log.warning(
                "SMS body is %d characters, more than the %d one message may hold: sending its "
                "first %d characters and '%s'",
                len(body),
                limit,
                limit - len(TRUNCATION_MARK),
                TRUNCATION_MARK,
            )
            body = body[: limit - len(TRUNCATION_MARK)] + TRUNCATION_MARK
        return validate.sms_body(body)

    def _requests(
        self, recipients: list[str], body: str, account_sid: str, config: ClientConfig
    ) -> list[tuple[str, ApiRequest]]:
        """Build (and so validate) one send request per recipient, before any is sent."""
        from ..api import operations as ops

        sender = config.sender(self.from_)
        return [
            (number, ops.send_sms(account_sid, to=number, body=body, from_=sender)) for number in recipients
        ]

    def _sent(self, number: str, sms: Any) -> None:
        """Log one sent message (its SID and status; never the body, which may be personal)."""
        self.log.info("Sent SMS %s to %s (%s)", sms.sid, number, sms.status.value)

    def _failed(self, number: str, exc: Exception) -> Exception:
        """Log a failed message and return its error (error messages never hold the token)."""
        self.log.error("SMS to %s failed: %s: %s", number, type(exc).__name__, exc)
        return exc

    def _raise_first(self, failures: list[Exception], total: int) -> None:
        """Raise the first failure, if any, after every recipient was tried."""
        if not failures:
            return
        if total > 1:
            self.log.error("%d of %d SMS notifications failed", len(failures), total)
        raise failures[0]


#: Functional alias, in the style of Airflow's own notifiers (``send_slack_notification``).
send_twilio2008_sms_notification = Twilio2008SMSNotifier

#: The class's earlier name, importable with a deprecation warning (see :mod:`..renames`).
__getattr__ = deprecated_aliases(__name__, globals(), {"Twilio2008SmsNotifier": "Twilio2008SMSNotifier"})
