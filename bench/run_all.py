"""Every benchmark in one command: ``python -m bench.run_all [--quick]``.

Runs :mod:`bench.ack` (time until the answer of ``/kpi log`` is on screen, against a floor and a
default Bolt app; how soon a worker posts a ``/huddle``) and then :mod:`bench.reports` (huddle
and review builds) in a process of its own, so one benchmark's imports and memory never colour
the other's. Results land in ``bench-results/``.
"""

from __future__ import annotations

import argparse
import subprocess
import sys

from bench import ack


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run_all", description=__doc__)
    parser.add_argument("--quick", action="store_true", help="short runs of every benchmark")
    args = parser.parse_args(argv)
    ack.main(["--quick"] if args.quick else [])
    ack.console.print("\n[bold]bench.reports[/]")
    # bench.reports takes no options; its size is its own.
    return subprocess.run([sys.executable, "-m", "bench.reports"], check=False).returncode


if __name__ == "__main__":
    sys.exit(main())
