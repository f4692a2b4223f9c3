"""Create a call or SMS at most once across a task's tries, even if a worker dies mid-create.

Airflow 3.3's ``ResumableJobMixin`` stores the external id in ``task_state_store`` *after*
the create, so a worker that dies between the create and the store submits again. Here the
task records an :class:`~airflow_provider_twilio2008.api.reconcile.Intent` *before* the
``POST`` and its SID after it. A later try that finds:

- an intent with a SID adopts that call or message (fetched again, never re-created);
- an intent without a SID reconciles against the API (see
  :mod:`airflow_provider_twilio2008.api.reconcile`): one match is adopted, none means the
  earlier try created nothing, several fail the task with what to check.

A create whose answer was lost (``Twilio2008OutcomeUnknownError``, or an unreadable 2xx) is
reconciled at once in the same try; when that cannot decide, the error is raised and the next
try reconciles again.

On Airflow 3.2, which has no ``task_state_store``, nothing survives between tries, so every
try after the first reconciles against the API with the window opening when the DAG run
started: a call or SMS with the same numbers (and body) created since then is adopted if it is
the only one, and the task fails rather than guess when there are several.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from datetime import datetime, timezone
from itertools import islice
from typing import Any

from ..api.errors import Twilio2008OutcomeUnknownError, Twilio2008ResponseError
from ..api.reconcile import CLOCK_SKEW, DEFAULT_WINDOW, Intent, matches, window_start
from ..api.records import Call, SmsMessage

__all__ = ["MAX_SCANNED", "Create", "CreatedEarlierError", "create_all", "may_have_taken_effect"]

log = logging.getLogger(__name__)

#: The most records a reconciliation reads before it gives up and fails the task.
MAX_SCANNED = 5000


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


def may_have_taken_effect(error: BaseException) -> bool:
    """Return whether a create that failed with ``error`` may nevertheless have created its record.

    True for a lost answer (:class:`~..api.errors.Twilio2008OutcomeUnknownError`) and an
    unreadable one (:class:`~..api.errors.Twilio2008ResponseError`), the failures
    :func:`create_all` reconciles; an error answer, a refused connection or bad input created
    nothing.

    :param error: what a create raised.
    """
    return isinstance(error, Twilio2008OutcomeUnknownError | Twilio2008ResponseError)


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


def _fallback_intent(context: Any, intent: Intent) -> Intent | None:
    """Without a state store, a retry reconciles from the start of the DAG run (Airflow 3.2)."""
    ti = context.get("ti") if context else None
    dag_run = context.get("dag_run") if context else None
    if ti is None or getattr(ti, "try_number", 1) <= 1:
        return None
    started = getattr(dag_run, "start_date", None) or getattr(ti, "start_date", None)
    if started is None:
        return None
    return replace(intent, created_after=started.astimezone(timezone.utc).isoformat())


def _reconcile(intent: Intent, candidates: Callable[[Intent], Iterable[Call | SmsMessage]]) -> list[Any]:
    """Return the records matching ``intent``, reading at most :data:`MAX_SCANNED` candidates."""
    earliest = window_start(intent)
    now = datetime.now(timezone.utc)
    window = max(DEFAULT_WINDOW, (now - intent.started).total_seconds() + CLOCK_SKEW)
    seen: list[Call | SmsMessage] = []
    for record in islice(candidates(intent), MAX_SCANNED + 1):
        seen.append(record)
        updated = record.date_updated or record.date_created
        if isinstance(record, Call) and updated is not None and updated < earliest:
            break  # calls are listed by DateUpdated, newest first: nothing older can match
    if len(seen) > MAX_SCANNED:
        raise _unsure(intent, f"more than {MAX_SCANNED} records to compare")
    return matches(intent, seen, window=window)


def _unsure(intent: Intent, why: str) -> Exception:
    from airflow.sdk.exceptions import AirflowFailException

    return AirflowFailException(
        f"an earlier try of this task may already have created the {intent.describe()}, and it cannot "
        f"be told apart ({why}). Check the account's {'calls' if intent.kind == 'call' else 'SMS log'} "
        "for that number; clear the task only if none was created by it, so nobody is called or "
        "texted twice."
    )


@dataclass
class Create:
    """One create to make at most once.

    :param key: the state-store key of this create (one per recipient).
    :param intent: what is about to be created (``created_after`` is set when it is sent).
    :param create: sends the create and returns the record.
    :param fetch: fetches a record by SID.
    :param candidates: lists the records an intent may have created, newest first.
    """

    key: str
    intent: Intent
    create: Callable[[], Any]
    fetch: Callable[[str], Any]
    candidates: Callable[[Intent], Iterable[Call | SmsMessage]]


def _earlier(create: Create, earlier: Intent | None) -> tuple[Any, Intent | None]:
    """Resolve what an earlier try left: ``(record, None)`` adopted, ``(None, None)`` create now."""
    if earlier is None or (earlier.kind, earlier.to, earlier.from_, earlier.body) != (
        create.intent.kind,
        create.intent.to,
        create.intent.from_,
        create.intent.body,
    ):
        return None, None
    if earlier.sid:
        log.info("Adopting %s created by an earlier try: %s", earlier.kind, earlier.sid)
        try:
            return create.fetch(earlier.sid), None
        except Exception as exc:
            raise CreatedEarlierError(earlier, exc) from exc
    found = _reconcile(earlier, create.candidates)
    if len(found) > 1:
        raise _unsure(earlier, "found " + ", ".join(record.sid for record in found))
    if found:
        log.info("An earlier try created %s %s; adopting it", earlier.kind, found[0].sid)
        return found[0], replace(earlier, sid=found[0].sid)
    log.info("No %s from an earlier try was found; creating it now", earlier.kind)
    return None, None


def _send(create: Create, mine: Intent) -> Any:
    """Send the create; when its answer is lost, look for it at once and adopt a single match."""
    try:
        return create.create()
    except Exception as exc:
        if not may_have_taken_effect(exc):
            raise
        # Lost answer, or a 2xx whose body could not be read: either way it may have taken effect.
        try:
            found = _reconcile(mine, create.candidates)
        except Exception:
            log.warning("Could not check whether the lost create took effect; the next try will")
            raise exc from None
        if len(found) != 1:
            raise
        log.info("The create's answer was lost but it took effect: adopting %s", found[0].sid)
        return found[0]


def create_all(context: Any, creates: list[Create], *, workers: int = 1) -> list[Any]:
    """Return, for each create, its record or the exception that stopped it; never create twice.

    The state store is only touched from the calling thread (Airflow's supervisor channel is
    the task's own); the requests run on up to ``workers`` threads.

    :param context: the task context (its ``task_state_store``, ``ti`` and ``dag_run`` are used).
    :param creates: what to create.
    :param workers: how many requests run at once.
    """
    ledger = _Ledger(context)
    results: list[Any] = [None] * len(creates)
    earlier = [ledger.read(item.key) for item in creates]
    if ledger.store is None:
        earlier = [_fallback_intent(context, item.intent) for item in creates]
    with ThreadPoolExecutor(max_workers=max(1, min(workers, len(creates)))) as pool:
        resolved = list(pool.map(_capture(_earlier), creates, earlier))
        pending: list[tuple[int, Intent]] = []
        for index, (item, outcome) in enumerate(zip(creates, resolved, strict=True)):
            if isinstance(outcome, BaseException):
                results[index] = outcome
                continue
            record, adopted = outcome
            if adopted is not None:
                ledger.write(item.key, adopted)
            if record is not None:
                results[index] = record
                continue
            mine = replace(item.intent, created_after=datetime.now(timezone.utc).isoformat(), sid=None)
            ledger.write(item.key, mine)  # before the POST: a dying worker leaves this behind
            pending.append((index, mine))
        sent = list(pool.map(_capture(_send), [creates[i] for i, _ in pending], [m for _, m in pending]))
    for (index, mine), outcome in zip(pending, sent, strict=True):
        results[index] = outcome
        if not isinstance(outcome, BaseException):
            ledger.write(creates[index].key, replace(mine, sid=outcome.sid))
    return results


def _capture(function: Callable[..., Any]) -> Callable[..., Any]:
    """Wrap ``function`` so that an exception is returned rather than raised."""

    def call(*args: Any) -> Any:
        try:
            return function(*args)
        except Exception as exc:
            return exc

    return call
