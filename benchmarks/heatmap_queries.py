"""p50/p95 of the dashboards' heaviest SQL on a generated history.

    PYTHONPATH=. python benchmarks/heatmap_queries.py [--models 20 --days 90 --features 30]
        [--repeat 20] [--index "feature_results (model, feature, window_end)"] [--explain]

Creates a throwaway database on DRIFTBOARD_TEST_PG's server (default: the local test
server), migrates it, fills it with generate_series (hourly runs, 1 % failed, drift ratios
uniform in [0, 1.2)), runs each query as the dashboards send it (read from
dashboards/generated, expanded like Grafana), and drops the database. --index adds a
candidate index first, to compare.
"""

import argparse
import os
import statistics
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, create_engine, text

from driftboard.dashboards import inventory
from driftboard.dashboards.common import UID_FEATURE, UID_HEATMAP, UID_JOB_HEALTH, UID_OVERVIEW
from driftboard.store import connect, partitions, schema
from tests.support.grafana_macros import QueryRange, expand_sql

ADMIN = os.environ.get("DRIFTBOARD_TEST_PG", "postgresql+psycopg2://postgres@127.0.0.1:5432/postgres")
END = datetime(2026, 4, 1, tzinfo=UTC)
QUERIES = [  # (dashboard, origin): the ones that read feature_results or scan all runs
    (UID_HEATMAP, "panel Feature drift ratio per run"),
    (UID_HEATMAP, "panel Features by worst drift ratio"),
    (UID_HEATMAP, "variable feature"),
    (UID_OVERVIEW, "panel Models: latest status"),
    (UID_OVERVIEW, "panel Drifted share per model"),
    (UID_FEATURE, "panel Score vs threshold"),
    (UID_FEATURE, "panel Stattest and latest result"),
    (UID_JOB_HEALTH, "panel Run status"),
]

RUNS = """
INSERT INTO runs (model, window_start, window_end, status, error, started_at, finished_at,
                  duration_seconds, reference_rows, current_rows, drift_share_threshold, driftboard_version)
SELECT 'model-' || lpad(m::text, 3, '0'), t - interval '1 hour', t,
       CASE WHEN random() < 0.01 THEN 'failed' ELSE 'succeeded' END, NULL,
       t + interval '2 minutes', t + interval '150 seconds', 30, 10000, 5000, 0.5, 'bench'
FROM generate_series(1, :models) m, generate_series(:start, :end, interval '1 hour') t"""
FEATURES = """
INSERT INTO feature_results (run_id, model, window_end, feature, role, column_type, status, stattest,
                             score, threshold, drift_ratio, drift_detected, reference_count,
                             current_count, null_share, reference_null_share)
SELECT r.id, r.model, r.window_end, 'feature_' || lpad(f::text, 3, '0'), 'feature', 'numerical', 'ok',
       'wasserstein', x * 0.1, 0.1, x, x >= 1, 10000, 5000, 0.01, 0.01
FROM runs r CROSS JOIN generate_series(1, :features) f
-- Referring to f makes PostgreSQL draw a new random() per row instead of once.
CROSS JOIN LATERAL (SELECT random() * 1.2 + f * 0 AS x) v
WHERE r.status = 'succeeded'"""
SUMMARY = """
UPDATE runs
SET n_features = s.n, n_drifted = s.d, share_drifted = s.d::float / s.n, dataset_drift = s.d * 2 >= s.n
FROM (SELECT run_id, count(*) AS n, count(*) FILTER (WHERE drift_detected) AS d
      FROM feature_results GROUP BY run_id) s
WHERE runs.id = s.run_id"""


