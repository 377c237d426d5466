"""Dashboard queries at the issue's scale: 0005's plain table, then after migration 0006.

    PYTHONPATH=. python benchmarks/scale_queries.py [--models 100 --features 100 --days 365]
        [--jobs 2] [--repeat 20] [--baseline-sql 44837a6] [--explain] [--offset-hours 0]

Creates a throwaway database on DRIFTBOARD_TEST_PG's server, migrates it to 0005 and fills it
month by month in time order, as the scheduler would (hourly runs, 1 % failed; --jobs
sessions in parallel, each with synchronous_commit off). Baseline: the dashboards' queries
(heatmap_queries.QUERIES, as Grafana sends them) as generated at git revision --baseline-sql,
on 0005. Then it upgrades to head, timing the migration's move of the rows into monthly
partitions, and measures the work tree's queries. The database is dropped at the end, also
on failure or Ctrl-C.

Latency is the database's: from sending the statement until libpq holds every row, which is
what Grafana waits for. Turning the rows into Python objects is the benchmark's own cost
(~1 µs a value: 70-100 ms for the heatmap's 72,000 cells); its p50 is printed apart.
"""

import argparse
import itertools
import shutil
import statistics
import subprocess
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine, create_engine, text

from benchmarks import heatmap_queries as hq
from driftboard.dashboards import inventory
from driftboard.dashboards.build import GENERATED
from driftboard.store import connect, rollup, schema
from tests.support.grafana_macros import QueryRange, expand_sql

RUNS = hq.RUNS.replace(
    "generate_series(1, :models) m, generate_series(:start, :end, interval '1 hour') t",
    "generate_series(:start, :end, interval '1 hour') t, generate_series(1, :models) m",
)
CHUNK = """
WITH new_runs AS ({runs} RETURNING id, model, window_end, status)
INSERT INTO feature_results (run_id, model, window_end, feature, role, column_type, status, stattest,
                             score, threshold, drift_ratio, drift_detected, reference_count,
                             current_count, null_share, reference_null_share)
SELECT r.id, r.model, r.window_end, 'feature_' || lpad(f::text, 3, '0'), 'feature', 'numerical', 'ok',
       'wasserstein', x * 0.1, 0.1, x, x >= 1, 10000, 5000, 0.01, 0.01
FROM new_runs r CROSS JOIN generate_series(1, :features) f
CROSS JOIN LATERAL (SELECT random() * 1.2 + f * 0 AS x) v
WHERE r.status = 'succeeded'"""
SUMMARY = """
UPDATE runs
SET n_features = s.n, n_drifted = s.d, share_drifted = s.d::float / s.n, dataset_drift = s.d * 2 >= s.n
FROM (SELECT run_id, count(*) AS n, count(*) FILTER (WHERE drift_detected) AS d FROM feature_results
      WHERE window_end > :start AND window_end <= :end GROUP BY run_id) s
WHERE runs.id = s.run_id"""


def chunks(days: int) -> list[tuple[datetime, datetime]]:
    """(start, end] of about a month each, the last ending at heatmap_queries.END."""
    start = hq.END - timedelta(days=days)
    edges = [start + timedelta(days=d) for d in range(0, days, 30)] + [hq.END]
    return list(itertools.pairwise(edges))


def load_chunk(engine: Engine, span: tuple[datetime, datetime], models: int, features: int) -> None:
    start, end = span
    params = {"models": models, "features": features, "start": start + timedelta(hours=1), "end": end}
    with engine.begin() as conn:
        conn.execute(text("SET LOCAL synchronous_commit = off"))
        conn.execute(text(CHUNK.format(runs=RUNS)), params)
        conn.execute(text(SUMMARY), {"start": start, "end": end})


def prepare(engine: Engine, args: argparse.Namespace) -> None:
    """0005 for the baseline; else head, with the data's months partitioned as maintenance would."""
    if not args.no_baseline:
        schema.upgrade(engine, "0005")
        return
    schema.upgrade(engine)
    hq.partition_history(engine, args.days)


def generate(engine: Engine, args: argparse.Namespace) -> None:
    prepare(engine, args)
    with ThreadPoolExecutor(args.jobs) as pool:
        work = [pool.submit(load_chunk, engine, s, args.models, args.features) for s in chunks(args.days)]
        for done in work:
            done.result()
    if args.no_baseline:  # at head the rollup exists; with a baseline, migration 0007 fills it
        timed("feature_daily rollup", fill_rollup, engine)
    vacuum(engine)


def fill_rollup(engine: Engine) -> None:
    """The raw SQL above bypasses driftboard.store.runs, which keeps feature_daily exact: one GROUP
    BY over everything loaded, as migration 0007's backfill does."""
    with engine.begin() as conn:
        rollup.rebuild(conn)


