"""One poller per account and event loop that serves every trigger waiting on calls, recordings or SMS.

A triggerer runs all its triggers in one event loop. Rather than one ``GET`` per waiting
call per interval, every trigger of one connection registers its call SID here and the
poller lists the account's calls (newest first, 1,000 a page) once per interval, handing each
waiter its call. Waiters on recordings also get the recordings (and, when asked, the
transcriptions) listed the same way. So 1,000 waiting calls cost one or two requests per
interval instead of 1,000. Waiters on SMS replies register the time they accept replies
from; the poller lists the account's SMS once per interval for all of them.

How a round works (each list is read only when someone waits on it):

1. Calls: pages of ``GET /Calls?num=1000`` until every watched SID was seen, or as many
   pages were read as the watched calls could fill plus :data:`MAX_LIST_PAGES` (10,000 waits
   on recent calls: 10 pages; at most 12); a SID still unseen (an old call, or a wrong SID) is
   fetched on its own, and a 404 ends only that waiter's wait.
2. Recordings, when someone waits on one: pages of ``GET /Recordings?num=1000`` (newest
   first) until the page reaches recordings older than the oldest watched call.
3. Transcriptions, when someone waits on one and has a recording: the same with
   ``GET /Transcriptions``.
4. SMS, when someone waits on a reply: pages of ``GET /SMS/Messages?num=1000`` (newest first)
   until the page reaches messages older than the oldest watched ``since``, at most
   :data:`~airflow_provider_twilio2008.api.replies.MAX_REPLY_PAGES` pages (see
   :mod:`airflow_provider_twilio2008.api.replies`). Every SMS waiter gets the whole list and
   picks its reply itself.

A transient error (5xx, 429, a lost connection) skips the round for the waiters of the list
that failed: they simply hear nothing and the next round tries again. A waiter's own deadline
(``until``) ends its iteration on a timer of its own, whether or not any round succeeds, so
an API that fails for an hour cannot keep a wait past its timeout. Any other error (bad
credentials, a missing connection) is handed to those waiters. The poller stops when its last
waiter leaves.
"""

from __future__ import annotations

import asyncio
import logging
import time
import weakref
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..api import operations as ops
from ..api import paths
from ..api.errors import Twilio2008Error, Twilio2008NotFoundError
from ..api.records import Call, Recording, SmsMessage, Transcription
from ..api.replies import ReplyReader, reply_list_request
from ..api.waiting import is_transient
from ..hooks.async_transport import AsyncTransport
from ..hooks.twilio2008_async import Twilio2008AsyncHook

__all__ = ["MAX_LIST_PAGES", "AccountPoller", "Snapshot"]

log = logging.getLogger(__name__)

#: The call-list pages one round reads beyond those its waiters could fill (one page per
#: 1,000 watched calls) before fetching the calls still unseen one by one.
MAX_LIST_PAGES = 2


@dataclass
class Snapshot:
    """What one round found for one waiter.

    :param call: the watched call, or ``None`` when the round failed for this waiter (or it
        waits on SMS).
    :param recordings: the call's recordings (only for recording waiters).
    :param transcriptions: transcriptions by recording SID (only when asked).
    :param messages: the account's SMS back to the oldest watched ``since``, newest first
        (only for SMS waiters).
    :param error: the error that ends this waiter's wait, if any.
    """

    call: Call | None = None
    recordings: list[Recording] = field(default_factory=list)
    transcriptions: dict[str, list[Transcription]] = field(default_factory=dict)
    messages: list[SmsMessage] = field(default_factory=list)
    error: Twilio2008Error | None = None


@dataclass(eq=False)
class _Watch:
    """One waiter: the call it watches (or the time it takes SMS from), and where its snapshots go."""

    call_sid: str | None
    interval: float
    recordings: bool = False
    transcriptions: bool = False
    sms_since: datetime | None = None
    queue: asyncio.Queue[Snapshot] = field(default_factory=asyncio.Queue)


