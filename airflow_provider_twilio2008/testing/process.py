"""Start the emulator CLI as a separate process and wait until it is ready (demos, benchmarks)."""

from __future__ import annotations

import subprocess
import sys
import time
from collections.abc import Callable

from ..emulator.banner import CONN_ENV, CONN_LINE, TOKEN_LINE, carries_token

__all__ = ["CONN_ENV", "CONN_LINE", "start_emulator_process"]


def start_emulator_process(
    *, time_scale: float = 1.0, echo: Callable[[str], None] | None = None, timeout: float = 30.0
) -> tuple[subprocess.Popen[str], str]:
    """Start ``python -m airflow_provider_twilio2008.emulator`` on a free port.

    :param time_scale: simulated seconds per real second.
    :param echo: called with each start-up line before the connection line, never with the Auth
        Token: the ``Auth Token:`` line comes as ``Auth Token: <not shown>``.
    :param timeout: seconds to wait for the connection line.
    :return: the running process (the caller terminates it) and the connection URI.
    """
    command = [sys.executable, "-m", "airflow_provider_twilio2008.emulator", "--port", "0"]
    command += ["--time-scale", str(time_scale)]
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    assert process.stdout is not None
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        line = process.stdout.readline()
        if not line:
            break
        if line.startswith(CONN_LINE):
            return process, line.strip()[len(CONN_LINE) :]
        if echo is not None:
            echo(f"{TOKEN_LINE}<not shown>" if carries_token(line) else line.rstrip())
    process.kill()
    process.wait()
    raise RuntimeError("the emulator did not print its connection line; see its output above")