def vacuum(engine: Engine) -> None:
    """Index-only scans need the visibility map that VACUUM sets; ANALYZE for the plans."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))


Targets = dict[tuple[str, str], inventory.Target]
Results = dict[tuple[int, str, str], tuple[float, float, float]]


def sql_at(revision: str | None) -> Targets:
    """The dashboards' queries as generated at a git revision (None: the work tree's)."""
    with tempfile.TemporaryDirectory() as tmp:
        folder = GENERATED if revision is None else Path(tmp)
        if revision is not None:
            names = git("ls-tree", "--name-only", revision, f"{GENERATED}/").split()
            for name in names:
                (folder / Path(name).name).write_text(git("show", f"{revision}:{name}"), encoding="utf-8")
        return {
            (t.dashboard, t.origin): t for d in inventory.load(folder).values() for t in inventory.targets(d)
        }


def git(*args: str) -> str:
    return subprocess.run(["git", *args], check=True, capture_output=True, text=True).stdout


def timings(url: str, sql: str, repeat: int) -> tuple[list[float], list[float]]:
    """Milliseconds until libpq holds the rows, and then to make Python rows of them."""
    raw = create_engine(url).raw_connection()
    cursor, database, python = raw.cursor(), [], []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        cursor.execute(sql)  # psycopg2 returns once the whole result has arrived
        received = time.perf_counter()
        cursor.fetchall()
        database.append((received - started) * 1000)
        python.append((time.perf_counter() - received) * 1000)
    raw.close()
    return database[1:], python[1:]  # the first run warms the cache


def measure(url: str, targets: Targets, args: argparse.Namespace) -> Results:
    values = hq.variables(args.models, args.features)
    results = {}
    end = hq.END - timedelta(hours=args.offset_hours)  # off midnight: partial days at both edges
    for days in (7, 30):
        rng = QueryRange(end - timedelta(days=days), end, "1h")
        for key in hq.QUERIES:
            sql = expand_sql(targets[key].text, values[key[0]], rng)
            database, python = timings(url, sql, args.repeat)
            p95 = statistics.quantiles(database, n=20)[-1]
            results[(days, *key)] = statistics.median(database), p95, statistics.median(python)
            if args.explain:
                hq.explain(url, sql)
    return results


def table(before: Results | None, after: Results) -> str:
    """Markdown; without a baseline, the 0006 columns only."""
    head = "| range | dashboard: query |" + (" 0005 p50 | 0005 p95 |" if before else "")
    lines = [head + " 0006 p50 | 0006 p95 | + Python rows |", "|" + " --- |" * (7 if before else 5)]
    for key, (new50, new95, python) in after.items():
        old = "{:.1f} | {:.1f} | ".format(*before[key][:2]) if before else ""
        lines.append(f"| {key[0]} d | {key[1]}: {key[2]} | {old}{new50:.1f} | {new95:.1f} | {python:.1f} |")
    return "\n".join(lines)


def timed(label: str, fn, *args):  # type: ignore[no-untyped-def]
    started = time.perf_counter()
    result = fn(*args)
    print(f"{label}: {time.perf_counter() - started:.0f} s", flush=True)
    return result


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    for name, default in (("models", 100), ("features", 100), ("days", 365), ("jobs", 2), ("repeat", 20)):
        parser.add_argument(f"--{name}", type=int, default=default)
    # 44837a6: the last commit before migration 0006 and the queries rewritten for it.
    parser.add_argument("--baseline-sql", default="44837a6", help="git revision of the baseline's queries")
    parser.add_argument("--explain", action="store_true")
    parser.add_argument(
        "--offset-hours", type=float, default=0, help="end ranges this long before the last midnight"
    )
    parser.add_argument("--no-baseline", action="store_true", help="load at head directly (half the disk)")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    baseline_sql, current_sql = sql_at(args.baseline_sql), sql_at(None)
    print(f"baseline queries: {args.baseline_sql} = {git('rev-parse', '--short', args.baseline_sql).strip()}")
    print(
        f"disk free: {shutil.disk_usage('/').free / 2**30:.0f} GiB; {args.models} models × "
        f"{args.features} features × {args.days} days hourly",
        flush=True,
    )
    with hq.throwaway_database(keep=False) as url:
        engine = connect.make_engine(url)
        timed("load", generate, engine, args)
        with engine.connect() as conn:
            print(f"feature rows: {conn.scalar(text('SELECT count(*) FROM feature_results'))}", flush=True)
        if args.no_baseline:
            after = timed("measure (0006)", measure, url, current_sql, args)
            engine.dispose()
            print(table(None, after))
            return
        before = timed("measure (0005)", measure, url, baseline_sql, args)
        timed("migration 0006 (move rows, index, analyze)", schema.upgrade, engine)
        timed("vacuum analyze", vacuum, engine)
        after = timed("measure (0006)", measure, url, current_sql, args)
        engine.dispose()
    print(table(before, after))


if __name__ == "__main__":
    main()
