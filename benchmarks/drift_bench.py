"""Per-run drift: driftboard's fast engine (cold and warm profile) against an optimized
numpy/scipy baseline and Evidently's DataDriftPreset report, on the same generated data.

    PYTHONPATH=. python benchmarks/drift_bench.py [--quick] [--cases 1M,100k] [--repeat 3]

Every method runs in a fresh process on data generated there from one seed (see
drift/methods.py for how time and peak memory are taken). Per case:
- a timing process: driftboard with an empty profile cache (cold), then warm driftboard, warm
  driftboard on 1 thread and the numpy baseline (reference prepared once) in turn --repeat
  times, so that their ratios share the machine's load; numpy from scratch; Evidently's
  stattest functions on the full data; the kept run's sampled HTML report;
- one process per method for peak memory (cold, warm, numpy prepared, numpy from scratch);
- Evidently's report, killed after the case's time limit (its ratio is then a lower bound).
Scores are compared with the report's (when it finished) and with Evidently's functions.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from statistics import median
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.drift.data import Case  # noqa: E402
from benchmarks.drift.table import print_tables  # noqa: E402

CASES = {
    "10k": Case("10k", 10_000, 50),
    "100k": Case("100k", 100_000, 50),
    "1M": Case("1M", 1_000_000, 50, timeout=600),
    "window": Case("window", 1_000_000, 50, current=10_000),  # a run's cost follows the window
    "wide": Case("wide", 10_000, 1_000),
    "highcard": Case("highcard", 100_000, 1, distinct=50_000),
}
QUICK = {
    "10k": Case("10k", 10_000, 50, timeout=120),
    "window": Case("window", 100_000, 50, timeout=120, current=1_000),
    "wide": Case("wide", 2_000, 200, timeout=120),
    "highcard": Case("highcard", 20_000, 1, distinct=5_000, timeout=120),
}
Steps = list[dict[str, Any]]


def launch(steps: list[str], case: Case, cache: Path) -> subprocess.Popen[str]:
    sizes = (case.rows, case.current_rows, case.columns, case.distinct)
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [
        sys.executable,
        "-m",
        "benchmarks.drift.methods",
        ",".join(steps),
        *map(str, sizes),
        str(cache),
    ]
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)


def run(steps: list[str], case: Case, cache: Path) -> tuple[int, Steps]:
    """(frames' bytes, one result per step)."""
    proc = launch(steps, case, cache)
    out, _ = proc.communicate()
    if proc.returncode:
        sys.exit(f"{steps} on {case.label} failed with exit code {proc.returncode}")
    lines = [json.loads(line) for line in out.splitlines() if line.startswith("{")]
    return lines[0]["frames"], lines[1:]


def peak_so_far(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
    return 0


def cpu_so_far(pid: int) -> float:
    """User + system CPU seconds of a running process (fields 14 and 15 of /proc/PID/stat)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def report(case: Case, cache: Path) -> dict[str, Any]:
    """Evidently's report within the time limit, or a lower bound of its time and memory."""
    proc = launch(["evidently_report"], case, cache)
    assert proc.stdout is not None
    ready = json.loads(proc.stdout.readline())["ready"]
    started, peak, cpu0 = time.monotonic(), 0, cpu_so_far(proc.pid)
    while proc.poll() is None and time.monotonic() - started < case.timeout:
        peak = max(peak, peak_so_far(proc.pid) - ready)
        time.sleep(0.5)
    if proc.poll() is None:
        cpu = cpu_so_far(proc.pid) - cpu0
        proc.kill()
        proc.wait()
        return {"finished": False, "seconds": case.timeout, "cpu": cpu, "peak": peak, "scores": {}}
    return {"finished": True, **json.loads(proc.stdout.readline())}


def timing(case: Case, cache: Path, repeat: int) -> tuple[int, dict[str, Any]]:
    rounds = ["fast", "fast_1_thread", "numpy_prepared"] * repeat  # ratios share the load
    after = ["numpy_full", "evidently_functions", "kept_report"]
    frames, steps = run(["fast", *rounds, *after], case, cache)
    by: dict[str, Steps] = {}
    for step in steps[1:]:
        by.setdefault(step["step"], []).append(step)
    found = {
        name: {
            **runs[0],
            "seconds": median(r["seconds"] for r in runs),
            "cpu": median(r["cpu"] for r in runs),
        }
        for name, runs in by.items()
    }
    found["warm_cpu"] = sum(r["cpu"] for r in by["fast"]) / sum(r["seconds"] for r in by["fast"])
    return frames, {"cold": steps[0], **found}


def peaks(case: Case, cache: Path, fresh: Path) -> dict[str, int]:
    """Each method alone in a fresh process; the warm one reads the timing process's profile."""
    plan = {"cold": ("fast", fresh), "warm": ("fast", cache)}
    plan |= {"numpy_prepared": ("numpy_prepared", cache), "numpy_full": ("numpy_full", cache)}
    return {name: run([step], case, where)[1][0]["peak"] for name, (step, where) in plan.items()}


def measure(case: Case, repeat: int) -> dict[str, Any]:
    with tempfile.TemporaryDirectory(prefix="driftboard-bench-") as tmp:
        cache, fresh = Path(tmp) / "cache", Path(tmp) / "fresh"
        frames, times = timing(case, cache, repeat)
        memory = peaks(case, cache, fresh)
    with tempfile.TemporaryDirectory(prefix="driftboard-bench-") as tmp:
        evidently = report(case, Path(tmp))
    return {"case": case, "frames": frames, "times": times, "peaks": memory, "report": evidently}


def machine() -> str:
    import evidently

    mem = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{os.cpu_count()} cores, {mem:.0f} GiB, Python {platform.python_version()}, "
        f"evidently {evidently.__version__}, load average {os.getloadavg()[0]:.1f}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--quick", action="store_true", help="small cases, 2-minute report limit")
    parser.add_argument("--cases", help="comma-separated case names (default: all)")
    parser.add_argument("--repeat", type=int, default=3, help="warm/numpy rounds per case")
    opts = parser.parse_args()
    cases = QUICK if opts.quick else CASES
    chosen = opts.cases.split(",") if opts.cases else list(cases)
    print(f"machine: {machine()}", flush=True)
    results = []
    for name in chosen:
        results.append(measure(cases[name], opts.repeat))
        print(f"{cases[name].label} done, load average {os.getloadavg()[0]:.1f}", flush=True)
    print_tables(results)


if __name__ == "__main__":
    main()
