"""``SMSReplySensor``: wait for someone to text back, in poke, reschedule or deferrable mode alike.

Every mode asks :func:`airflow_provider_twilio2008.api.replies.reply_outcome` what the listed
messages mean, so they succeed and keep waiting on exactly the same cases:

- success pushes the reply (the message dict plus the pattern's ``match``, ``groups`` and
  ``groupdict``) to XCom;
- a bad ``from_``, ``to``, ``body_pattern`` or ``since`` fails the task at once, without
  retries and before any request, with an error naming the field;
- bad credentials fail the task at once, without retries;
- transient API errors (5xx, 429, lost connections) are logged and the wait goes on;
- the sensor's ``timeout`` holds in deferrable mode too (``soft_fail`` skips instead).

Nothing heavy is imported at DAG parse time: the hook, the decision and the trigger are
imported when the task runs.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..renames import deprecated_aliases
from .base import Twilio2008BaseSensor, checked_outcome

if TYPE_CHECKING:
    from airflow.sdk import Context

    from ..api.records import SmsMessage
    from ..api.replies import ReplyFilter
    from ..api.waiting import Outcome

__all__ = ["SMSReplySensor"]


class SMSReplySensor(Twilio2008BaseSensor):
    """Wait for an inbound SMS from ``from_`` to ``to``, created since ``since``, matching ``body_pattern``.

    A reply is an SMS with the inbound bit (1) of ``Flags`` set; its ``Status`` is not looked
    at (the 2008 API names none for inbound messages). It counts when its ``DateCreated``
    (RFC 2822, whole seconds, Twilio's clock) is at or after ``since`` truncated to the whole
    second (Airflow's clock; no allowance is made for skew between the two). The first such
    reply is returned: the message as a dict (``sid``, ``from_``/``from``, ``to``, ``body``,
    ``status``, ``flags``, ISO-8601 dates) plus ``match`` (the matched text, ``None`` without a
    pattern), ``groups`` (list) and ``groupdict``.

    Each poke costs one ``GET /SMS/Messages`` filtered by ``From``, ``To`` and ``DateSent>=``
    (more pages only past 1,000 messages). In deferrable mode all the account's SMS-reply waits
    in one triggerer share one unfiltered list request per interval.

    :param from_: the number the reply comes from (templated): E.164, 10 US digits or a short code.
    :param to: our number the reply is sent to (templated); ``None`` uses the connection's
        ``default_from``.
    :param body_pattern: a regular expression the body must contain, searched case-insensitively
        (templated), e.g. ``r"^(yes|no)\\b"``; ``None`` accepts any body. It is matched in time
        linear in the text (:mod:`~airflow_provider_twilio2008.api.pattern`: ``re``'s syntax
        without backreferences, lookarounds or inline flags), so no text can stall the task or
        the triggerer; a pattern outside that subset fails when the DAG is parsed.
    :param since: the earliest accepted creation time (templated): a datetime or an ISO 8601
        string; ``None`` means the start of the DAG run, so a reply that came before this task
        started still counts.
    :param twilio_conn_id: the ``twilio2008`` connection.
    :param deferrable: wait in the triggerer, freeing the worker slot (default: ``[operators]
        default_deferrable``).
    """

    template_fields: Sequence[str] = ("from_", "to", "body_pattern", "since", "twilio_conn_id")

    def __init__(
        self,
        *,
        from_: str,
        to: str | None = None,
        body_pattern: str | None = None,
        since: Any = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(**kwargs)
        self.from_ = from_
        self.to = to
        self.body_pattern = body_pattern
        self.since = since
        self._check_literals()

    def _check_literals(self) -> None:
        """Refuse, when the DAG is parsed, a field that is wrong already (templates are checked later)."""

        from ..api import validate
        from ..bad_input import check_literal

        check_literal(
            self.from_,
            lambda value: validate.phone_number(value, "from_", param="From", allow_short_code=True),
        )
        if self.to is not None:
            check_literal(
                self.to, lambda value: validate.phone_number(value, "to", param="To", allow_short_code=True)
            )
        if self.body_pattern is not None:
            check_literal(
                self.body_pattern, lambda value: validate.pattern(value, "body_pattern", ignore_case=True)
            )
        if self.since is not None:
            check_literal(self.since, lambda value: validate.instant(value, "since"))

    def _wanted(self, context: Context) -> ReplyFilter:
        """Return the rendered fields, checked; a wrong one fails the task now, naming it.

        :param context: the task context (``since`` defaults to its DAG run's start).
        :raises Twilio2008ValidationError: for a wrong field (``execute`` fails the task at once).
        """
        from ..api.errors import Twilio2008ValidationError
        from ..api.replies import reply_filter

        since = self.since
        if since is None or since == "":
            since = context["dag_run"].start_date
        to = self.hook.config.sender(self.to or None)
        if to is None:
            raise Twilio2008ValidationError(
                "to",
                "missing",
                "the number the replies are sent to, or a default_from extra on the connection",
                param="To",
            )
        return reply_filter(from_=self.from_, to=to, body_pattern=self.body_pattern, since=since)

    def _list(self, wanted: ReplyFilter) -> list[SmsMessage]:
        """Read the messages from ``from_`` to ``to`` sent since the day before ``since``, newest first."""
        from ..api.replies import ReplyReader, reply_list_request

        hook = self.hook
        reader = ReplyReader(
            reply_list_request(hook.account_sid, wanted.since, from_=wanted.from_, to=wanted.to),
            wanted.since,
            base_url=hook.config.base_url,
        )
        while reader.current is not None:
            reader.advance(hook.transport.page(reader.current))
        if reader.capped:
            self.log.warning("Read %d pages of SMS without reaching %s", reader.pages, wanted.since)
        return reader.messages

    def _outcome(self, context: Context) -> Outcome:
        """List the candidate messages once: the reply is there, or still waiting.

        :param context: the task context.
        """
        from ..api.replies import reply_outcome

        wanted = self._wanted(context)
        return checked_outcome(lambda: reply_outcome(self._list(wanted), wanted), self.log)

    def _trigger(self, context: Context) -> Any:
        """Return the trigger that waits for the reply in the triggerer.

        :param context: the task context.
        """
        from ..triggers.sms import SMSReplyTrigger

        wanted = self._wanted(context)
        return SMSReplyTrigger(
            from_=wanted.from_,
            to=wanted.to,
            body_pattern=wanted.pattern,
            since=wanted.since.isoformat(),
            twilio_conn_id=self.twilio_conn_id,
            poll_interval=self.poke_interval,
        )

    def _subject(self) -> str:
        return f"an SMS reply from {self.from_}"

    def _link_sid(self, value: dict[str, Any] | None) -> str | None:
        """Return the reply's SID once it came (the link opens it), ``None`` while waiting.

        :param value: the reply dict, once done.
        """
        return value["sid"] if value else None


#: The class's earlier name, importable with a deprecation warning (see :mod:`..renames`).
__getattr__ = deprecated_aliases(__name__, globals(), {"SmsReplySensor": "SMSReplySensor"})
