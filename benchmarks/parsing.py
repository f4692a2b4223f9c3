"""Parsing a 1000-call page: our hardened, typed reader against plain stdlib ElementTree.

The baseline reads the same document into dicts of strings with ``xml.etree.ElementTree``
(no hardening, no types); the ratio says what safety and typing cost per page.
"""

from __future__ import annotations

import statistics
import time
import tracemalloc
import xml.etree.ElementTree as ElementTree
from collections.abc import Callable
from decimal import Decimal

import pendulum

from airflow_provider_twilio2008.api import xml
from airflow_provider_twilio2008.api.records import Call, CallFlags, CallStatus, Page

ITEMS = 1000
REPEATS = 15


def sample_page() -> bytes:
    """Return a realistic 1000-call TwilioResponse document."""
    start = pendulum.datetime(2009, 11, 6, 10, 2, 11, tz="America/Los_Angeles")
    calls = tuple(
        Call(
            sid=f"CA{n:032x}",
            date_created=start.add(minutes=n),
            date_updated=start.add(minutes=n, seconds=90),
            account_sid="AC" + "a" * 32,
            called="4155550134",
            caller="5005550006",
            phone_number_sid="PN" + "b" * 32,
            status=CallStatus.COMPLETED,
            start_time=start.add(minutes=n, seconds=4),
            end_time=start.add(minutes=n, seconds=90),
            duration=86,
            price=Decimal("-0.06000"),
            flags=CallFlags.API,
        )
        for n in range(ITEMS)
    )
    return xml.render_page(Page(calls, 0, 1, ITEMS, ITEMS, 0, ITEMS - 1), Call)


def baseline(body: bytes) -> list[dict[str, str]]:
    """Read the page with stdlib ElementTree into dicts of strings (no hardening, no types)."""
    root = ElementTree.fromstring(body)
    return [{child.tag: child.text or "" for child in call} for call in root.iter("Call")]


def ours(body: bytes) -> Page[Call]:
    """Read the page with the provider's reader into typed records."""
    return xml.parse_page(body, Call)


def _time(function: Callable[[bytes], object], body: bytes) -> float:
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        function(body)
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _peak(function: Callable[[bytes], object], body: bytes) -> int:
    tracemalloc.start()
    result = function(body)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    del result
    return peak


def main() -> None:
    """Print the parsing table."""
    body = sample_page()
    base_time, our_time = _time(baseline, body), _time(ours, body)
    base_peak, our_peak = _peak(baseline, body), _peak(ours, body)
    print(f"Parsing one {ITEMS}-call page ({len(body) / 1024:.0f} KiB), median of {REPEATS} runs")
    print(f"{'reader':<44}{'ms/page':>10}{'peak MiB':>10}{'time ratio':>12}{'mem ratio':>11}")
    print(
        f"{'baseline: stdlib ElementTree -> dicts':<44}{base_time * 1000:>10.1f}{base_peak / 2**20:>10.1f}"
        f"{1.0:>12.2f}{1.0:>11.2f}"
    )
    print(
        f"{'ours: hardened lxml -> typed records':<44}{our_time * 1000:>10.1f}{our_peak / 2**20:>10.1f}"
        f"{our_time / base_time:>12.2f}{our_peak / base_peak:>11.2f}"
    )
