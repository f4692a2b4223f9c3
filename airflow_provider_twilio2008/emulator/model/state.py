"""The emulator's shared state: store, clock, background tasks, accounts and the simulated callees.

Simulated callees are scripted per account and called number (control endpoint
``/_emulator/callees``: an account's scripts apply to its own calls and texts only).
The magic numbers of the issue are built in: ``5005550001`` busy, ``5005550002`` no answer,
``5005550003`` failed, ``5005550004`` an answering machine; every other number answers as a
person. Default script values (our choices): the callee presses ``1`` at a ``<Gather>``,
speaks 5 s into a ``<Record>``, talks 10 s on a ``<Dial>``led leg and stays 30 s in a conference,
and does not answer texts (``sms_reply`` unset; when set, the reply comes 5 simulated seconds after
the account's message is ``sent``).
"""

from __future__ import annotations

import asyncio
import http.cookiejar
import secrets
import time
from collections import deque
from collections.abc import Coroutine
from dataclasses import asdict, dataclass
from typing import Any, TypeVar

import httpx

from ...api.records import Account, AccountStatus, IncomingPhoneNumber, Record
from ..bodies import DEFAULT_BODY_TIMEOUT
from ..control.faults import FaultInjector
from .lifecycle import Lifecycles
from .store import Store, new_sid, now

__all__ = ["ANSWERS", "DEFAULT_WEBHOOK_TIMEOUT", "SEED_NUMBER", "CalleeScript", "Emulator", "new_auth_token"]

R = TypeVar("R", bound=Record)

#: The number every account owns from the start (valid ``Caller`` and SMS ``From``).
SEED_NUMBER = "5005550006"
DEFAULT_WEBHOOK_TIMEOUT = 15.0
"""Real seconds one webhook request may take in all, from connecting to the body's last byte."""
WEBHOOK_SLOTS = 16
"""Webhook requests in flight at once; more wait for a slot before their deadline starts.

httpcore's pool walks every waiting request against every connection whenever one frees
(quadratic): with thousands of calls fetching TwiML at once it held the event loop for
seconds, so REST bodies timed out (408) and the fetches failed with 11200. Bounded here, the
pool never holds more than it can serve.
"""
#: An SMS to this number ends ``failed``.
SMS_FAIL_NUMBER = "5005550009"
ANSWERS = ("human", "machine", "busy", "no-answer", "failed")
MAGIC_ANSWERS = {
    "5005550001": "busy",
    "5005550002": "no-answer",
    "5005550003": "failed",
    "5005550004": "machine",
}
DEFAULT_TRANSCRIPT = "Hello, this is a simulated caller leaving a message for you."


def new_auth_token() -> str:
    """Return a fresh Auth Token: 32 lower-case hex digits."""
    return secrets.token_hex(16)


def format_number(number: str) -> str:
    """Return a 10-digit US number as ``(415) 555-0134`` (the default FriendlyName); others as is.

    :param number: a normalised number.
    """
    if len(number) == 10 and number.isdigit():
        return f"({number[:3]}) {number[3:6]}-{number[6:]}"
    return number


@dataclass
class CalleeScript:
    """How the simulated party at one number behaves.

    :param answer: ``human``, ``machine``, ``busy``, ``no-answer`` or ``failed``.
    :param digits: keys pressed at each ``<Gather>`` (``""`` = none, the gather times out).
    :param record_seconds: seconds spoken into each ``<Record>`` (0 = silence, nothing recorded).
    :param talk_seconds: seconds an answered ``<Dial>`` leg lasts.
    :param conference_seconds: seconds the caller stays in a conference before leaving.
    :param transcript: text of transcriptions of this party's recordings.
    :param sms_reply: what this party texts back when the account texts it (``None`` = no reply).
    :param sms_reply_after: simulated seconds between the account's message being ``sent`` and
        the reply arriving.
    """

    answer: str = "human"
    digits: str = "1"
    record_seconds: int = 5
    talk_seconds: int = 10
    conference_seconds: int = 30
    transcript: str = DEFAULT_TRANSCRIPT
    sms_reply: str | None = None
    sms_reply_after: float = 5.0

    @classmethod
    def for_number(cls, number: str) -> CalleeScript:
        """Return the built-in script of ``number`` (magic numbers included).

        :param number: a normalised number.
        """
        return cls(answer=MAGIC_ANSWERS.get(number, "human"))

    def as_json(self) -> dict[str, Any]:
        """Return the JSON form of this script."""
        return asdict(self)


#: How many REST requests the emulator remembers for ``GET /_emulator/requests``.
REQUEST_LOG_SIZE = 100_000