def partition_history(engine: Engine, days: int) -> None:
    """The history's months get their partitions, as `driftboard db maintain` would have made
    them as time went by; without them every generated row would land in the DEFAULT one."""
    first = partitions.month_start(END - timedelta(days=days))
    months = [partitions.month_start(first, n) for n in range(days // 28 + 2)]
    with engine.begin() as conn:
        have = set(partitions.existing(conn).values())
        for month in (m for m in months if m not in have):
            partitions.create(conn, month)


def generate(url: str, models: int, days: int, features: int) -> None:
    engine = connect.make_engine(url)
    schema.upgrade(engine)
    partition_history(engine, days)
    params = {"models": models, "start": END - timedelta(days=days), "end": END, "features": features}
    with engine.begin() as conn:
        conn.execute(text(RUNS), params)
        conn.execute(text(FEATURES), params)
        conn.execute(text(SUMMARY))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE"))
    engine.dispose()


def timings(url: str, sql: str, repeat: int) -> list[float]:
    raw = create_engine(url).raw_connection()
    cursor = raw.cursor()
    spent = []
    for _ in range(repeat + 1):
        started = time.perf_counter()
        cursor.execute(sql)
        cursor.fetchall()
        spent.append((time.perf_counter() - started) * 1000)
    raw.close()
    return spent[1:]  # the first run warms the cache


def variables(models: int, features: int) -> dict[str, dict[str, str | list[str]]]:
    """The dashboards' defaults: every model, and every feature of the first model."""
    names = [f"model-{m:03d}" for m in range(1, models + 1)]
    features_all = [f"feature_{f:03d}" for f in range(1, features + 1)]
    return {
        UID_OVERVIEW: {"model": names},
        UID_HEATMAP: {"model": names[0], "feature": features_all},
        UID_FEATURE: {"model": names[0], "feature": features_all[:3]},
        UID_JOB_HEALTH: {"model": names},
    }


def report(url: str, args: argparse.Namespace) -> None:
    targets = {(t.dashboard, t.origin): t for t in inventory.all_targets()}
    values = variables(args.models, args.features)
    for days in (7, 30):
        rng = QueryRange(END - timedelta(days=days), END, "1h")
        for key in QUERIES:
            sql = expand_sql(targets[key].text, values[key[0]], rng)
            spent = timings(url, sql, args.repeat)
            p50, p95 = statistics.median(spent), statistics.quantiles(spent, n=20)[-1]
            print(f"{days:>2}d  p50 {p50:7.1f} ms  p95 {p95:7.1f} ms  {key[0]}: {key[1]}")
            if args.explain:
                explain(url, sql)


def explain(url: str, sql: str) -> None:
    with create_engine(url).connect() as conn:
        plan = conn.exec_driver_sql("EXPLAIN (ANALYZE, BUFFERS) " + sql.replace("%", "%%")).scalars()
        print("\n".join("      " + line for line in plan))


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=20)
    parser.add_argument("--index", action="append", default=[], help='e.g. "runs (model, window_end)"')
    parser.add_argument("--explain", action="store_true")
    parser.add_argument("--keep", action="store_true", help="keep the database and print its URL")
    parser.add_argument("--url", help="measure an existing generated database instead")
    return parser.parse_args()


def main() -> None:
    args = arguments()
    if args.url:
        add_indexes(args.url, args.index)
        report(args.url, args)
        return
    with throwaway_database(args.keep) as url:
        started = time.perf_counter()
        generate(url, args.models, args.days, args.features)
        print(f"generated {args.models} models × {args.days} days × {args.features} features "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        add_indexes(url, args.index)
        report(url, args)


@contextmanager
def throwaway_database(keep: bool) -> Iterator[str]:
    name = f"driftboard_dashbench_{uuid.uuid4().hex[:8]}"
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    url = ADMIN.rsplit("/", 1)[0] + f"/{name}"
    try:
        yield url
    finally:
        if keep:
            print(f"kept: --url {url}")
        else:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def add_indexes(url: str, indexes: list[str]) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        for number, index in enumerate(indexes):
            conn.execute(text(f"CREATE INDEX bench_candidate_{number} ON {index}"))
            print(f"candidate index: {index}")
        conn.execute(text("ANALYZE"))
    engine.dispose()


if __name__ == "__main__":
    main()
