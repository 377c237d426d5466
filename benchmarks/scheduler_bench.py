"""Scheduler benchmark: N models with small data on a compressed schedule, on a few cores.

    PYTHONPATH=. python benchmarks/scheduler_bench.py --models 100 --interval 1 --duration 60

Starts `python -m driftboard scheduler` (pinned to --cores CPUs) on a throwaway PostgreSQL
database, lets every model run its first window, measures the windows that come due over
--duration seconds, lets the backlog drain (at most --drain seconds), stops it, and reads
the store:
- missed: windows due in the measured period without a successful run (not run, failed,
  or inside a `skipped` catch-up gap);
- lag: from a window's end (its tick) until a worker started computing it, over the runs
  started during the measured period (caught-up windows count with their full delay);
- throughput: runs started per second during the measured period.
"""

import argparse
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import create_engine, text

from driftboard.store import connect, schema

REPO = Path(__file__).resolve().parent.parent
ADMIN = os.environ.get("DRIFTBOARD_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")


def args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=int, default=100)
    parser.add_argument("--interval", type=int, default=1, help="schedule interval, seconds")
    parser.add_argument("--duration", type=int, default=60, help="measured period, seconds")
    parser.add_argument("--drain", type=int, default=120, help="most seconds to wait for the backlog")
    parser.add_argument("--cores", type=int, default=2)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--port", type=int, default=19399)
    return parser.parse_args()


def write_jobs(folder: Path, models: int, interval: int, minutes: int) -> None:
    """One shared pair of small CSVs (2 columns; 200 reference rows, 5 current rows a second)."""
    rng = np.random.default_rng(3)
    pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200)}).to_csv(
        folder / "ref.csv", index=False
    )
    start, n = datetime.now(UTC) - timedelta(minutes=2), minutes * 60 * 5
    stamps = [(start + timedelta(seconds=i / 5)).isoformat() for i in range(n)]
    pd.DataFrame({"ts": stamps, "x": rng.normal(size=n), "y": rng.normal(size=n)}).to_csv(
        folder / "cur.csv", index=False
    )
    (folder / "jobs").mkdir()
    for i in range(models):
        (folder / "jobs" / f"m{i:03}.yaml").write_text(
            f"model: m{i:03}\nschedule: {{interval: {interval}s}}\ntimestamp_column: ts\n"
            "reference: {path: ../ref.csv}\ncurrent: {path: ../cur.csv}\ncolumns: {numerical: [x, y]}\n"
        )


def start(folder: Path, url: str, opts: argparse.Namespace) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTBOARD_")}
    env |= {
        "PYTHONPATH": str(REPO),
        "DRIFTBOARD_DATABASE_URL": url,
        "DRIFTBOARD_KEEP_REPORTS": "none",
        "DRIFTBOARD_SCHEDULER_WORKERS": str(opts.workers),
        "DRIFTBOARD_SCHEDULER_PORT": str(opts.port),
    }
    cpus = ",".join(str(c) for c in sorted(os.sched_getaffinity(0))[: opts.cores])
    command = [
        "taskset",
        "-c",
        cpus,
        sys.executable,
        "-m",
        "driftboard",
        "scheduler",
        "--jobs",
        str(folder / "jobs"),
    ]
    log = (folder / "scheduler.log").open("wb")
    return subprocess.Popen(command, env=env, stdout=log, stderr=log, start_new_session=True)


def query(url: str, sql: str, **params: object) -> list[tuple[Any, ...]]:
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = [tuple(r) for r in conn.execute(text(sql), params)]
    engine.dispose()
    return rows


def wait_until(check: Callable[[], object], timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if check():
            return True
        time.sleep(1)
    return False


def queue_depth(port: int) -> float:
    with urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5) as response:
        line = next(
            x for x in response.read().decode().splitlines() if x.startswith("driftboard_queue_depth ")
        )
    return float(line.split()[1])


