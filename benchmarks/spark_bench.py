"""The spark engine against the fast engine on one machine (local[2]), as a user waits for it:
a whole `driftboard run` on the e2e benchmark's daily model (reference ROWS × 50 features in
Parquet; the window a day of ROWS rows in a Parquet file that also holds the day before),
every run a fresh process timed from its start until the run is stored:

    PYTHONPATH=. .venv/bin/python benchmarks/spark_bench.py [--rows 1000000] (10000000: hours here)
        [--dir /tmp/driftboard-spark] [--driver-memory 8g]

Per row count: fast cold (empty profile cache) then warm; spark cold (empty reference-table
cache) then warm; and a process that only starts the local Spark (the JVM's start, which a
long-running scheduler pays once, not per run). Wall seconds and the Python process's peak
resident memory (the JVM's is its heap, --driver-memory); the largest score difference
between the engines. The memory guard is off (DRIFTBOARD_MAX_WINDOW_BYTES=0): at 10M rows it
would refuse the fast engine's window on this machine, which is the point of the engine.
"""

import argparse
import json
import os
import platform
import shutil
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from benchmarks.e2e import measure  # noqa: E402
from benchmarks.e2e.data import END  # noqa: E402

PYTHON = sys.executable
MASTER = "local[2]"
START_ONLY = f"from driftboard.drift.spark import session; session.get({MASTER!r}).range(1).count()"


def _env(folder: Path, engine: str, memory: str) -> dict[str, str]:
    return os.environ | {
        "DRIFTBOARD_DATABASE_URL": f"sqlite:///{folder / f'store-{engine}.db'}",
        "DRIFTBOARD_CACHE_DIR": str(folder / f"cache-{engine}"),
        "DRIFTBOARD_KEEP_REPORTS": "none",
        "DRIFTBOARD_MAX_WINDOW_BYTES": "0",
        "DRIFTBOARD_DRIFT_ENGINE": engine,
        "DRIFTBOARD_SPARK_MASTER": MASTER,
        "PYSPARK_SUBMIT_ARGS": f"--driver-memory {memory} pyspark-shell",
    }


def _run(folder: Path, engine: str, memory: str) -> measure.Run:
    command = [
        str(Path(PYTHON).parent / "driftboard"),
        "run",
        str(folder / "job.yaml"),
        "--at",
        END.isoformat(),
        "--json",
    ]
    done = measure.run(command, _env(folder, engine, memory), timeout=7200)
    if done.code != 0:
        raise RuntimeError(f"{engine} failed ({done.code}): {done.output[-2000:]}")
    return done


def _scores(done: measure.Run) -> dict[str, float]:
    found = json.loads(done.output[done.output.index("{") :])
    return {f["feature"]: f["score"] for f in found["features"]}


def one_size(folder: Path, rows: int, memory: str) -> dict[str, object]:
    if not (folder / "current.parquet").exists():
        made = measure.run([PYTHON, str(ROOT / "benchmarks" / "spark" / "data.py"), str(folder), str(rows)])
        if made.code != 0:
            raise RuntimeError(made.output[-2000:])
    found: dict[str, object] = {"rows": rows}
    for engine in ("fast", "spark"):
        shutil.rmtree(folder / f"cache-{engine}", ignore_errors=True)
        for state in ("cold", "warm"):
            done = found[f"{engine}_{state}"] = _run(folder, engine, memory)
            print(f"# {rows:,} rows, {engine} {state}: {done.wall:.1f} s, {done.peak_mb:,.0f} MB", flush=True)
    found["jvm_start"] = measure.run([PYTHON, "-c", START_ONLY], _env(folder, "spark", memory))
    fast, spark = _scores(found["fast_warm"]), _scores(found["spark_warm"])  # type: ignore[arg-type]
    found["max_abs_diff"] = max(abs(fast[n] - spark[n]) for n in fast)
    return found


def report(found: dict[str, object]) -> str:
    lines = [f"| {found['rows']:,} rows | wall | peak RSS (Python) |", "| --- | --- | --- |"]
    for name in ("fast_cold", "fast_warm", "spark_cold", "spark_warm", "jvm_start"):
        done = found[name]
        assert isinstance(done, measure.Run)
        lines.append(f"| {name.replace('_', ' ')} | {done.wall:.1f} s | {done.peak_mb:,.0f} MB |")
    ratio = found["spark_warm"].wall / found["fast_warm"].wall  # type: ignore[attr-defined]
    lines.append(f"| spark warm ÷ fast warm | {ratio:.2f} | |")
    lines.append(f"| largest score difference | {found['max_abs_diff']:.1e} | |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", default="1000000", help="comma-separated row counts")
    parser.add_argument("--dir", type=Path, default=Path("/tmp/driftboard-spark"))
    parser.add_argument("--driver-memory", default="8g")
    args = parser.parse_args()
    print(f"# {platform.platform()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {os.getloadavg()}", flush=True)  # fmt: skip
    for rows in sorted(int(r) for r in args.rows.split(",")):
        found = one_size(args.dir / f"rows-{rows}", rows, args.driver_memory)
        print(report(found), f"\n# load average {os.getloadavg()}", flush=True)


if __name__ == "__main__":
    main()
