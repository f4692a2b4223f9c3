"""``SendSMSOperator``: text one number or many, each at most once per task instance."""

from __future__ import annotations

from collections.abc import Sequence
from functools import partial
from typing import TYPE_CHECKING, Any

from airflow.sdk import BaseOperator

from ..api.config import DEFAULT_CONN_ID
from ..links import Twilio2008Link
from ..task_hook import Twilio2008TaskMixin

if TYPE_CHECKING:
    from airflow.sdk import Context

    from ..api.records import SmsMessage
    from ..hooks.twilio2008 import Twilio2008Hook
    from .create_once import Create

__all__ = ["SendSMSOperator"]

#: Prefix of the state-store keys under which each recipient's intent and SID survive between tries.
SMS_KEY = "twilio2008_sms:"


class SendSMSOperator(Twilio2008TaskMixin, BaseOperator):
    """Send an SMS (``POST /SMS/Messages``) to one number or to each number of a list.

    Every number and the body are checked before anything is sent, so a typo in the tenth
    number of a list sends nothing. A list is sent concurrently, at most ``max_concurrency``
    at a time. Returns the message dict (``sid``, ``status``, ``to``, ``from``, ``body``,
    ISO-8601 dates) for one number, or the list of them in the order of ``to``.

    Each message is sent at most once per task instance: a retry adopts the messages an
    earlier try sent (see :mod:`airflow_provider_twilio2008.operators.create_once`) and sends
    only the missing ones. A number listed twice is refused, since it would be texted twice.

    :param to: one number, or a list of numbers (E.164, 10 US digits or short codes).
    :param body: the text, 1-160 characters.
    :param from_: the sender; ``None`` uses the connection's ``default_from``.
    :param status_callback: URL Twilio POSTs ``SmsSid``/``SmsStatus`` to when each message is done.
    :param max_concurrency: how many messages are sent at once (1-32).
    :param twilio_conn_id: the ``twilio2008`` connection.
    """

    template_fields: Sequence[str] = ("to", "body", "from_", "status_callback", "twilio_conn_id")
    operator_extra_links = (Twilio2008Link(),)
    ui_color = "#f22f46"

    def __init__(
        self,
        *,
        to: str | Sequence[str],
        body: str,
        from_: str | None = None,
        status_callback: str | None = None,
        max_concurrency: int = 4,
        twilio_conn_id: str = DEFAULT_CONN_ID,
        **kwargs: Any,
    ) -> None:
        from ..api import validate
        from ..bad_input import check_literal

        super().__init__(**kwargs)
        self.to = to
        self.body = body
        self.from_ = from_
        self.status_callback = status_callback
        self.max_concurrency = max_concurrency
        check_literal(
            max_concurrency, lambda value: validate.integer_in_range(value, "max_concurrency", 1, 32)
        )
        self.twilio_conn_id = twilio_conn_id

    def execute(self, context: Context) -> Any:
        """Check every number and the body, then send each message once.

        A local validation error fails the task at once (no retry can fix it).

        :param context: the task context.
        """
        from ..links import no_link_yet

        no_link_yet(self)
        with self.running():
            return self._execute(context)

    def _execute(self, context: Context) -> Any:
        from ..api import validate
        from .create_once import create_all, timing_for

        hook = self.hook
        single = not isinstance(self.to, list | tuple)
        numbers: list[Any] = [self.to] if single else list(self.to)  # each checked by send_sms
        workers = validate.integer_in_range(self.max_concurrency, "max_concurrency", 1, 32)
        creates = self._plan(hook, numbers, single)
        outcomes = create_all(context, creates, timing=timing_for(hook), workers=workers)
        messages = self._report(context, hook, numbers, outcomes, single)
        results = [message.as_dict() for message in messages]
        return results[0] if single else results

    def _plan(self, hook: Twilio2008Hook, numbers: list[Any], single: bool) -> list[Create]:
        """Check every number and the body, and return one create per number; nothing is sent.

        :param hook: the task's hook.
        :param numbers: the recipients, as given.
        :param single: whether ``to`` was one number (errors name ``to``, else ``to[i]``).
        :raises Twilio2008ValidationError: no number, a wrong field, or a number listed twice.
        """
        from ..api import operations as ops
        from ..api.errors import Twilio2008ValidationError
        from ..api.reconcile import intent_for
        from .create_once import Create

        if not numbers:
            raise Twilio2008ValidationError("to", "empty list", "a phone number or a non-empty list of them")
        sender = hook.config.sender(self.from_)
        requests = []
        for index, number in enumerate(numbers):
            try:
                requests.append(
                    ops.send_sms(
                        hook.account_sid,
                        to=number,
                        body=self.body,
                        from_=sender,
                        status_callback=self.status_callback,
                    )
                )
            except Twilio2008ValidationError as exc:
                if exc.field != "to" or single:
                    raise
                raise Twilio2008ValidationError(
                    f"to[{index}]", exc.problem, exc.accepted, param=exc.param, code=exc.code
                ) from None
        intents = [intent_for(request) for request in requests]
        recipients = [intent.to for intent in intents]
        repeated = sorted({number for number in recipients if recipients.count(number) > 1})
        if repeated:
            raise Twilio2008ValidationError(
                "to",
                f"lists {', '.join(repeated)} more than once",
                "each number once, so nobody is texted twice",
            )
        return [
            Create(
                SMS_KEY + intent.to,
                intent,
                create=partial(hook.send_request, request),
                fetch=hook.get_sms,
                candidates=lambda earlier: hook.list_sms(to=earlier.to, from_=earlier.from_),
            )
            for request, intent in zip(requests, intents, strict=True)
        ]

    def _report(
        self,
        context: Context,
        hook: Twilio2008Hook,
        numbers: list[Any],
        outcomes: Sequence[SmsMessage | BaseException],
        single: bool,
    ) -> list[SmsMessage]:
        """Log each message sent, link the first, and fail naming every number that was not sent.

        :param context: the task context (the link's XCom).
        :param hook: the task's hook (the link's base URL).
        :param numbers: the recipients, in the order of ``outcomes``.
        :param outcomes: each create's message, or the error that stopped it.
        :param single: whether ``to`` was one number (its error is raised as it is).
        :raises AirflowException: some messages were not sent (``AirflowFailException`` when an
            earlier try may have sent one and nobody can tell, so a retry cannot help).
        """
        from ..links import push_link

        failed = [
            (number, error)
            for number, error in zip(numbers, outcomes, strict=True)
            if isinstance(error, BaseException)
        ]
        messages = [outcome for outcome in outcomes if not isinstance(outcome, BaseException)]
        for message in messages:
            self.log.info("SMS %s to %s: %s", message.sid, message.to, message.status.value)
        if messages:
            push_link(context, hook.config.base_url, messages[0].sid)
        if failed:
            if len(failed) == 1 and single:
                raise failed[0][1]
            summary = "; ".join(_outcome(number, error) for number, error in failed)
            from airflow.sdk.exceptions import AirflowException, AirflowFailException

            # When an earlier try may have texted someone and we cannot tell, retrying cannot help.
            unsure = any(isinstance(error, AirflowFailException) for _number, error in failed)
            raise (AirflowFailException if unsure else AirflowException)(
                f"{len(failed)} of {len(numbers)} messages did not complete ({summary}); a retry sends "
                "only those not sent, after checking whether each that may have been sent was"
            )
        return messages


def _outcome(number: str, error: BaseException) -> str:
    """Say what became of the message to ``number`` whose create or read-back failed with ``error``.

    :param number: the recipient.
    :param error: what stopped it.
    """
    from ..api.reconcile import may_have_taken_effect
    from .create_once import CreatedEarlierError

    if isinstance(error, CreatedEarlierError):
        cause = error.error
        return (
            f"{number}: sent by an earlier try as {error.sid}, but reading it back failed "
            f"({type(cause).__name__}: {cause})"
        )
    if may_have_taken_effect(error):
        return f"{number}: may have been sent, its answer was lost ({type(error).__name__}: {error})"
    return f"{number}: not sent ({type(error).__name__}: {error})"
