"""Run every benchmark and print one table: ``./dev bench`` (or ``python -m benchmarks``)."""

from __future__ import annotations

import sys

from benchmarks import parsing


def main() -> int:
    """Print the benchmark tables."""
    parsing.main()
    if "--with-emulator" in sys.argv:
        from benchmarks import transport

        transport.main()
    return 0


if __name__ == "__main__":
    sys.exit(main())
