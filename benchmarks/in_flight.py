"""The emulator with 10,000 calls in flight: does its REST API still answer as when idle?

The baseline, measured first in the same emulator process, is the same single GET with one call
in flight; the ratio says what 10,000 calls in flight cost a GET. Also printed: the creates'
latency while the calls pile up, how many calls failed (a failed TwiML fetch ends a call with
status 4), and the emulator's memory. See :mod:`.held_calls` for how the calls are held up.
"""

from __future__ import annotations

import time

import requests

from benchmarks.held_calls import emulator, quantiles, rss_mib

CALLS = 10_000
PROBE_SECONDS = 3.0


def _probe(session: requests.Session, url: str) -> list[float]:
    """Return the latencies of back-to-back GETs of ``url`` for :data:`PROBE_SECONDS`."""
    samples = []
    end = time.monotonic() + PROBE_SECONDS
    while time.monotonic() < end:
        started = time.perf_counter()
        assert session.get(url, timeout=30).status_code == 200
        samples.append(time.perf_counter() - started)
    return samples


def main() -> None:
    """Print the in-flight table."""
    with emulator() as emu:
        emu.hold(1)
        probe = f"{emu.root}/Calls/{emu.sids[0]}"
        idle, idle_rss = _probe(emu.session, probe), rss_mib(emu.pid)
        created_in = emu.hold(CALLS - 1)
        busy, busy_rss = _probe(emu.session, probe), rss_mib(emu.pid)
        in_progress, failed = emu.count(1), emu.count(4)
    (idle_p50, idle_p99), (busy_p50, busy_p99) = quantiles(idle), quantiles(busy)
    create_p50, create_p99 = quantiles(emu.creates)
    print()
    print(f"Emulator with {CALLS:,} calls in flight (separate process, real time)")
    print(f"{'workload':<40}{'1 call ms':>10}{'10k ms':>9}{'ratio':>8}")
    print(f"{'single GET p50':<40}{idle_p50:>10.2f}{busy_p50:>9.2f}{busy_p50 / idle_p50:>8.2f}")
    print(f"{'single GET p99':<40}{idle_p99:>10.2f}{busy_p99:>9.2f}{busy_p99 / idle_p99:>8.2f}")
    print(
        f"creates: {len(emu.creates):,} in {created_in:.1f} s,"
        f" p50 {create_p50:.1f} ms, p99 {create_p99:.1f} ms,"
        f" {len(emu.refused)} refused; calls in progress {in_progress:,}, failed {failed:,};"
        f" RSS {idle_rss:.0f} MiB with 1 call, {busy_rss:.0f} MiB with {CALLS:,}"
    )
