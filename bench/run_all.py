"""Every benchmark in one command: ``python -m bench.run_all [--quick]``.

Runs :mod:`bench.ack` (ack latency against bare Bolt, throughput, CSV import, memory) and, when
the module exists, :mod:`bench.reports` (huddle and review builds) in its own process, so one
benchmark's imports and memory never colour another's. Results land in ``bench-results/``.
"""

from __future__ import annotations

import argparse
import importlib.util
import subprocess
import sys

from bench import ack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs of every benchmark")
    args = parser.parse_args(argv)
    ack.main(["--quick"] if args.quick else [])
    if importlib.util.find_spec("bench.reports") is None:
        ack.console.print("\nbench.reports: not present, skipped")
        return 0
    ack.console.print("\n[bold]bench.reports[/]")
    # bench.reports takes no options; its size is its own.
    return subprocess.run([sys.executable, "-m", "bench.reports"], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
