"""Benchmarks: run as modules (``python -m bench.reports``), never as part of the test suite."""
