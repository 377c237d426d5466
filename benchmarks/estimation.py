"""Performance estimated before labels land against the realised, on the demo model's two
injected incidents (driftboard/demo/estimation.py); results in docs/performance.md.

    PYTHONPATH=. python benchmarks/estimation.py [--days 14] [--seeds 5]
"""

import argparse
import statistics

from driftboard.demo.estimation import SCENARIOS, measure


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--days", type=int, default=14)
    parser.add_argument("--seeds", type=int, default=5)
    args = parser.parse_args()
    print("| scenario | error before onset | error after onset | estimate crosses | labels cross | earlier |")
    print("| --- | --- | --- | --- | --- | --- |")
    for scenario in SCENARIOS:
        runs = [measure(scenario, days=args.days, seed=seed) for seed in range(args.seeds)]
        before = statistics.mean(m.error(True) for m in runs)
        after = statistics.mean(m.error(False) for m in runs)
        seen = {m.crossed(m.estimated) for m in runs}
        truth = {m.crossed(m.realised) for m in runs}
        earlier = {m.windows_earlier() for m in runs}
        print(f"| {scenario} | {before:.4f} | {after:.4f} | {_set(seen)} | {_set(truth)} | {_set(earlier)} |")


def _set(values: set[int | None]) -> str:
    return ", ".join("never" if v is None else str(v) for v in sorted(values, key=lambda v: (v is None, v)))


if __name__ == "__main__":
    main()
