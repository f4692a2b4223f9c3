"""The hook against a live emulator: typed, validated, retrying calls versus raw ``requests``.

The emulator runs in its own process. The baseline sends the same requests with a bare
``requests.Session`` and reads no body; the ratio says what validation, parsing into records
and the retry wrapper cost per request.
"""

from __future__ import annotations

import os
import statistics
import time
import tracemalloc
from collections.abc import Callable

import requests

from airflow_provider_twilio2008.emulator.banner import CONN_ENV
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from airflow_provider_twilio2008.testing.process import start_emulator_process

GETS = 300
MESSAGES = 500
PAGE = 50
ROUNDS = 5


def _best(function: Callable[[], object]) -> float:
    samples = []
    for _ in range(ROUNDS):
        started = time.perf_counter()
        function()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples)


def _peak(function: Callable[[], object]) -> int:
    tracemalloc.start()
    function()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return peak


def main() -> None:
    """Print the transport table."""
    process, uri = start_emulator_process(time_scale=1000)
    try:
        os.environ[CONN_ENV] = uri
        hook = Twilio2008Hook(retries=0)
        root = f"{hook.config.base_url}/2008-08-01/Accounts/{hook.account_sid}"
        raw = requests.Session()
        raw.auth = (hook.account_sid, hook.config.auth_token)
        for n in range(MESSAGES):
            raw.post(f"{root}/SMS/Messages", data={"From": "5005550006", "To": "4155550134", "Body": f"m{n}"})
        sms_sid = hook.send_sms("4155550134", "probe").sid

        def raw_gets() -> None:
            for _ in range(GETS):
                assert raw.get(f"{root}/SMS/Messages/{sms_sid}").content

        def hook_gets() -> None:
            for _ in range(GETS):
                hook.get_sms(sms_sid)

        def raw_listing() -> None:
            for page in range((MESSAGES + PAGE) // PAGE + 1):
                assert raw.get(f"{root}/SMS/Messages", params={"num": PAGE, "Page": page}).content

        def hook_listing() -> None:
            assert sum(1 for _ in hook.list_sms(page_size=PAGE)) == MESSAGES + 1

        rows = [
            (
                f"{GETS} single GETs (get_sms)",
                _best(raw_gets),
                _best(hook_gets),
                _peak(raw_gets),
                _peak(hook_gets),
            ),
            (
                f"list {MESSAGES + 1} SMS, {PAGE} per page",
                _best(raw_listing),
                _best(hook_listing),
                _peak(raw_listing),
                _peak(hook_listing),
            ),
        ]
    finally:
        process.terminate()
        process.wait(timeout=10)
    print()
    print(f"Hook against a live emulator (separate process), median of {ROUNDS} rounds")
    print(
        f"{'workload':<34}{'raw ms':>9}{'hook ms':>9}{'time ratio':>12}"
        f"{'raw MiB':>9}{'hook MiB':>10}{'mem ratio':>11}"
    )
    for name, base, ours, base_peak, our_peak in rows:
        print(
            f"{name:<34}{base * 1000:>9.0f}{ours * 1000:>9.0f}{ours / base:>12.2f}"
            f"{base_peak / 2**20:>9.2f}{our_peak / 2**20:>10.2f}{our_peak / base_peak:>11.2f}"
        )
