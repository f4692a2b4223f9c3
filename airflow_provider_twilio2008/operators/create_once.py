"""Create a call or SMS at most once across a task's tries, and only adopt what this task created.

Airflow 3.3's ``ResumableJobMixin`` stores the external id in ``task_state_store`` *after*
the create, so a worker that dies between the create and the store submits again. Here the
task records an :class:`~airflow_provider_twilio2008.api.reconcile.Intent` *before* each
``POST`` (stamped on the server's clock) and its SID, or that it created nothing, after it.
The rules of :mod:`airflow_provider_twilio2008.api.reconcile` decide; this module applies them:

- an intent with a SID: that record is adopted (fetched again, never re-created);
- an ended intent (the create certainly made nothing), or none: the create is sent now;
- an open intent (the outcome is unknown): the try reconciles at once, and when nothing is
  there yet, waits until the intent's settle time (a create still held somewhere has landed by
  then) and reconciles again: one match is adopted, none means the create is sent now, several
  fail the task (:class:`CannotTellApartError`) with what to check.

Intents are written one create at a time, just before its ``POST`` (at most ``workers`` are
open at once), so a task killed in the middle of a batch leaves only those few to settle.

A create whose answer is lost is reconciled at once in the same try (it has usually landed);
when that finds nothing, the error is raised and the next try waits for the settle time.

On Airflow 3.2, which has no ``task_state_store``, nothing survives between tries: every try
after the first reconciles with a window opening :data:`UNSTORED_SKEW` before the DAG run
started (the scheduler's clock), so a call or SMS with the same values made by another task of
the run may be adopted; the README says so.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from dataclasses import dataclass, replace
from datetime import datetime, timedelta, timezone
from itertools import islice
from typing import TYPE_CHECKING, Any

from airflow.sdk.exceptions import AirflowFailException

from ..api.exchange import DEADLINE_FACTOR
from ..api.reconcile import Intent, created_nothing, hold_seconds, matches
from ..api.records import Call, SmsMessage

if TYPE_CHECKING:
    from ..hooks.twilio2008 import Twilio2008Hook

__all__ = [
    "MAX_SCANNED",
    "UNSTORED_SKEW",
    "CannotTellApartError",
    "Create",
    "CreatedEarlierError",
    "Timing",
    "create_all",
    "timing_for",
]

log = logging.getLogger(__name__)

#: The most records a reconciliation reads before it gives up and fails the task.
MAX_SCANNED = 5000
#: Without a state store (Airflow 3.2): seconds before the DAG run's start a window opens.
UNSTORED_SKEW = 120.0


class CreatedEarlierError(Exception):
    """An earlier try created the call or SMS (its SID is known), but reading it back failed.

    Nothing is created again: the next try reads it again.

    :param intent: the earlier try's intent, with the SID.
    :param error: why reading it back failed.
    """

    def __init__(self, intent: Intent, error: BaseException) -> None:
        self.intent = intent
        self.sid = intent.sid
        self.error = error
        what = "call" if intent.kind == "call" else "SMS"
        super().__init__(
            f"the {what} to {intent.to} was created by an earlier try as {intent.sid}, but reading it "
            f"back failed ({type(error).__name__}: {error}); the next try reads it again and creates "
            "nothing"
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle from the constructor's arguments (the message is derived from them)."""
        return (type(self), (self.intent, self.error))


class CannotTellApartError(AirflowFailException):
    """The create may have been made, and what the API lists cannot say which record (if any) it made.

    Retrying cannot help, so the task fails at once; clearing it (after checking) creates.

    :param intent: the open intent.
    :param why: what was found.
    """

    def __init__(self, intent: Intent, why: str) -> None:
        self.intent = intent
        self.why = why
        log_name = "calls" if intent.kind == "call" else "SMS log"
        super().__init__(
            f"an earlier try of this task may have created the {intent.describe()}, and it cannot be "
            f"told apart ({why}). Check the account's {log_name} for that number: if none of them "
            "was made by this task, clear the task and it creates it; nobody is called or texted "
            "twice by a guess."
        )

    def __reduce__(self) -> tuple[Any, ...]:
        """Pickle from the constructor's arguments."""
        return (type(self), (self.intent, self.why))


