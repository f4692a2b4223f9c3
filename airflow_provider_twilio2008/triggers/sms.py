"""Deferrable trigger that waits for an SMS reply, through the account's shared poller.

Its kwargs are plain JSON and hold no secret (numbers, the pattern's text, ``since`` as ISO
8601); the connection is looked up inside ``run()``. Every SMS-reply trigger of one
connection shares one SMS list request per interval (see :mod:`.poller`), and each decides with
:func:`~airflow_provider_twilio2008.api.replies.reply_outcome`, as the sensor's pokes do. It
yields one JSON-safe event, as the call triggers do (see :mod:`.calls`): ``done`` with the
reply, ``error`` (bad credentials, a missing connection) or ``timeout`` once ``timeout_at``
(Unix time) has passed. Transient API errors never end the wait.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any, ClassVar

from airflow.triggers.base import BaseTrigger, TriggerEvent

from ..api.replies import ReplyFilter, reply_filter, reply_outcome
from ..renames import deprecated_aliases
from .events import error_payload, timed_out, timeout_payload
from .poller import AccountPoller

__all__ = ["SMSReplyTrigger"]


class SMSReplyTrigger(BaseTrigger):
    """Wait for an inbound SMS from ``from_`` to ``to`` created at or after ``since``, matching a pattern.

    :param from_: the number the reply comes from.
    :param to: our number the reply is sent to.
    :param body_pattern: a regular expression the body must contain (case-insensitive), or ``None``.
    :param since: the earliest accepted ``DateCreated``, ISO 8601 (truncated to the second).
    :param twilio_conn_id: the ``twilio2008`` connection.
    :param poll_interval: seconds between checks (the account's shared poller uses the smallest).
    :param timeout_at: Unix time at which the wait times out, if any.
    """

    #: Where the triggerer imports the class from, written out (see ``CallCompletedTrigger``).
    CLASSPATH: ClassVar[str] = "airflow_provider_twilio2008.triggers.sms.SMSReplyTrigger"

    def __init__(
        self,
        *,
        from_: str,
        to: str,
        body_pattern: str | None,
        since: str,
        twilio_conn_id: str,
        poll_interval: float,
        timeout_at: float | None = None,
    ) -> None:
        super().__init__()
        self.wanted: ReplyFilter = reply_filter(from_=from_, to=to, body_pattern=body_pattern, since=since)
        self.twilio_conn_id = twilio_conn_id
        self.poll_interval = float(poll_interval)
        self.timeout_at = timeout_at

    def serialize(self) -> tuple[str, dict[str, Any]]:
        """Return the class path and JSON-safe kwargs (no secret)."""
        return (
            self.CLASSPATH,
            {
                "from_": self.wanted.from_,
                "to": self.wanted.to,
                "body_pattern": self.wanted.pattern,
                "since": self.wanted.since.isoformat(),
                "twilio_conn_id": self.twilio_conn_id,
                "poll_interval": self.poll_interval,
                "timeout_at": self.timeout_at,
            },
        )

    async def run(self) -> AsyncIterator[TriggerEvent]:
        """Yield one event once the wait is over: the reply, an error, or the deadline (on its own timer).

        How the wait stands is logged when it changes, not every round (as for call waits).
        """
        said = ""
        poller = AccountPoller.shared(self.twilio_conn_id)
        async for snapshot in poller.watch_sms(self.wanted.since, self.poll_interval, until=self.timeout_at):
            if snapshot.error is not None:
                yield TriggerEvent(error_payload(snapshot.error))
                return
            outcome = reply_outcome(snapshot.messages, self.wanted)
            if outcome.state != "waiting":
                yield TriggerEvent(outcome.as_event())
                return
            if timed_out(self.timeout_at):
                break
            if outcome.message != said:
                said = outcome.message
                self.log.debug("%s", said)
        yield TriggerEvent(timeout_payload(f"a reply: {self.wanted.describe()}", self.timeout_at))


#: The class's earlier name: triggers stored under the old class path still resume.
__getattr__ = deprecated_aliases(__name__, globals(), {"SmsReplyTrigger": "SMSReplyTrigger"})
