"""Helpers of benchmarks/drift_bench.py (a package, so that `make bench` runs only the script)."""
