"""The methods the drift benchmark compares, each run in a fresh process by drift_bench.py.

    python -m benchmarks.drift.methods STEP[,STEP...] ROWS CURRENT_ROWS COLUMNS DISTINCT CACHE_DIR

Prints one JSON line: seconds, CPU seconds, the scores, and peak memory — the peak resident
set (VmHWM) above the resident set just before the method started, after the frames were
generated and the libraries imported; the peak is reset first through /proc/self/clear_refs,
so data generation does not count. It includes memory-mapped profile pages the method reads.
"""

import json
import os
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd

from benchmarks.drift import baseline
from benchmarks.drift.data import Case, frames_bytes, generate
from driftboard.data.quality import Column
from driftboard.drift import scoring
from driftboard.drift.evidently_report import SampledReport, read_scores, run_report
from driftboard.drift.fast import fallback
from driftboard.jobs.spec import Drift

KEY = "bench-reference"  # stands for the run's reference fingerprint
THREADS = os.cpu_count() or 1
Scores = dict[str, float]


def status(field: str) -> int:
    """A /proc/self/status field in bytes."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) * 1024
    raise KeyError(field)


def reset_peak() -> int:
    Path("/proc/self/clear_refs").write_text("5")  # VmHWM := VmRSS
    return status("VmRSS")


def fast(columns: list[Column], cache: Path, workers: int = 0) -> Scores:
    result = scoring.score(columns, Drift(), scoring.DriftOptions(cache_dir=cache, workers=workers), KEY)
    assert not result.errors, result.errors
    return {name: s.score for name, s in result.scores.items()}


def numpy_full(columns: list[Column]) -> Scores:
    return baseline.score_all(columns, baseline.prepare_all(columns, THREADS), THREADS)


def evidently_functions(columns: list[Column]) -> Scores:
    """Evidently's own stattest per column, chosen by its registry, on the cleaned full data."""
    return {c.name: fallback.evidently_test(None, c, None)[1] for c in columns}


def evidently_report(ref: pd.DataFrame, cur: pd.DataFrame, columns: list[Column]) -> Scores:
    snapshot = run_report(ref, cur, {c.name: c.column_type for c in columns}, Drift())
    return {name: s.score for name, s in read_scores(snapshot).items()}


def sampled_report(columns: list[Column]) -> SampledReport:
    """A kept run's report with the default settings; scoring here (no cache) is not timed."""
    result = scoring.score(
        columns, Drift(), scoring.DriftOptions(report_sample_rows=20_000, report_max_columns=100)
    )
    assert isinstance(result.report, SampledReport)
    return result.report


def kept_report(report: SampledReport) -> Scores:
    """What a kept run adds: its sampled report, built and saved."""
    with tempfile.TemporaryDirectory() as tmp:
        report.build().save_html(str(Path(tmp) / "report.html"))
    return {}


def timed(method: Callable[[], Scores]) -> dict[str, Any]:
    rss = reset_peak()
    cpu, wall = sum(os.times()[:2]), time.perf_counter()
    scores = method()
    wall, cpu = time.perf_counter() - wall, sum(os.times()[:2]) - cpu
    return {"seconds": wall, "cpu": cpu, "peak": status("VmHWM") - rss, "scores": scores}


class Methods:
    """Every method on one generated case; the numpy baseline's reference is prepared once."""

    def __init__(self, case: Case, cache: Path) -> None:
        self.ref, self.cur, self.columns = generate(case)
        self.cache = cache
        self._prepared: dict[str, baseline.Prepared] = {}
        self._report: SampledReport | None = None

    def prepared(self) -> dict[str, baseline.Prepared]:
        self._prepared = self._prepared or baseline.prepare_all(self.columns, THREADS)
        return self._prepared

    def report(self) -> SampledReport:
        self._report = self._report or sampled_report(self.columns)
        return self._report

    def get(self, name: str) -> Callable[[], Scores]:
        cols = self.columns
        return {
            "fast": lambda: fast(cols, self.cache),
            "fast_1_thread": lambda: fast(cols, self.cache, workers=1),
            "numpy_prepared": lambda: baseline.score_all(cols, self.prepared(), THREADS),
            "numpy_full": lambda: numpy_full(cols),
            "evidently_functions": lambda: evidently_functions(cols),
            "evidently_report": lambda: evidently_report(self.ref, self.cur, cols),
            "kept_report": lambda: kept_report(self.report()),
        }[name]


def main() -> None:
    """Steps run in order in this process; each prints one JSON line."""
    steps, rows, current, cols, distinct, cache = sys.argv[1:7]
    methods = Methods(Case("", int(rows), int(cols), int(distinct), current=int(current)), Path(cache))
    if "evidently" in steps or "report" in steps:
        import evidently.presets  # noqa: F401  # imports cost ~4 s and ~115 MB: not the method's
    if "numpy_prepared" in steps:
        methods.prepared()
    if "kept_report" in steps:
        methods.report()
    frames = frames_bytes(methods.ref, methods.cur)
    print(json.dumps({"ready": status("VmRSS"), "frames": frames}), flush=True)  # watched from here
    for step in steps.split(","):
        print(json.dumps({"step": step, **timed(methods.get(step))}), flush=True)


if __name__ == "__main__":
    main()
