"""The ``twilio2008-emulator`` command: serve a local Twilio 2008-08-01 API until interrupted.

On start it prints the base URL, the Account SID and Auth Token (to sign in to the web inbox)
and, last, an ``AIRFLOW_CONN_TWILIO2008_DEFAULT=...`` line ready to export (see
:mod:`.banner`). SIGINT and SIGTERM stop it cleanly with exit status 0, from the moment the
banner is printed (the handlers are installed before it). With ``--db`` every record survives
a restart, and a restart without ``--account-sid``/``--auth-token`` serves the stored account
with its token.

``--voice-url``/``--sms-url`` (with ``--voice-method``/``--sms-method``) point the account's own
number 5005550006 at an application, as its ``Url``/``SmsUrl`` would after a REST update; they
are applied at every start (also to an existing ``--db``) and kept through
``POST /_emulator/reset``.
"""

from __future__ import annotations

import argparse
import math
import re
import sys
from collections.abc import Sequence
from typing import Any

from ..api.errors import Twilio2008ValidationError
from ..api.validate import url as checked_url
from .banner import banner_lines
from .control.faults import MAX_LATENCY_MS, MAX_RETRY_AFTER, FaultRule
from .server import EmulatorConfig, EmulatorServer

__all__ = ["build_parser", "main"]


def _account_sid(value: str) -> str:
    if not re.fullmatch(r"AC[0-9a-f]{32}", value):
        raise argparse.ArgumentTypeError("an Account SID is 'AC' followed by 32 lower-case hex digits")
    return value


def _auth_token(value: str) -> str:
    if not re.fullmatch(r"[0-9a-f]{32}", value):
        raise argparse.ArgumentTypeError("an Auth Token is 32 lower-case hex digits")
    return value


def _probability(value: str) -> float:
    number = float(value)
    if not 0.0 <= number <= 1.0:
        raise argparse.ArgumentTypeError("a probability is between 0 and 1")
    return number


def _url(value: str) -> str:
    try:
        return checked_url(value, "url")
    except Twilio2008ValidationError as exc:
        raise argparse.ArgumentTypeError(f"{exc.problem}; expected {exc.accepted}") from None


def _method(value: str) -> str:
    if value.upper() not in ("GET", "POST"):
        raise argparse.ArgumentTypeError("a method is GET or POST")
    return value.upper()


def _bounded_int(maximum: int) -> Any:
    """Return an argparse type: a whole number from 0 to ``maximum``."""

    def parse(value: str) -> int:
        if not re.fullmatch(r"[0-9]{1,9}", value.strip()) or int(value) > maximum:
            raise argparse.ArgumentTypeError(f"a whole number from 0 to {maximum}")
        return int(value)

    return parse


def _positive(value: str) -> float:
    number = float(value)
    if not math.isfinite(number) or number <= 0:
        raise argparse.ArgumentTypeError("must be a positive, finite number")
    return number


def build_parser() -> argparse.ArgumentParser:
    """Return the command-line parser."""
    parser = argparse.ArgumentParser(
        prog="twilio2008-emulator", description="A local Twilio REST API 2008-08-01 emulator."
    )
    parser.add_argument("--host", default="127.0.0.1", help="interface to listen on (default 127.0.0.1)")
    parser.add_argument("--port", type=int, default=8008, help="port; 0 picks a free one (default 8008)")
    parser.add_argument("--db", help="SQLite file keeping the state across restarts (default: temporary)")
    parser.add_argument(
        "--account-sid",
        type=_account_sid,
        help="Account SID (default: the one stored in --db, else a new one)",
    )
    parser.add_argument(
        "--auth-token",
        type=_auth_token,
        help="Auth Token (default: the account's stored one, else a new one)",
    )
    parser.add_argument(
        "--time-scale", type=_positive, default=1.0, help="simulated seconds per real second (default 1)"
    )
    seed = parser.add_argument_group(
        "the account's number 5005550006 (applied at every start and kept through reset)"
    )
    seed.add_argument(
        "--voice-url", type=_url, metavar="URL", help="its Url: the TwiML app requested on incoming calls"
    )
    seed.add_argument("--voice-method", type=_method, metavar="METHOD", help="its Method (default POST)")
    seed.add_argument(
        "--sms-url", type=_url, metavar="URL", help="its SmsUrl: the app requested on incoming SMS"
    )
    seed.add_argument("--sms-method", type=_method, metavar="METHOD", help="its SmsMethod (default POST)")
    faults = parser.add_argument_group("fault injection (REST API only; off by default)")
    faults.add_argument("--fault-500", type=_probability, default=0.0, metavar="P", help="chance of a 500")
    faults.add_argument(
        "--fault-503", type=_probability, default=0.0, metavar="P", help="chance of a 503 with Retry-After"
    )
    faults.add_argument(
        "--retry-after",
        type=_bounded_int(MAX_RETRY_AFTER),
        default=1,
        metavar="S",
        help="Retry-After of injected 503s",
    )
    faults.add_argument(
        "--fault-drop", type=_probability, default=0.0, metavar="P", help="chance of a dropped connection"
    )
    faults.add_argument(
        "--fault-truncate", type=_probability, default=0.0, metavar="P", help="chance of a truncated body"
    )
    faults.add_argument(
        "--latency-ms",
        type=_bounded_int(MAX_LATENCY_MS),
        default=0,
        metavar="MS",
        help="latency added to every request",
    )
    faults.add_argument("--fault-seed", type=int, help="seed of the fault dice (reproducible runs)")
    parser.add_argument("--access-log", action="store_true", help="log every request (paths only)")
    return parser


def rules_from_args(args: argparse.Namespace) -> list[FaultRule]:
    """Return the fault rules the flags ask for.

    :param args: the parsed command line.
    """
    rules = []
    for kind, chance in (
        ("error500", args.fault_500),
        ("error503", args.fault_503),
        ("drop", args.fault_drop),
        ("truncate", args.fault_truncate),
    ):
        if chance > 0:
            rules.append(FaultRule(kind, probability=chance, retry_after=args.retry_after))
    if args.latency_ms > 0:
        rules.append(FaultRule("latency", latency_ms=args.latency_ms))
    return rules


def main(argv: Sequence[str] | None = None) -> int:
    """Run the emulator until SIGINT or SIGTERM.

    :param argv: the arguments (default: ``sys.argv[1:]``).
    """
    args = build_parser().parse_args(argv)
    config = EmulatorConfig(
        host=args.host,
        port=args.port,
        db=args.db,
        account_sid=args.account_sid,
        auth_token=args.auth_token,
        time_scale=args.time_scale,
        faults=rules_from_args(args),
        fault_seed=args.fault_seed,
        access_log=args.access_log,
        log_level="info" if args.access_log else "warning",
        voice_url=args.voice_url,
        voice_method=args.voice_method,
        sms_url=args.sms_url,
        sms_method=args.sms_method,
    )
    server = EmulatorServer(config)
    server.install_signal_handlers()  # before the banner: a signal sent once it is out must stop us
    for line in banner_lines(
        server.base_url,
        server.account_sid,
        server.auth_token,
        config.time_scale,
        str(server.db_path),
        server.conn_uri,
    ):
        print(line, flush=True)
    server.run()
    print("Twilio 2008-08-01 emulator stopped", file=sys.stderr, flush=True)
    return 0
