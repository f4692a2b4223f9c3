"""What a wait for an SMS reply has come to, decided once for poke, reschedule and deferral.

A reply is an SMS whose ``Flags`` has the inbound bit (1) set, sent from the awaited number
(``From``) to ours (``To``), created at or after ``since``, and whose ``Body`` matches the
pattern (``re.search`` semantics, case-insensitive, matched in linear time by
:mod:`.pattern`, so no text can stall the triggerer) when there is one. The sensor (poke and reschedule
mode) and the trigger (deferrable mode) read the SMS list their own way, through
:class:`ReplyReader`, and ask :func:`reply_outcome` what they read means, so every mode
decides alike. Nothing here does I/O or imports Airflow.

Choices where the reference is silent:

- ``Status`` is not looked at: the 2008 reference names no status for inbound messages (4.2,
  7), so the inbound bit of ``Flags`` alone says what a reply is.
- Time: ``DateCreated`` (RFC 2822, whole seconds) is compared with ``since`` truncated to the
  whole second, so a reply created in the same second as ``since`` counts. No allowance is
  made for skew between Twilio's clock and Airflow's: pass an earlier ``since`` to allow some.
- When several messages qualify, the first reply is returned: the earliest ``DateCreated``,
  and among equal ones the one listed last (lists run newest first).
- Lists are read newest first (SMS by ``DateSent``, 1.7) and filtered by ``DateSent>=`` the
  day *before* ``since``'s UTC day: which calendar the 2008 day filters use is not
  documented, so the filter is kept loose and the exact cut is made here, on ``DateCreated``.
  Reading stops at the first page that reaches messages sent before ``since``, or after
  :data:`MAX_REPLY_PAGES` pages (1,000 messages each).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from functools import cached_property
from typing import Any

from . import operations as ops
from . import paths, validate
from .errors import Twilio2008ValidationError
from .pattern import Pattern, PatternMatch
from .records import Page, SmsFlags, SmsMessage
from .waiting import Outcome

__all__ = [
    "MAX_REPLY_PAGES",
    "ReplyFilter",
    "ReplyReader",
    "reply_filter",
    "reply_list_request",
    "reply_outcome",
    "reply_summary",
]

#: The most SMS-list pages (1,000 messages each) one check reads.
MAX_REPLY_PAGES = 2


@dataclass(frozen=True)
class ReplyFilter:
    """What counts as the awaited reply; build it with :func:`reply_filter`, which checks every field.

    :param from_: the number the reply comes from, as the API writes it (``4155550134``).
    :param to: our number the reply is sent to, as the API writes it.
    :param pattern: the body pattern's text (searched case-insensitively), or ``None`` for any body.
    :param since: the earliest accepted ``DateCreated``: aware, UTC, whole seconds.
    """

    from_: str
    to: str
    pattern: str | None
    since: datetime

    @cached_property
    def compiled(self) -> Pattern | None:
        """Return the pattern compiled case-insensitively (linear time), or ``None``."""
        return (
            None if self.pattern is None else validate.pattern(self.pattern, "body_pattern", ignore_case=True)
        )

    def describe(self) -> str:
        """Return the awaited reply in words, for logs and messages."""
        body = f" matching {self.pattern!r}" if self.pattern is not None else ""
        return f"an SMS from {self.from_} to {self.to}{body} since {self.since.isoformat()}"


def reply_filter(*, from_: object, to: object, body_pattern: object, since: object) -> ReplyFilter:
    """Check the awaited reply's fields and return them in the form the API and the decision use.

    :param from_: the number the reply comes from (any form :func:`.validate.phone_number` takes).
    :param to: our number the reply is sent to.
    :param body_pattern: a regular expression the body must contain (:mod:`.pattern`'s subset of
        ``re``, searched case-insensitively), or ``None``.
    :param since: the earliest accepted creation time: a datetime or an ISO 8601 string.
    :raises Twilio2008ValidationError: a field is wrong; the error names it.
    """
    sender = validate.phone_number(from_, "from_", param="From", allow_short_code=True)
    recipient = validate.phone_number(to, "to", param="To", allow_short_code=True)
    moment = validate.instant(since, "since").replace(microsecond=0)
    pattern = None
    if body_pattern is not None:
        pattern = validate.pattern(body_pattern, "body_pattern", ignore_case=True).pattern
    return ReplyFilter(sender, recipient, pattern, moment)


def reply_list_request(
    account_sid: str, since: datetime, *, from_: str | None = None, to: str | None = None
) -> ops.ApiRequest:
    """Return the request for the first page of SMS that may hold replies created since ``since``.

    :param account_sid: the account.
    :param since: the earliest creation time of interest (the oldest one, for several waits).
    :param from_: only messages from this number (a single wait's filter).
    :param to: only messages to this number.
    """
    day_before = (since.astimezone(timezone.utc) - timedelta(days=1)).date()
    return ops.list_sms(account_sid, from_=from_, to=to, sent_after=day_before, page_size=paths.MAX_PAGE_SIZE)


@dataclass
class ReplyReader:
    """Read a newest-first SMS list back to ``since``, page by page, without doing I/O itself.

    Fetch :attr:`current`, hand the page to :meth:`advance`, stop when :attr:`current` is
    ``None``; then :attr:`messages` holds what was read, newest first.

    :param first: the request for the first page (see :func:`reply_list_request`).
    :param since: stop at the first page reaching messages sent before this.
    :param base_url: the configured base URL (paging links must stay on it).
    :param max_pages: the most pages read.
    """

    first: ops.ApiRequest
    since: datetime
    base_url: str | None = None
    max_pages: int = MAX_REPLY_PAGES
    messages: list[SmsMessage] = field(default_factory=list)
    pages: int = 0
    #: Whether reading stopped at ``max_pages`` with newer messages possibly left unread.
    capped: bool = False
    _pager: ops.Pager = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._pager = ops.Pager(self.first, base_url=self.base_url)

    @property
    def current(self) -> ops.ApiRequest | None:
        """Return the request for the next page, or ``None`` when reading is over."""
        return self._pager.current

    def advance(self, page: Page[Any]) -> None:
        """Take the page fetched with :attr:`current` and decide whether another is needed.

        :param page: the page.
        """
        self.pages += 1
        self.messages.extend(page.items)
        if _reaches_before(page.items, self.since):
            self._pager.current = None
            return
        self._pager.advance(page)
        if self._pager.current is not None and self.pages >= self.max_pages:
            self.capped = True
            self._pager.current = None


def _reaches_before(items: Sequence[SmsMessage], since: datetime) -> bool:
    """Whether a newest-first page reached a message sent (or, unsent, created) before ``since``."""
    if not items:
        return False
    last = items[-1].date_sent or items[-1].date_created
    return last is not None and last < since


def reply_summary(message: SmsMessage, match: PatternMatch | None) -> dict[str, Any]:
    """Return a reply as the dict the sensor pushes to XCom.

    The message's fields (``sid``, ``from``, ``to``, ``body``, ``status``, ``flags``, ISO-8601
    dates) and the pattern's match: ``match``
    (the matched text, ``None`` without a pattern), ``groups`` (a list) and ``groupdict``.

    :param message: the reply.
    :param match: the body pattern's match, or ``None`` when no pattern was given.
    """
    data = message.as_dict()
    data["match"] = match.group(0) if match is not None else None
    data["groups"] = list(match.groups()) if match is not None else []
    data["groupdict"] = match.groupdict() if match is not None else {}
    return data


def reply_outcome(messages: Iterable[SmsMessage], wanted: ReplyFilter) -> Outcome:
    """Decide a wait for an SMS reply: ``done`` with the first reply, or ``waiting``.

    :param messages: SMS as listed (newest first); other accounts' numbers, outbound messages
        and older ones may be among them.
    :param wanted: what counts as the reply.
    """
    found: list[tuple[datetime, int, SmsMessage, PatternMatch | None]] = []
    for position, message in enumerate(messages):
        created = message.date_created
        if message.flags is None or not message.flags & SmsFlags.INBOUND:
            continue
        if created is None or created < wanted.since:
            continue
        if _number(message.from_) != wanted.from_ or _number(message.to) != wanted.to:
            continue
        match = None
        if wanted.compiled is not None:
            match = wanted.compiled.match(message.body or "")
            if match is None:
                continue
        found.append((created, -position, message, match))
    if not found:
        return Outcome("waiting", message=f"no reply yet: waiting for {wanted.describe()}")
    _created, _position, reply, match = min(found, key=lambda item: (item[0], item[1]))
    return Outcome("done", value=reply_summary(reply, match))


def _number(value: str | None) -> str | None:
    """Return a listed number in the form :func:`reply_filter` gives (as listed when it is odd)."""
    if value is None:
        return None
    try:
        return validate.phone_number(value, "number", allow_short_code=True)
    except Twilio2008ValidationError:
        return value
