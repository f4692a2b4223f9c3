"""The emulator with 10,000 calls in flight: does its REST API still answer as when idle?

The emulator runs in its own process, in real time. Eight threads create calls whose TwiML
(``/twiml/pause?length=3600``) holds them up for an hour; every call fetches that TwiML six
seconds after its create, so the fetches come in bursts. The baseline, measured first in the
same process, is the same single GET with no call in flight; the ratio says what 10,000 calls
in flight cost a GET. Also printed: the creates' latency while the calls pile up, how many
calls failed (a failed TwiML fetch ends a call with status 4), and the emulator's memory.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import requests

from airflow_provider_twilio2008.api.records import Call
from airflow_provider_twilio2008.api.xml import parse_page
from airflow_provider_twilio2008.emulator.banner import CONN_ENV
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from airflow_provider_twilio2008.testing.process import start_emulator_process

CALLS = 10_000
CREATORS = 8
PROBE_SECONDS = 3.0


def _quantiles(samples: list[float]) -> tuple[float, float]:
    """Return the p50 and p99 of ``samples``, in milliseconds."""
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


def _rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def _probe(session: requests.Session, url: str) -> list[float]:
    """Return the latencies of back-to-back GETs of ``url`` for :data:`PROBE_SECONDS`."""
    samples = []
    end = time.monotonic() + PROBE_SECONDS
    while time.monotonic() < end:
        started = time.perf_counter()
        assert session.get(url, timeout=30).status_code == 200
        samples.append(time.perf_counter() - started)
    return samples


def _count(session: requests.Session, root: str, status: int) -> int:
    return parse_page(
        session.get(f"{root}/Calls", params={"Status": status, "num": 1}, timeout=60).content, Call
    ).total


def main() -> None:
    """Print the in-flight table."""
    process, uri = start_emulator_process(time_scale=1.0)
    try:
        os.environ[CONN_ENV] = uri
        config = Twilio2008Hook(retries=0).config
        root = f"{config.base_url}/2008-08-01/Accounts/{config.account_sid}"
        session = requests.Session()
        session.auth = (config.account_sid, config.auth_token)
        hold = f"{config.base_url}/twiml/pause?length=3600"
        first = session.post(
            f"{root}/Calls", data={"Caller": "5005550006", "Called": "4155550000", "Url": hold}, timeout=30
        )
        sid = first.text.split("<Sid>", 1)[1].split("<", 1)[0]
        idle = _probe(session, f"{root}/Calls/{sid}")
        idle_rss = _rss_mib(process.pid)

        numbers: Iterator[int] = iter(range(1, CALLS))
        creates: list[float] = []
        refused: list[int] = []

        def create() -> None:
            own = requests.Session()
            own.auth = session.auth
            for index in numbers:
                started = time.perf_counter()
                answer = own.post(
                    f"{root}/Calls",
                    data={"Caller": "5005550006", "Called": f"415{index:07d}", "Url": hold},
                    timeout=60,
                )
                creates.append(time.perf_counter() - started)
                if answer.status_code != 201:
                    refused.append(answer.status_code)

        creators = [threading.Thread(target=create) for _ in range(CREATORS)]
        started = time.perf_counter()
        for creator in creators:
            creator.start()
        for creator in creators:
            creator.join()
        created_in = time.perf_counter() - started
        while _count(session, root, 0):  # until every call has fetched its TwiML
            time.sleep(1)
        busy = _probe(session, f"{root}/Calls/{sid}")
        in_progress, failed = _count(session, root, 1), _count(session, root, 4)
        busy_rss = _rss_mib(process.pid)
    finally:
        process.terminate()
        process.wait(timeout=30)
    idle_p50, idle_p99 = _quantiles(idle)
    busy_p50, busy_p99 = _quantiles(busy)
    create_p50, create_p99 = _quantiles(creates)
    print()
    print(f"Emulator with {CALLS:,} calls in flight (separate process, real time, {CREATORS} creators)")
    print(f"{'workload':<40}{'idle ms':>9}{'busy ms':>9}{'ratio':>8}")
    print(f"{'single GET p50':<40}{idle_p50:>9.2f}{busy_p50:>9.2f}{busy_p50 / idle_p50:>8.2f}")
    print(f"{'single GET p99':<40}{idle_p99:>9.2f}{busy_p99:>9.2f}{busy_p99 / idle_p99:>8.2f}")
    print(
        f"creates: {len(creates):,} in {created_in:.1f} s, p50 {create_p50:.1f} ms, p99 {create_p99:.1f} ms,"
        f" {len(refused)} refused; calls in progress {in_progress:,}, failed {failed:,};"
        f" RSS {idle_rss:.0f} MiB idle, {busy_rss:.0f} MiB with the calls"
    )
