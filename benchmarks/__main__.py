"""Run every benchmark and print one table: ``./dev bench`` (or ``python -m benchmarks``)."""

from __future__ import annotations

import sys

from benchmarks import parsing, transport


def main() -> int:
    """Print the benchmark tables: parsing, then the hook against a live emulator."""
    parsing.main()
    transport.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
