"""Many deferred call waits in one event loop, as a triggerer runs them: what they cost per interval.

The emulator (:mod:`.held_calls`) holds 10,000 calls in progress. In this process, one event loop
runs ``CallCompletedTrigger.run()`` for 1,000 and then for 10,000 of them, as a triggerer does
(the triggers share the account's poller, :mod:`airflow_provider_twilio2008.triggers.poller`),
for :data:`ROUNDS` poll intervals after the first. Counted: the REST requests the emulator
received per interval, the CPU this process used (a fraction of one core over the wall time)
and the memory the waits added (resident set). The baseline, measured side by side against the
same emulator, is one ``GET Calls/{CallSid}`` per waiter per interval (an async client, 100
connections): what each trigger polling on its own would cost.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass

import httpx

from airflow_provider_twilio2008.triggers.calls import CallCompletedTrigger
from benchmarks.held_calls import Emulator, emulator, rss_mib

CALLS = 10_000
WAITS = (1_000, 10_000)
#: The triggers' poll interval (seconds): shorter than a sensor's default of 60, so the CPU
#: figure is a pessimistic one.
INTERVAL = 10.0
ROUNDS = 2


@dataclass(frozen=True)
class Cost:
    """What waiting cost per poll interval.

    :param requests: REST requests the emulator received per interval.
    :param cpu: this process's CPU time over the wall time (1.0 is one core).
    :param mib: resident memory added, in MiB.
    """

    requests: float
    cpu: float
    mib: float


async def _ours(emu: Emulator, sids: list[str]) -> Cost:
    """Run a trigger per SID in this loop for :data:`ROUNDS` intervals."""
    triggers = [
        CallCompletedTrigger(
            call_sid=sid, failed_statuses=[], twilio_conn_id="twilio2008_default", poll_interval=INTERVAL
        )
        for sid in sids
    ]
    rss = rss_mib()
    waits = [asyncio.ensure_future(anext(trigger.run())) for trigger in triggers]
    await asyncio.sleep(INTERVAL)  # the first round, and the waits settling in
    cpu, started = time.process_time(), time.monotonic()
    emu.control("DELETE", "requests")
    await asyncio.sleep(INTERVAL * ROUNDS)
    cost = Cost(
        requests=emu.control("GET", "requests")["count"] / ROUNDS,
        cpu=(time.process_time() - cpu) / (time.monotonic() - started),
        mib=rss_mib() - rss,
    )
    assert not any(wait.done() for wait in waits), "a wait on a call in progress ended"
    for wait in waits:
        wait.cancel()
    await asyncio.gather(*waits, return_exceptions=True)
    return cost


async def _baseline(emu: Emulator, sids: list[str]) -> Cost:
    """Send one GET per SID, as one interval of triggers polling each on its own would."""
    rss, cpu, started = rss_mib(), time.process_time(), time.monotonic()
    emu.control("DELETE", "requests")
    limits = httpx.Limits(max_connections=100, max_keepalive_connections=100)
    slots = asyncio.Semaphore(100)  # httpcore's pool is quadratic in the requests waiting on it

    async def get(client: httpx.AsyncClient, sid: str) -> httpx.Response:
        async with slots:
            return await client.get(f"{emu.root}/Calls/{sid}")

    async with httpx.AsyncClient(auth=emu.session.auth, limits=limits, timeout=60) as client:  # type: ignore[arg-type]
        answers = await asyncio.gather(*(get(client, sid) for sid in sids))
    assert all(answer.status_code == 200 for answer in answers)
    busy = time.process_time() - cpu
    return Cost(
        requests=emu.control("GET", "requests")["count"],
        cpu=busy / max(INTERVAL, time.monotonic() - started),
        mib=rss_mib() - rss,
    )


def main() -> None:
    """Print the waits table."""
    with emulator() as emu:
        emu.hold(CALLS)
        rows = []
        for count in WAITS:
            sids = emu.sids[-count:]
            rows.append((count, asyncio.run(_baseline(emu, sids)), asyncio.run(_ours(emu, sids))))
    print()
    print(
        f"Deferred call waits in one event loop, {CALLS:,} calls in progress,"
        f" {INTERVAL:g} s interval ({ROUNDS} rounds)"
    )
    print(f"{'waits':<10}{'requests/interval':>30}{'CPU (of a core)':>26}{'memory MiB':>22}")
    print(
        f"{'':<10}{'base':>10}{'ours':>10}{'ratio':>10}{'base':>9}{'ours':>9}{'ratio':>8}{'base':>8}{'ours':>8}"
    )
    for count, base, ours in rows:
        print(
            f"{count:<10,}{base.requests:>10,.0f}{ours.requests:>10,.1f}"
            f"{ours.requests / base.requests:>10.4f}"
            f"{base.cpu:>9.1%}{ours.cpu:>9.1%}{ours.cpu / base.cpu:>8.2f}{base.mib:>8.0f}{ours.mib:>8.0f}"
        )
