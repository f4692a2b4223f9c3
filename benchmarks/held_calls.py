"""An emulator in its own process, in real time, holding many calls up: what the load rows share.

Eight threads create calls whose TwiML (``/twiml/pause?length=3600``) holds them up for an
hour; every call fetches that TwiML six seconds after its create, so the fetches come in bursts.
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import requests

from airflow_provider_twilio2008.api.records import Call
from airflow_provider_twilio2008.api.xml import parse_page, parse_record
from airflow_provider_twilio2008.emulator.banner import CONN_ENV
from airflow_provider_twilio2008.hooks.twilio2008 import Twilio2008Hook
from airflow_provider_twilio2008.testing.process import start_emulator_process

CREATORS = 8


def quantiles(samples: list[float]) -> tuple[float, float]:
    """Return the p50 and p99 of ``samples`` (seconds), in milliseconds.

    :param samples: the latencies.
    """
    cuts = statistics.quantiles(samples, n=100)
    return cuts[49] * 1000, cuts[98] * 1000


def rss_mib(pid: int | None = None) -> float:
    """Return a process's resident memory in MiB (this process's by default).

    :param pid: the process.
    """
    for line in Path(f"/proc/{pid or 'self'}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Emulator:
    """The running emulator: its REST root, an authenticated session, and the calls it holds.

    :param pid: the emulator's process.
    :param base_url: its address.
    :param root: the account's REST root.
    :param session: a session with the account's credentials.
    """

    pid: int
    base_url: str
    root: str
    session: requests.Session
    sids: list[str] = field(default_factory=list)
    creates: list[float] = field(default_factory=list)
    refused: list[int] = field(default_factory=list)

    def count(self, status: int) -> int:
        """Return how many of the account's calls are in ``status``.

        :param status: the call status (0-5).
        """
        answer = self.session.get(f"{self.root}/Calls", params={"Status": status, "num": 1}, timeout=60)
        return parse_page(answer.content, Call).total

    def control(self, method: str, path: str) -> Any:
        """Call the control plane (``/_emulator/<path>``) and return its JSON.

        :param method: the HTTP method.
        :param path: the path under ``/_emulator/``.
        """
        answer = self.session.request(method, f"{self.base_url}/_emulator/{path}", timeout=60)
        answer.raise_for_status()
        return answer.json() if answer.content else None

    def hold(self, calls: int) -> float:
        """Create ``calls`` held calls with :data:`CREATORS` threads; return the seconds it took.

        Returns once every call has fetched its TwiML (none is queued any more).

        :param calls: how many.
        """
        numbers: Iterator[int] = iter(range(len(self.sids), len(self.sids) + calls))
        hold = f"{self.base_url}/twiml/pause?length=3600"
        lock = threading.Lock()

        def create() -> None:
            own = requests.Session()
            own.auth = self.session.auth
            for index in numbers:
                started = time.perf_counter()
                data = {"Caller": "5005550006", "Called": f"415{index:07d}", "Url": hold}
                answer = own.post(f"{self.root}/Calls", data=data, timeout=60)
                with lock:
                    self.creates.append(time.perf_counter() - started)
                    if answer.status_code == 201:
                        self.sids.append(parse_record(answer.content, Call).sid)
                    else:
                        self.refused.append(answer.status_code)

        creators = [threading.Thread(target=create) for _ in range(CREATORS)]
        started = time.perf_counter()
        for creator in creators:
            creator.start()
        for creator in creators:
            creator.join()
        took = time.perf_counter() - started
        deadline = time.monotonic() + 300
        while self.count(0):
            if time.monotonic() > deadline:
                raise TimeoutError(f"{self.count(0)} calls still queued 300 s after their creates")
            time.sleep(1)
        return took


@contextmanager
def emulator() -> Iterator[Emulator]:
    """Run an emulator process in real time and yield it; it is stopped on exit."""
    process, uri = start_emulator_process(time_scale=1.0)
    try:
        os.environ[CONN_ENV] = uri
        config = Twilio2008Hook(retries=0).config
        session = requests.Session()
        session.auth = (config.account_sid, config.auth_token)
        root = f"{config.base_url}/2008-08-01/Accounts/{config.account_sid}"
        yield Emulator(process.pid, config.base_url, root, session)
    finally:
        process.terminate()
        process.wait(timeout=30)