class Emulator:
    """Everything the handlers and the telephony share.

    :param store: the record store.
    :param time_scale: simulated seconds per real second.
    :param base_url: the server's own URL (``http://127.0.0.1:8080``), used in RecordingUrl etc.
    :param faults: the fault rules.
    """

    def __init__(
        self, store: Store, *, time_scale: float, base_url: str, faults: FaultInjector | None = None
    ) -> None:
        if time_scale <= 0:
            raise ValueError("time_scale must be positive")
        self.store = store
        self.time_scale = time_scale
        self.base_url = base_url.rstrip("/")
        self.faults = faults or FaultInjector()
        #: Scripted callees per ``(account_sid, number)``.
        self.callees: dict[tuple[str, str], CalleeScript] = {}
        #: What happens to each kind of record after it is created (installed by the app).
        self.lifecycles = Lifecycles()
        self.tasks: set[asyncio.Task[Any]] = set()
        #: The background tasks of each account (a reset by one account stops only its own).
        self.account_tasks: dict[str, set[asyncio.Task[Any]]] = {}
        #: Seconds a request body may take to arrive (see :mod:`..bodies`).
        self.body_timeout = DEFAULT_BODY_TIMEOUT
        #: Real seconds one webhook request may take in all (see :mod:`..webhooks`).
        self.webhook_timeout = DEFAULT_WEBHOOK_TIMEOUT
        self.http: httpx.AsyncClient | None = None
        #: Slots of :data:`WEBHOOK_SLOTS`, one held by each webhook request in flight.
        self.webhook_slots = asyncio.Semaphore(WEBHOOK_SLOTS)
        self.live_calls: dict[str, Any] = {}
        self.conferences: dict[str, Any] = {}
        #: The REST requests received, oldest first: ``(account_sid, method, path, query)``.
        self.request_log: deque[tuple[str | None, str, str, str]] = deque(maxlen=REQUEST_LOG_SIZE)
        #: Cookies of incoming-SMS exchanges per ``(account_sid, From, To)``, with the simulated
        #: time of their last use (in memory only; see :mod:`..messaging.inbound`).
        self.sms_cookies: dict[tuple[str, str, str], tuple[httpx.Cookies, float]] = {}
        #: Settings of an account's seed number (``url``, ``method``, ``sms_url``, ``sms_method``)
        #: applied whenever it is (re-)created; see :meth:`configure_seed_number`.
        self.seed_settings: dict[str, dict[str, str]] = {}

    def callee(self, account_sid: str, number: str) -> CalleeScript:
        """Return the script of the party at ``number`` as the account's calls and texts meet it.

        :param account_sid: the account calling or texting.
        :param number: a normalised number.
        """
        return self.callees.get((account_sid, number)) or CalleeScript.for_number(number)

    async def sleep(self, simulated_seconds: float) -> None:
        """Wait ``simulated_seconds`` of simulated time.

        :param simulated_seconds: seconds on the simulated clock.
        """
        if simulated_seconds > 0:
            await asyncio.sleep(simulated_seconds / self.time_scale)

    def clock(self) -> float:
        """Return the simulated clock in seconds (monotonic, arbitrary origin: only differences count)."""
        return time.monotonic() * self.time_scale

    def begin(self, record: R, *, parent: str = "", extra: dict[str, Any] | None = None) -> R:
        """Store a new record and start its lifecycle (see :mod:`.lifecycle`); return the record.

        :param record: the record, in its first state (queued, in progress, pending).
        :param parent: the SID it is listed under, if any.
        :param extra: its internal state (the URL to fetch, a status callback...).
        """
        return self.lifecycles.begin(self, record, parent=parent, extra=extra)

    def spawn(self, coro: Coroutine[Any, Any, Any], account_sid: str) -> asyncio.Task[Any]:
        """Run ``coro`` as a background task of one account (cancelled at shutdown or its reset).

        :param coro: the coroutine.
        :param account_sid: the account whose call, message... it works on.
        """
        task = asyncio.get_running_loop().create_task(coro)
        self.tasks.add(task)
        owned = self.account_tasks.setdefault(account_sid, set())
        owned.add(task)
        task.add_done_callback(self.tasks.discard)
        task.add_done_callback(owned.discard)
        return task

    async def cancel_account_tasks(self, account_sid: str) -> None:
        """Cancel the background tasks of one account and wait for them to end.

        :param account_sid: the account.
        """
        tasks = list(self.account_tasks.get(account_sid, ()))
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)

    async def startup(self) -> None:
        """Open the outgoing HTTP client (TwiML fetches and callbacks).

        Its own cookie jar accepts nothing: cookies belong to one call (see
        :class:`..telephony.live_call.LiveCall`), never to the emulator as a whole.
        """
        no_cookies = http.cookiejar.CookieJar(policy=http.cookiejar.DefaultCookiePolicy(allowed_domains=[]))
        # Redirects are followed by :func:`..webhooks.send`, which leaves their bodies unread.
        self.http = httpx.AsyncClient(
            follow_redirects=False,
            timeout=httpx.Timeout(self.webhook_timeout),
            cookies=no_cookies,
            # As many kept-alive connections as slots: a fetch never pays for a new connection
            # because the pool closed one that a slot will want again at once.
            limits=httpx.Limits(max_connections=WEBHOOK_SLOTS, max_keepalive_connections=WEBHOOK_SLOTS),
        )

    async def shutdown(self) -> None:
        """Cancel the background tasks and close the HTTP client; the store stays consistent."""
        tasks = list(self.tasks)
        for task in tasks:
            task.cancel()
        if tasks:
            await asyncio.gather(*tasks, return_exceptions=True)
        if self.http is not None:
            await self.http.aclose()
            self.http = None

    def ensure_account(
        self, sid: str, auth_token: str | None, friendly_name: str | None = None, *, seed: bool = False
    ) -> Account:
        """Create the account (with its seed number) unless it exists; return it.

        An existing account keeps its stored token unless another ``auth_token`` is given, in
        which case the new token is stored (restarting with another ``--auth-token`` changes it).

        :param sid: the Account SID.
        :param auth_token: its Auth Token (``None``: keep the stored one, or make one up).
        :param friendly_name: label of a new account.
        :param seed: mark it as an account a server was started with (see :meth:`seed_account`).
        """
        row = self.store.get(Account, sid)
        if row is not None:
            if auth_token is not None and row.record.auth_token != auth_token:
                row = self.store.update(row, auth_token=auth_token)
            if seed and not row.extra.get("seed"):
                row = self.store.update(row, extra={"seed": True})
            return row.record
        auth_token = auth_token or new_auth_token()
        stamp = now()
        account = Account(
            sid=sid,
            friendly_name=friendly_name or "Emulated account",
            status=AccountStatus.ACTIVE,
            status_text="Active",
            date_created=stamp,
            date_updated=stamp,
            auth_token=auth_token,
        )
        self.store.put(account, extra={"seed": True} if seed else {})
        self.create_seed_number(sid)
        return account

    def seed_account(self) -> Account | None:
        """Return the first account a server was started with on this store (else the first one).

        A restart on the same database without ``--account-sid`` reuses it, with its token.
        """
        accounts = self.store.find(Account)
        marked = [row for row in accounts if row.extra.get("seed")]
        chosen = (marked or accounts)[:1]
        return chosen[0].record if chosen else None

    def create_seed_number(self, sid: str) -> None:
        """Give an account its number 5005550006 (with the URLs of :meth:`configure_seed_number`).

        :param sid: the Account SID.
        """
        stamp = now()
        urls = {"url": "", "method": "POST", "sms_url": "", "sms_method": "POST"}
        urls.update(self.seed_settings.get(sid, {}))
        self.store.put(
            IncomingPhoneNumber(
                sid=new_sid("PN"),
                account_sid=sid,
                friendly_name=format_number(SEED_NUMBER),
                phone_number=SEED_NUMBER,
                voice_caller_id_lookup=False,
                date_created=stamp,
                date_updated=stamp,
                **urls,
            ),
            extra={"type": "local"},
        )

    def configure_seed_number(self, account_sid: str, **settings: str) -> None:
        """Set fields of an account's seed number now and whenever it is re-created (reset).

        :param account_sid: the account (it must exist).
        :param settings: ``url``, ``method``, ``sms_url`` and/or ``sms_method``.
        """
        self.seed_settings[account_sid] = {**self.seed_settings.get(account_sid, {}), **settings}
        for row in self.store.find(IncomingPhoneNumber, account_sid):
            if row.record.phone_number == SEED_NUMBER:
                changes: dict[str, Any] = dict(settings)
                self.store.update(row, **changes)

    def authenticate(self, sid: str, token: str) -> Account | None:
        """Return the account for a credential pair, or ``None`` when they do not match.

        :param sid: the Basic username.
        :param token: the Basic password.
        """
        row = self.store.get(Account, sid)
        if row is None or not secrets.compare_digest(row.record.auth_token or "", token):
            return None
        return row.record

    def resource_url(self, path: str) -> str:
        """Return the absolute URL of a path on this server.

        :param path: a path starting with ``/``.
        """
        return self.base_url + path