@dataclass(frozen=True)
class Timing:
    """How the creates of one task read the server's clock and how long a create may take to land.

    :param now: returns a time the server's clock has certainly reached.
    :param settle: seconds an outcome-unknown create may still take to land (``create_settle``).
    :param hold: seconds after stamping in which the create may be carried out.
    :param sleep: how to wait.
    """

    now: Callable[[], datetime]
    settle: float
    hold: float
    sleep: Callable[[float], None] = time.sleep


def timing_for(hook: Twilio2008Hook) -> Timing:
    """Return the timing of creates made through ``hook`` (its clock and its connection's settings).

    :param hook: the hook that sends the creates.
    """
    config = hook.config
    hold = hold_seconds(config.create_settle, config.timeout, config.retries, DEADLINE_FACTOR)
    return Timing(now=hook.server_now, settle=config.create_settle, hold=hold)


@dataclass
class Create:
    """One create to make at most once.

    :param key: the state-store key of this create (one per recipient).
    :param intent: what is about to be created (not yet stamped).
    :param create: sends the create and returns the record.
    :param fetch: fetches a record by SID.
    :param candidates: lists the records an intent may have created, newest first.
    """

    key: str
    intent: Intent
    create: Callable[[], Any]
    fetch: Callable[[str], Any]
    candidates: Callable[[Intent], Iterable[Call | SmsMessage]]


class _Ledger:
    """Where one task remembers its intents across tries (``task_state_store`` when there is one)."""

    def __init__(self, context: Any) -> None:
        self.store = context.get("task_state_store") if context else None

    def read(self, key: str) -> Intent | None:
        if self.store is None:
            return None
        data = self.store.get(key)
        return Intent.from_json(data) if isinstance(data, dict) else None

    def write(self, key: str, intent: Intent) -> None:
        if self.store is not None:
            self.store.set(key, intent.as_json())


def _fallback_intent(context: Any, intent: Intent, timing: Timing) -> Intent | None:
    """Without a state store, a retry treats the create as possibly made since the DAG run started."""
    ti = context.get("ti") if context else None
    dag_run = context.get("dag_run") if context else None
    if ti is None or getattr(ti, "try_number", 1) <= 1:
        return None
    started = getattr(dag_run, "start_date", None) or getattr(ti, "start_date", None)
    if started is None:
        return None
    opened = started.astimezone(timezone.utc) - timedelta(seconds=UNSTORED_SKEW)
    stamped = intent.stamped(opened, 0)
    return stamped.unsettled_at(timing.now(), timing.settle)


def _reconcile(intent: Intent, candidates: Callable[[Intent], Iterable[Call | SmsMessage]]) -> list[Any]:
    """Return the records matching ``intent``, reading at most :data:`MAX_SCANNED` candidates."""
    seen: list[Call | SmsMessage] = []
    for record in islice(candidates(intent), MAX_SCANNED + 1):
        seen.append(record)
        updated = record.date_updated or record.date_created
        if isinstance(record, Call) and updated is not None and updated < intent.start:
            break  # calls are listed by DateUpdated, newest first: nothing older can match
    if len(seen) > MAX_SCANNED:
        raise CannotTellApartError(intent, f"more than {MAX_SCANNED} records to compare")
    return matches(intent, seen)


def _settle(intent: Intent, timing: Timing) -> None:
    """Wait until a create that may have been sent under ``intent`` has landed or never will."""
    while True:
        left = (intent.settled - timing.now()).total_seconds()
        if left <= 0:
            return
        log.info(
            "The %s may still be on its way: waiting %.0f s (create_settle) before checking, so it "
            "is not sent twice",
            intent.describe(),
            left,
        )
        timing.sleep(min(left, 60.0))


def _earlier(create: Create, earlier: Intent | None, timing: Timing) -> tuple[Any, Intent | None]:
    """Resolve what an earlier try left: ``(record, adopted intent)``, or ``(None, None)``: create now."""
    if earlier is None or earlier.ended or not earlier.same_request(create.intent):
        return None, None
    if earlier.sid:
        log.info("Adopting the %s created by an earlier try: %s", earlier.describe(), earlier.sid)
        try:
            return create.fetch(earlier.sid), None
        except Exception as exc:
            raise CreatedEarlierError(earlier, exc) from exc
    # Look first: a create that landed is adopted at once (a worker that died after its POST
    # costs its retry one listing, not the settle time). Only when nothing is there yet may the
    # create still be on its way, and the try waits for the settle time before looking again.
    found = _reconcile(earlier, create.candidates)
    if not found and earlier.settled > timing.now():
        _settle(earlier, timing)
        found = _reconcile(earlier, create.candidates)
    if len(found) > 1:
        raise CannotTellApartError(earlier, "found " + ", ".join(record.sid for record in found))
    if found:
        log.info("The %s was created by an earlier try as %s: adopting it", earlier.describe(), found[0].sid)
        return found[0], replace(earlier, sid=found[0].sid)
    log.info("The %s of an earlier try was never created: creating it now", earlier.describe())
    return None, None


