"""Helpers of benchmarks/e2e_bench.py (a package, so that `make bench` runs only the script)."""