class AccountPoller:
    """Poll one account for every waiter in this event loop.

    Use :meth:`shared` to get the poller of a connection, then ``async for snapshot in
    poller.watch(call_sid, interval)``.

    :param conn_id: the ``twilio2008`` connection id.
    """

    _pollers: weakref.WeakKeyDictionary[asyncio.AbstractEventLoop, dict[str, AccountPoller]] = (
        weakref.WeakKeyDictionary()
    )

    def __init__(self, conn_id: str) -> None:
        self.conn_id = conn_id
        self.watches: set[_Watch] = set()
        self.rounds = 0
        self._task: asyncio.Task[None] | None = None

    @classmethod
    def shared(cls, conn_id: str) -> AccountPoller:
        """Return the poller of ``conn_id`` in the running event loop, creating it when needed.

        :param conn_id: the ``twilio2008`` connection id.
        """
        by_conn = cls._pollers.setdefault(asyncio.get_running_loop(), {})
        poller = by_conn.get(conn_id)
        if poller is None:
            poller = by_conn[conn_id] = cls(conn_id)
        return poller

    def watch(
        self,
        call_sid: str,
        interval: float,
        *,
        recordings: bool = False,
        transcriptions: bool = False,
        until: float | None = None,
    ) -> AsyncIterator[Snapshot]:
        """Yield a snapshot of ``call_sid`` after every round, until the caller stops or ``until`` passes.

        :param call_sid: the call to watch.
        :param interval: the waiter's poll interval; the poller polls at the smallest one.
        :param recordings: also list the call's recordings.
        :param transcriptions: also list the transcriptions of its recordings.
        :param until: Unix time at which the iteration ends, snapshot or not (``None``: never).
        """
        return self._follow(_Watch(call_sid, interval, recordings or transcriptions, transcriptions), until)

    def watch_sms(
        self, since: datetime, interval: float, *, until: float | None = None
    ) -> AsyncIterator[Snapshot]:
        """Yield the account's SMS created around and after ``since`` after every round.

        Each snapshot's ``messages`` reach back to the oldest ``since`` of all SMS waiters (at
        least to this one's), newest first: the waiter picks its reply itself.

        :param since: the earliest creation time this waiter accepts (aware).
        :param interval: the waiter's poll interval; the poller polls at the smallest one.
        :param until: Unix time at which the iteration ends, snapshot or not (``None``: never).
        """
        return self._follow(_Watch(None, interval, sms_since=since), until)

    async def _follow(self, watch: _Watch, until: float | None) -> AsyncIterator[Snapshot]:
        """Register ``watch``, start the polling if needed, and yield its snapshots until ``until``."""
        self.watches.add(watch)
        if self._task is None or self._task.done():
            self._task = asyncio.get_running_loop().create_task(
                self._run(), name=f"twilio2008-poller-{self.conn_id}"
            )
        first = True
        try:
            while True:
                if until is None:
                    yield await watch.queue.get()
                    continue
                # The first round is awaited for at least one interval, so a reply already
                # there still ends a wait resumed past its deadline.
                left = until - time.time()
                if first:
                    left, first = max(left, watch.interval), False
                if left <= 0:
                    return
                try:
                    snapshot = await asyncio.wait_for(watch.queue.get(), left)
                except TimeoutError:
                    return
                yield snapshot
        finally:
            self.watches.discard(watch)

    async def _run(self) -> None:
        """Poll until the last waiter leaves."""
        hook = Twilio2008AsyncHook(self.conn_id, log=log)
        transport: AsyncTransport | None = None
        try:
            while self.watches:
                if transport is None:
                    try:
                        transport = await hook.get_transport()
                    except Exception as exc:  # a missing or unusable connection ends every wait
                        self._deliver_error(_as_error(exc))
                        await asyncio.sleep(self._interval())
                        continue
                try:
                    await self._round(transport)
                except Exception as exc:  # never leave waiters hanging on a bug: tell them
                    log.exception("twilio2008 poller (%s) failed", self.conn_id)
                    self._deliver_error(_as_error(exc))
                self.rounds += 1
                await asyncio.sleep(self._interval())
        finally:
            await hook.aclose()
            by_conn = self._pollers.get(asyncio.get_running_loop(), {})
            if by_conn.get(self.conn_id) is self and not self.watches:
                del by_conn[self.conn_id]

    def _interval(self) -> float:
        return min((watch.interval for watch in self.watches), default=1.0)

    def _deliver_error(self, error: Twilio2008Error, watches: list[_Watch] | None = None) -> None:
        for watch in list(self.watches) if watches is None else watches:
            watch.queue.put_nowait(Snapshot(error=error))

    async def _round(self, transport: AsyncTransport) -> None:
        """Run one round: list what the waiters need, and hand every waiter its snapshot."""
        watches = list(self.watches)
        on_calls = [watch for watch in watches if watch.call_sid is not None]
        on_sms = [watch for watch in watches if watch.sms_since is not None]
        if on_calls:
            await self._serve(on_calls, lambda: self._call_round(transport, on_calls))
        if on_sms:
            await self._serve(on_sms, lambda: self._sms_round(transport, on_sms))

    async def _serve(self, watches: list[_Watch], work: Callable[[], Awaitable[None]]) -> None:
        """Run one part of a round; a transient error skips it, any other goes to its waiters."""
        try:
            await work()
        except Twilio2008Error as exc:
            if is_transient(exc):
                log.warning("twilio2008 poller (%s): %s; trying again next round", self.conn_id, exc)
                return
            self._deliver_error(exc, watches)

    async def _sms_round(self, transport: AsyncTransport, watches: list[_Watch]) -> None:
        """List the account's SMS back to the oldest watched ``since`` and hand the list to every waiter."""
        oldest = min(watch.sms_since for watch in watches if watch.sms_since is not None)
        reader = ReplyReader(
            reply_list_request(transport.config.account_sid, oldest),
            oldest,
            base_url=transport.config.base_url,
        )
        while reader.current is not None:
            reader.advance(await transport.page(reader.current))
        if reader.capped:
            log.warning(
                "twilio2008 poller (%s): read %d pages of SMS without reaching %s; older ones are not seen",
                self.conn_id,
                reader.pages,
                oldest.isoformat(),
            )
        for watch in watches:
            watch.queue.put_nowait(Snapshot(messages=reader.messages))

    async def _call_round(self, transport: AsyncTransport, watches: list[_Watch]) -> None:
        """List calls (and recordings, transcriptions) and hand every call waiter its snapshot."""
        calls, missing = await self._calls(transport, {watch.call_sid for watch in watches if watch.call_sid})
        wanted = [w for w in watches if w.recordings and w.call_sid in calls]
        recordings = await self._recordings(transport, [calls[w.call_sid] for w in wanted if w.call_sid])
        with_recordings = {
            rec.sid for w in wanted if w.transcriptions for rec in recordings.get(w.call_sid or "", [])
        }
        transcriptions = await self._transcriptions(transport, recordings, with_recordings)
        for watch in watches:
            assert watch.call_sid is not None
            if watch.call_sid in missing:
                watch.queue.put_nowait(Snapshot(error=missing[watch.call_sid]))
                continue
            found = recordings.get(watch.call_sid, []) if watch.recordings else []
            watch.queue.put_nowait(
                Snapshot(
                    call=calls[watch.call_sid],
                    recordings=found,
                    transcriptions={rec.sid: transcriptions.get(rec.sid, []) for rec in found}
                    if watch.transcriptions
                    else {},
                )
            )

    async def _calls(
        self, transport: AsyncTransport, wanted: set[str]
    ) -> tuple[dict[str, Call], dict[str, Twilio2008Error]]:
        """List calls newest first until every wanted SID is seen; fetch the rest one by one."""
        found: dict[str, Call] = {}
        pager = ops.Pager(
            ops.list_calls(transport.config.account_sid, page_size=paths.MAX_PAGE_SIZE),
            base_url=transport.config.base_url,
        )
        pages, most = 0, -(-len(wanted) // paths.MAX_PAGE_SIZE) + MAX_LIST_PAGES
        while pager.current is not None and pages < most and not wanted <= found.keys():
            page = await transport.page(pager.current)
            pages += 1
            for call in page.items:
                if call.sid in wanted and not call.is_segment:
                    found.setdefault(call.sid, call)
            pager.advance(page)
        missing: dict[str, Twilio2008Error] = {}
        for sid in wanted - found.keys():
            try:
                found[sid] = await transport.record(ops.get_call(transport.config.account_sid, sid))
            except Twilio2008NotFoundError as exc:
                missing[sid] = exc
        return found, missing

    async def _recordings(self, transport: AsyncTransport, calls: list[Call]) -> dict[str, list[Recording]]:
        """List recordings newest first, back to the oldest watched call; group them by call."""
        if not calls:
            return {}
        wanted = {call.sid for call in calls}
        oldest = _oldest(call.date_created for call in calls)
        by_call: dict[str, list[Recording]] = {}
        request = ops.list_recordings(
            transport.config.account_sid,
            created_after=oldest.date() if oldest else None,
            page_size=paths.MAX_PAGE_SIZE,
        )
        for recording in await _newer_than(transport, request, oldest):
            if recording.call_sid in wanted:
                by_call.setdefault(recording.call_sid, []).append(recording)
        return by_call

    async def _transcriptions(
        self, transport: AsyncTransport, recordings: dict[str, list[Recording]], wanted: set[str]
    ) -> dict[str, list[Transcription]]:
        """List transcriptions newest first, back to the oldest wanted recording; group them by recording."""
        if not wanted:
            return {}
        oldest = _oldest(
            rec.date_created for recs in recordings.values() for rec in recs if rec.sid in wanted
        )
        by_recording: dict[str, list[Transcription]] = {}
        request = ops.list_transcriptions(transport.config.account_sid, page_size=paths.MAX_PAGE_SIZE)
        for transcription in await _newer_than(transport, request, oldest):
            if transcription.recording_sid in wanted:
                by_recording.setdefault(transcription.recording_sid, []).append(transcription)
        return by_recording


async def _newer_than(
    transport: AsyncTransport, request: ops.ApiRequest, oldest: datetime | None
) -> list[Any]:
    """Read a newest-first list until its records are older than ``oldest`` (all of it when ``None``)."""
    items: list[Any] = []
    pager = ops.Pager(request, base_url=transport.config.base_url)
    while pager.current is not None:
        page = await transport.page(pager.current)
        items.extend(page.items)
        # Lists run newest first by DateUpdated (or DateCreated): once a record was last
        # updated before ``oldest``, every later one was too, and so was created before it.
        last = (page.items[-1].date_updated or page.items[-1].date_created) if page.items else None
        if oldest is not None and last is not None and last < oldest:
            break
        pager.advance(page)
    return items


def _oldest(dates: Any) -> datetime | None:
    known = [date for date in dates if date is not None]
    return min(known) if known else None


def _as_error(exc: Exception) -> Twilio2008Error:
    """Return ``exc`` as a package error (a missing Airflow connection becomes one, named)."""
    if isinstance(exc, Twilio2008Error):
        return exc
    return Twilio2008Error(f"{type(exc).__name__}: {exc}")