def due_windows(models: int, interval: int, t0: datetime, t1: datetime) -> int:
    first_tick = (int(t0.timestamp()) // interval + 1) * interval  # ticks are multiples of the interval
    return models * len(range(first_tick, int(t1.timestamp()) + 1, interval))


DUE_ROWS = (
    "SELECT extract(epoch FROM started_at - window_end), status FROM runs "
    "WHERE status <> 'skipped' AND window_end > :t0 AND window_end <= :t1"
)


def measure(url: str, models: int, interval: int, t0: datetime, t1: datetime) -> dict[str, Any]:
    """Lag over the due windows once computed; if none was (overload), over the runs started."""
    due_rows = query(url, DUE_ROWS, t0=t0, t1=t1)
    started = query(
        url,
        "SELECT extract(epoch FROM started_at - window_end), duration_seconds FROM runs "
        "WHERE status <> 'skipped' AND started_at BETWEEN :t0 AND :t1",
        t0=t0,
        t1=t1,
    )
    lags = np.array([float(lag) for lag, _ in (due_rows or started)] or [np.nan])
    succeeded = sum(status == "succeeded" for _, status in due_rows)
    due = due_windows(models, interval, t0, t1)
    return {
        "due": due,
        "succeeded": succeeded,
        "missed": due - succeeded,
        "gaps": query(url, "SELECT count(*) FROM runs WHERE status = 'skipped'")[0][0],
        "lag_of": "due windows" if due_rows else "runs started (backlog)",
        "lag_p50": float(np.percentile(lags, 50)),
        "lag_p95": float(np.percentile(lags, 95)),
        "lag_max": float(np.max(lags)),
        "throughput": len(started) / (t1 - t0).total_seconds(),
        "run_seconds": float(np.mean([float(d) for _, d in started] or [np.nan])),
    }


def run(url: str, opts: argparse.Namespace) -> tuple[datetime, datetime, bool]:
    """Start-up (every model's first window, then the start-up backlog), measure, drain."""
    all_started = f"SELECT count(DISTINCT model) = {opts.models} FROM runs"
    if not wait_until(lambda: query(url, all_started)[0][0], 600):
        sys.exit("not every model ran its first window within 10 minutes")
    wait_until(lambda: queue_depth(opts.port) == 0, opts.drain)
    t0 = datetime.now(UTC)
    time.sleep(opts.duration)
    t1 = datetime.now(UTC)
    due = due_windows(opts.models, opts.interval, t0, t1)
    drained = wait_until(lambda: len(query(url, DUE_ROWS, t0=t0, t1=t1)) >= due, opts.drain)
    return t0, t1, drained


def main() -> None:
    opts = args()
    name = f"driftboard_bench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url, folder = ADMIN.rsplit("/", 1)[0] + f"/{name}", Path(tempfile.mkdtemp(prefix="driftboard-bench-"))
    schema.upgrade(engine := connect.make_engine(url))
    engine.dispose()
    write_jobs(folder, opts.models, opts.interval, minutes=(opts.duration + opts.drain) // 60 + 15)
    proc = start(folder, url, opts)
    try:
        t0, t1, drained = run(url, opts)
        proc.send_signal(signal.SIGTERM)
        code = proc.wait(120)
        report(opts, measure(url, opts.models, opts.interval, t0, t1), drained, code)
    finally:
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGKILL)
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        shutil.rmtree(folder, ignore_errors=True)


COLUMNS = (
    "models",
    "interval",
    "workers/cores",
    "measured",
    "windows due",
    "succeeded",
    "missed",
    "skipped gaps",
    "lag of",
    "lag p50",
    "lag p95",
    "lag max",
    "throughput",
    "mean run",
    "backlog drained",
    "exit",
)


def report(opts: argparse.Namespace, m: dict[str, Any], drained: bool, code: int) -> None:
    """A Markdown table: paste it as is."""
    cells = (
        str(opts.models),
        f"{opts.interval} s",
        f"{opts.workers}/{opts.cores}",
        f"{opts.duration} s",
        f"{m['due']:.0f}",
        f"{m['succeeded']:.0f}",
        f"{m['missed']:.0f}",
        f"{m['gaps']:.0f}",
        m["lag_of"],
        f"{m['lag_p50']:.1f} s",
        f"{m['lag_p95']:.1f} s",
        f"{m['lag_max']:.1f} s",
        f"{m['throughput']:.2f} windows/s",
        f"{m['run_seconds']:.2f} s",
        "yes" if drained else f"no (waited {opts.drain} s)",
        str(code),
    )
    print("| " + " | ".join(COLUMNS) + " |")
    print("|" + "---|" * len(COLUMNS))
    print("| " + " | ".join(cells) + " |")


if __name__ == "__main__":
    main()