@dataclass
class _Sent:
    """What one create's request came to: the record, or the error and the intent to keep."""

    record: Any = None
    error: BaseException | None = None
    intent: Intent | None = None


def _send(create: Create, mine: Intent, timing: Timing) -> _Sent:
    """Send the create; when it may have taken effect, look for it at once and adopt a single match."""
    try:
        return _Sent(record=create.create())
    except Exception as exc:
        if created_nothing(exc):
            return _Sent(error=exc, intent=replace(mine, ended=True))
        # Lost answer, a 5xx from in front of the API, or a 2xx that could not be read: the
        # create may have taken effect, or may still.
        kept = mine
        try:
            kept = mine.unsettled_at(timing.now(), timing.settle)
            found = _reconcile(kept, create.candidates)
        except Exception:
            log.warning("Could not check whether the %s took effect; the next try will", mine.describe())
            return _Sent(error=exc, intent=kept)
        if len(found) == 1:
            log.info("The answer to the %s was lost but it took effect: %s", mine.describe(), found[0].sid)
            return _Sent(record=found[0])
        log.warning(
            "The %s may have been created (%s); the next try checks again after %s before creating",
            mine.describe(),
            type(exc).__name__,
            kept.settle_until,
        )
        return _Sent(error=exc, intent=kept)


def create_all(context: Any, creates: list[Create], *, timing: Timing, workers: int = 1) -> list[Any]:
    """Return, for each create, its record or the exception that stopped it; never create twice.

    The state store is only touched from the calling thread (Airflow's supervisor channel is
    the task's own); the requests run on up to ``workers`` threads.

    :param context: the task context (its ``task_state_store``, ``ti`` and ``dag_run`` are used).
    :param creates: what to create.
    :param timing: the server's clock and the settle period.
    :param workers: how many requests run at once.
    """
    ledger = _Ledger(context)
    results: list[Any] = [None] * len(creates)
    if ledger.store is None:
        earlier = [_fallback_intent(context, item.intent, timing) for item in creates]
    else:
        earlier = [ledger.read(item.key) for item in creates]
    workers = max(1, min(workers, len(creates)))
    with ThreadPoolExecutor(max_workers=workers) as pool:
        resolved = list(pool.map(_capture(_earlier), creates, earlier, [timing] * len(creates)))
        for index, (item, outcome) in enumerate(zip(creates, resolved, strict=True)):
            if isinstance(outcome, BaseException):
                results[index] = outcome
                continue
            record, adopted = outcome
            if adopted is not None:
                ledger.write(item.key, adopted)
            if record is not None:
                results[index] = record
        todo = iter([index for index in range(len(creates)) if results[index] is None])
        running: dict[Future[Any], tuple[int, Intent]] = {}

        def submit_next() -> None:
            """Note the next create's intent, then send it (the intent first: a dying worker leaves it)."""
            index = next(todo, None)
            if index is not None:
                mine = creates[index].intent.stamped(timing.now(), timing.hold)
                ledger.write(creates[index].key, mine)
                running[pool.submit(_capture(_send), creates[index], mine, timing)] = (index, mine)

        # Only the creates being sent have an open intent: a task killed mid-batch leaves its
        # retry at most ``workers`` creates to wait for, the rest are simply sent.
        for _ in range(workers):
            submit_next()
        while running:
            done, _ = wait(running, return_when=FIRST_COMPLETED)
            for future in done:
                index, mine = running.pop(future)
                outcome = future.result()
                if isinstance(outcome, BaseException):
                    results[index] = outcome
                elif outcome.error is not None:
                    results[index] = outcome.error
                    if outcome.intent is not None:
                        ledger.write(creates[index].key, outcome.intent)
                else:
                    results[index] = outcome.record
                    ledger.write(creates[index].key, replace(mine, sid=outcome.record.sid))
                submit_next()
    return results


def _capture(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``function`` so that an exception is returned rather than raised."""

    def call(*args: Any) -> Any:
        try:
            return function(*args)
        except Exception as exc:
            return exc

    return call
