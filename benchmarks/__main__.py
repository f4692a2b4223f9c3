"""Run every benchmark and print one table: ``./dev bench`` (or ``python -m benchmarks``)."""

from __future__ import annotations

import sys

from benchmarks import in_flight, parse_cost, parsing, transport, waits


def main() -> int:
    """Print the benchmark tables: parsing, the hook and the emulator under load, DAG-parse cost."""
    parsing.main()
    transport.main()
    in_flight.main()
    waits.main()
    parse_cost.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
