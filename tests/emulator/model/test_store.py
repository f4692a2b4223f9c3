"""Durability: writers keep creating SMS and calls while the emulator process is SIGKILLed and restarted.

The emulator runs as the real CLI process on a ``--db`` file and a fixed port. Writer threads
POST SMS and calls over REST without pause (never retrying: a write whose answer is lost stays
unknown); the process is killed with SIGKILL several times and restarted on the same file and
port, without ``--account-sid``/``--auth-token`` (it must serve the stored account). After the
last restart, every write that got a 201 must be there (fetched one by one), none twice, and
nothing must exist that no writer sent.
"""

from __future__ import annotations

import re
import signal
import socket
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest
import requests

from airflow_provider_twilio2008.api.records import Call, SmsMessage
from airflow_provider_twilio2008.api.xml import parse_page, parse_record
from tests.emulator.helpers import wait_for

KILLS = 4
SECONDS_BETWEEN_KILLS = 1.0
WRITERS = 4
SEED = "5005550006"


def free_port() -> int:
    """Return a port that was free a moment ago."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Emulator:
    """One emulator CLI process and what its banner said."""

    process: subprocess.Popen[str]
    lines: list[str]

    @property
    def credentials(self) -> tuple[str, str]:
        """Return ``(account_sid, auth_token)`` read from the connection line."""
        found = re.search(r"//(AC[0-9a-f]{32}):([0-9a-f]{32})@", self.lines[-1])
        assert found, self.lines
        return found.group(1), found.group(2)


def start(db: Path, port: int) -> Emulator:
    """Start the CLI on ``db`` and ``port``; return once its connection line is printed."""
    process = subprocess.Popen(
        [sys.executable, "-m", "airflow_provider_twilio2008.emulator", "--port", str(port), "--db", str(db)]
        + ["--time-scale", "50"],
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
        text=True,
    )
    assert process.stdout is not None
    lines: list[str] = []
    while not lines or not lines[-1].startswith("AIRFLOW_CONN_"):
        line = process.stdout.readline()
        assert line, f"the emulator exited with {process.wait()}"
        lines.append(line.strip())
    return Emulator(process, lines)


@dataclass
class Ledger:
    """What the writers sent and what was acknowledged, shared between threads."""

    lock: threading.Lock = field(default_factory=threading.Lock)
    attempted: list[tuple[str, str]] = field(default_factory=list)
    acknowledged: list[tuple[str, str, str]] = field(default_factory=list)
    unknown: int = 0
    refused: list[str] = field(default_factory=list)


def writer(number: int, root: str, auth: tuple[str, str], ledger: Ledger, stop: threading.Event) -> None:
    """POST SMS and calls (alternately), each with a unique key, until ``stop``; record every outcome."""
    session = requests.Session()
    session.auth = auth
    sequence = 0
    while not stop.is_set():
        sequence += 1
        key = f"{number}{sequence:04d}"
        kind = "sms" if sequence % 2 else "call"
        if kind == "sms":
            path, data = "SMS/Messages", {"From": SEED, "To": "4155550100", "Body": f"w-{key}"}
        else:  # the unique key is the called number: 41555 + 5 digits
            path, data = "Calls", {"Caller": SEED, "Called": f"41555{key}", "Url": f"{root}/twiml/hangup"}
        with ledger.lock:
            ledger.attempted.append((kind, key))
        try:
            response = session.post(f"{root}/2008-08-01/Accounts/{auth[0]}/{path}", data=data, timeout=5)
        except requests.RequestException:
            with ledger.lock:
                ledger.unknown += 1
            session.close()
            time.sleep(0.02)
            continue
        if response.status_code != 201:
            with ledger.lock:
                ledger.refused.append(f"{response.status_code} {response.text[:200]}")
            continue
        record_type = SmsMessage if kind == "sms" else Call
        sid = parse_record(response.content, record_type).sid  # type: ignore[attr-defined]
        with ledger.lock:
            ledger.acknowledged.append((kind, key, sid))


def list_all(session: requests.Session, url: str, record_type: Any) -> list[Any]:
    """Return every item of a list resource, page by page (1000 per page)."""
    items: list[Any] = []
    page = 0
    while True:
        response = session.get(url, params={"num": 1000, "Page": page}, timeout=30)
        assert response.status_code == 200, response.text
        parsed = parse_page(response.content, record_type)
        items.extend(parsed.items)
        page += 1
        if page >= parsed.num_pages:
            return items


@pytest.fixture
def processes() -> Iterator[list[Emulator]]:
    """Emulator processes started by the test, killed after it if still running."""
    started: list[Emulator] = []
    yield started
    for emulator in started:
        if emulator.process.poll() is None:
            emulator.process.kill()
        emulator.process.wait()


def test_no_acknowledged_write_is_lost_or_duplicated_across_sigkills(
    tmp_path: Path, processes: list[Emulator]
) -> None:
    db, port = tmp_path / "durable.db", free_port()
    root = f"http://127.0.0.1:{port}"
    processes.append(start(db, port))
    auth = processes[-1].credentials
    ledger, stop = Ledger(), threading.Event()
    threads = [
        threading.Thread(target=writer, args=(n + 1, root, auth, ledger, stop), daemon=True)
        for n in range(WRITERS)
    ]
    for thread in threads:
        thread.start()
    for _ in range(KILLS):
        time.sleep(SECONDS_BETWEEN_KILLS)
        processes[-1].process.send_signal(signal.SIGKILL)
        assert processes[-1].process.wait(timeout=10) == -signal.SIGKILL
        processes.append(start(db, port))
        # Restarted without --account-sid/--auth-token: the same account and token.
        assert processes[-1].credentials == auth
    time.sleep(SECONDS_BETWEEN_KILLS)
    stop.set()
    for thread in threads:
        thread.join(timeout=15)

    session = requests.Session()
    session.auth = auth
    account = f"{root}/2008-08-01/Accounts/{auth[0]}"
    wait_for(lambda: session.get(f"{root}/_emulator/health", timeout=2).ok)
    lost = []
    for kind, _key, sid in ledger.acknowledged:
        path = f"SMS/Messages/{sid}" if kind == "sms" else f"Calls/{sid}"
        if session.get(f"{account}/{path}", timeout=10).status_code != 200:
            lost.append(sid)
    stored_sms = Counter(m.body for m in list_all(session, f"{account}/SMS/Messages", SmsMessage))
    stored_calls = Counter(c.called for c in list_all(session, f"{account}/Calls", Call))
    duplicates = [k for k, n in (stored_sms + stored_calls).items() if n > 1]
    sent = {f"w-{key}" if kind == "sms" else f"41555{key}" for kind, key in ledger.attempted}
    unexplained = set(stored_sms) | set(stored_calls)
    unexplained -= sent
    acknowledged = len(ledger.acknowledged)
    print(
        f"\ndurability: {len(lost)} lost of {acknowledged} acknowledged writes over {KILLS} SIGKILLs "
        f"({len(ledger.attempted)} attempted, {ledger.unknown} without an answer, "
        f"{sum(stored_sms.values()) + sum(stored_calls.values())} stored, {len(duplicates)} duplicated)"
    )
    assert not ledger.refused, ledger.refused[:3]
    assert acknowledged >= 50 * KILLS, "the writers hardly wrote: the test proves nothing"
    assert ledger.unknown > 0, "no write was ever cut by a kill: the test proves nothing"
    assert lost == []
    assert duplicates == []
    assert unexplained == set()
    # Stored = acknowledged + some of those whose answer was lost, never more than attempted.
    stored = sum(stored_sms.values()) + sum(stored_calls.values())
    assert acknowledged <= stored <= acknowledged + ledger.unknown
