"""Alert latency: end of the paging `driftboard run` → PagerDuty payload at the capture server.

The paging run is the second critically drifted run in a row (model_drift_runs, 2 by
default): the first, an hour earlier, is run before the clock starts.

Measured on the real Pushgateway, Prometheus and Alertmanager with test intervals (1 s scrape
and evaluation, group_wait 0 s), then computed for the shipped production intervals from
alerting/prometheus.yml, alerting/alertmanager.yml and alerting/config.yml.

    python benchmarks/alert_latency.py [--runs 5]
"""

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.support.alerting import (  # noqa: E402
    DRIFTED_AT,
    EARLIER_DRIFTED_AT,
    example_job,
    pagerduty_about,
)
from tests.support.cli_helpers import invoke, store_env  # noqa: E402
from tests.support.realstack import PAGERDUTY_PATH, start_stack  # noqa: E402


def seconds(text: str) -> float:
    from driftboard.jobs.durations import parse_duration

    return parse_duration(text).total_seconds() if text != "0s" else 0.0


def measured(runs: int) -> list[float]:
    latencies = []
    with tempfile.TemporaryDirectory() as tmp:
        (Path(tmp) / "stack").mkdir()
        stack = start_stack(Path(tmp) / "stack")
        try:
            for i in range(runs):
                work = Path(tmp) / f"run{i}"
                work.mkdir()
                job, model = example_job(work)
                env = store_env(f"sqlite:///{work / 'db.sqlite'}", work)
                env["DRIFTBOARD_PUSHGATEWAY_URL"] = stack.pushgateway_url
                # The report is built after the push: keeping none ends the command at the push.
                env["DRIFTBOARD_KEEP_REPORTS"] = "none"
                assert invoke(["run", str(job), "--at", EARLIER_DRIFTED_AT], env).code == 0
                assert invoke(["run", str(job), "--at", DRIFTED_AT], env).code == 0
                done = time.monotonic()
                stack.capture.wait_for(PAGERDUTY_PATH, pagerduty_about(model, "trigger"), 60, model)
                latencies.append(time.monotonic() - done)
        finally:
            stack.stop()
    return latencies


def production() -> tuple[float, float]:
    """Best and worst case from the shipped intervals: scrape + evaluation + for + group_wait."""
    prom = yaml.safe_load((ROOT / "alerting" / "prometheus.yml").read_text())["global"]
    am = yaml.safe_load((ROOT / "alerting" / "alertmanager.yml").read_text())["route"]
    rules = yaml.safe_load((ROOT / "alerting" / "config.yml").read_text())["alerts"]
    wait, for_ = seconds(am["group_wait"]), seconds(rules["DriftboardModelDrift"]["for"])
    worst = seconds(prom["scrape_interval"]) + seconds(prom["evaluation_interval"]) + for_ + wait
    return for_ + wait, worst


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    latencies = measured(parser.parse_args().runs)
    best, worst = production()
    print("| intervals | p50 | max | runs |")
    print("| --- | --- | --- | --- |")
    print(
        f"| test (1 s scrape/eval, group_wait 0 s), measured | {statistics.median(latencies):.2f} s "
        f"| {max(latencies):.2f} s | {len(latencies)} |"
    )
    print(f"| production (shipped config), computed | ≥ {best:.0f} s | ≤ {worst:.0f} s | - |")


if __name__ == "__main__":
    main()
