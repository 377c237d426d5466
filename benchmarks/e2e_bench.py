"""A whole `driftboard run`, as a user waits for it: the issue's daily model (reference
ROWS x 50 features in Parquet; three days of ROWS rows each in one Parquet file; the window is
the last day), timed from process start until the run is stored, against yardsticks measured
in the same run (benchmarks/e2e/baselines.py), every one a fresh process:

    PYTHONPATH=. .venv/bin/python benchmarks/e2e_bench.py [--rows 1000000] [--repeat 3]
        [--evidently-rows 1000000,100000] [--no-postgres] [--dir /tmp/driftboard-e2e]

Per row count, in --repeat rounds (medians, and medians of the per-round ratios): driftboard
cold (empty profile cache), pyarrow reading the reference, driftboard warm, pyarrow reading
the same window; from PostgreSQL (the same three days in a table, loaded through ADBC) the
same window through a `sql:` source in turn with `COPY (query) TO STDOUT` into Arrow;
Evidently's DataDriftPreset report on the same files read with pandas, once. Wall and CPU
seconds and peak resident memory are the kernel's accounting of each process (wait4).
"""

import argparse
import json
import os
import platform
import shutil
import sys
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.e2e import measure  # noqa: E402
from benchmarks.e2e.data import END, TIMESTAMP, write_spec  # noqa: E402

PYTHON = sys.executable
BASELINES = str(ROOT / "benchmarks" / "e2e" / "baselines.py")


def _env(folder: Path, cache: str) -> dict[str, str]:
    return os.environ | {
        "DRIFTBOARD_DATABASE_URL": f"sqlite:///{folder / 'store.db'}",
        "DRIFTBOARD_CACHE_DIR": str(folder / cache),
        "DRIFTBOARD_KEEP_REPORTS": "none",
        "DRIFTBOARD_REPORTS_DIR": str(folder / "reports"),
    }


def _run(spec: Path) -> list[str]:
    return [str(Path(PYTHON).parent / "driftboard"), "run", str(spec), "--at", END.isoformat(), "--json"]


def _baseline(what: str, folder: Path) -> list[str]:
    return [PYTHON, BASELINES, what, str(folder)]


def parquet(folder: Path, spec: Path, repeat: int) -> dict[str, object]:
    """Each round: a cold run (the cache emptied first), pyarrow reading the reference, then
    warm runs on the profile the cold run wrote, in turn with pyarrow reading the window."""
    runs = measure.in_turn(
        {
            "cold": (_run(spec), _env(folder, "cold-cache")),
            "reference": (_baseline("pyarrow-reference", folder), None),
            "warm": (_run(spec), _env(folder, "cold-cache")),
            "pyarrow": (_baseline("pyarrow-window", folder), None),
        },
        repeat,
        prepare={"cold": lambda: shutil.rmtree(folder / "cold-cache", ignore_errors=True)},
    )
    profile = sum(p.stat().st_size for p in (folder / "cold-cache").glob("*.profile"))
    return {"profile_bytes": profile, **runs}


def _helper(*args: str) -> None:
    """Data generation and loading run in processes of their own: a child forked from a large
    parent would count the parent's pages in its peak memory."""
    done = measure.run([PYTHON, str(ROOT / "benchmarks" / "e2e" / "data.py"), *args])
    if done.code != 0:
        raise RuntimeError(done.output[-2000:])


def postgres(folder: Path, repeat: int) -> dict[str, object]:
    _helper("--postgres", str(folder))
    url = (folder / "pg-url").read_text().strip()
    query = f"SELECT * FROM events WHERE {TIMESTAMP} >= :window_start AND {TIMESTAMP} < :window_end"
    spec = write_spec(folder, "reference.parquet", {"sql": {"url": url, "query": query}})
    runs = measure.in_turn(
        {"sql": (_run(spec), _env(folder, "cold-cache")), "copy": (_baseline("pg-copy", folder), None)},
        repeat,
    )
    return runs


def evidently(folder: Path, spec: Path) -> dict[str, object]:
    report = measure.run(_baseline("evidently", folder), timeout=1800)
    cold = measure.run(_run(spec), _env(folder, "evidently-cache"))
    ours = measure.run(_run(spec), _env(folder, "evidently-cache"))  # warm
    theirs = report.json()["scores"] if report.code == 0 else {}
    scores = {f["feature"]: f["score"] for f in json.loads(ours.output)["features"]}
    diff = max((abs(scores[n] - s) for n, s in theirs.items()), default=float("nan"))
    return {"report": report, "cold": cold, "ours": ours, "max_abs_diff": diff, "compared": len(theirs)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1000000", help="comma-separated row counts")
    parser.add_argument("--evidently-rows", default="1000000,100000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--no-postgres", action="store_true")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/driftboard-e2e"))
    args = parser.parse_args()
    print(f"# {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()}")  # fmt: skip
    wanted = sorted({int(r) for r in (args.rows + "," + args.evidently_rows).split(",") if r}, reverse=True)
    for rows in wanted:
        folder = args.dir / f"rows-{rows}"
        shutil.rmtree(folder / "evidently-cache", ignore_errors=True)
        if not (folder / "current.parquet").exists():
            _helper(str(folder), str(rows))
        spec = folder / "job.yaml"
        result: dict[str, object] = {"rows": rows, "window": str(END - timedelta(days=1)) + " .. " + str(END)}
        if str(rows) in args.rows.split(","):
            result["parquet"] = parquet(folder, spec, args.repeat)
            if not args.no_postgres:
                result["postgres"] = postgres(folder, args.repeat)
        if str(rows) in args.evidently_rows.split(","):
            result["evidently"] = evidently(folder, spec)
        from benchmarks.e2e.table import report

        print(report(result), flush=True)


if __name__ == "__main__":
    main()
