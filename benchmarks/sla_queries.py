"""p50/p95 of the SLA dashboard's SQL on the generated history of heatmap_queries.py.

    PYTHONPATH=. python benchmarks/sla_queries.py [--models 20 --days 90 --features 30] [--repeat 10]

Every model is registered hourly with the default targets; each query runs as the dashboard
sends it, for all models and for one (a repeated row), over the last 7 and 30 days. The
incident view walks each selected model's whole history, so its cost grows with history
length, not with the period.
"""

import argparse
import statistics
import time
from datetime import timedelta

from sqlalchemy import create_engine, text

from benchmarks.heatmap_queries import END, generate, throwaway_database, timings
from driftboard.dashboards import inventory
from driftboard.dashboards.common import UID_SLA
from tests.support.grafana_macros import QueryRange, expand_sql

REGISTER = """
INSERT INTO monitored_models (model, interval_seconds, freshness_target, healthy_target,
                              severe_drift_ratio, drift_share_critical, feature_drift_runs, updated_at)
SELECT DISTINCT model, 3600, 0.99, 0.95, 3, 0.5, 3, now() FROM runs"""


def report(url: str, models: int, repeat: int) -> None:
    targets = [t for t in inventory.all_targets() if t.dashboard == UID_SLA and t.language == "sql"]
    names = [f"model-{m:03d}" for m in range(1, models + 1)]
    for days in (7, 30):
        rng = QueryRange(END - timedelta(days=days), END, "1h")
        for selection in (names, names[:1]):
            for target in targets:
                spent = timings(url, expand_sql(target.text, {"model": selection}, rng), repeat)
                p50, p95 = statistics.median(spent), statistics.quantiles(spent, n=20)[-1]
                timing = f"p50 {p50:7.1f} ms  p95 {p95:7.1f} ms"
                print(f"{days:>2}d {len(selection):>3} models  {timing}  {target.origin}")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--models", type=int, default=20)
    parser.add_argument("--days", type=int, default=90)
    parser.add_argument("--features", type=int, default=30)
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    with throwaway_database(keep=False) as url:
        started = time.perf_counter()
        generate(url, args.models, args.days, args.features)
        with create_engine(url).begin() as conn:
            conn.execute(text(REGISTER))
        print(f"generated {args.models} models × {args.days} days × {args.features} features "
              f"in {time.perf_counter() - started:.0f} s")  # fmt: skip
        report(url, args.models, args.repeat)


if __name__ == "__main__":
    main()
