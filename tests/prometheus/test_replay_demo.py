"""The replay over the demo month (`driftboard demo`: drift from day 20, a null burst on day
25) fires what Prometheus's rule engine fires on the same pushed series, run by run (promtool),
and what the real Prometheus fires when each checkpoint's state is pushed to the real
Pushgateway; and the command prints it."""

import json
import os
import subprocess
import sys
import urllib.request
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from driftboard.demo import generate
from driftboard.jobs.load import load_spec
from driftboard.jobs.spec import JobSpec
from driftboard.prometheus import push, replayrules, replaystate
from driftboard.prometheus.replay import replay
from driftboard.prometheus.replayrules import Firing
from driftboard.results import Evaluation
from driftboard.store import connect
from driftboard.store.runs import stored
from tests.support.demo_run import END, run_demo
from tests.support.promreplay import check, exposition
from tests.support.realstack import Stack, http_json, wait_until
from tests.support.repo import REPO

pytestmark = [pytest.mark.slow, pytest.mark.prometheus_stack]  # a month of windows; promtool

STORY = generate.story_ending(END)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    done = run_demo(f"sqlite:///{folder / 'd.db'}", folder)
    assert done.returncode == 0, done.stderr[-3000:]
    return folder


def _runs(demo: Path) -> tuple[JobSpec, list[Evaluation]]:
    loaded = load_spec(demo / "demo" / "jobs" / f"{generate.MODEL}.yaml")
    engine = connect.make_engine(f"sqlite:///{demo / 'd.db'}")
    try:
        return loaded.spec, stored.evaluations(engine, generate.MODEL, STORY.start, STORY.end)
    finally:
        engine.dispose()


def test_the_demo_month_fires_as_prometheus_does(demo: Path, tmp_path: Path) -> None:
    spec, runs = _runs(demo)
    assert len(runs) == 120
    result = check(spec, runs, tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_the_demo_pages_once_after_the_onset_for_the_drifted_features(demo: Path) -> None:
    spec, runs = _runs(demo)
    found = replay(spec, runs)
    assert sum(found.pages.values()) == 1
    drift = [f for f in found.fired if f.alertname in {"DriftboardModelDrift", "DriftboardFeatureDrift"}]
    assert min(f.starts_at for f in drift) > STORY.onset
    drifted = {f.labels["feature"] for f in drift if f.alertname == "DriftboardFeatureDrift"}
    assert drifted == set(generate.DRIFTED)


def test_the_dead_feature_of_day_12_fires_on_that_day(demo: Path) -> None:
    spec, runs = _runs(demo)
    dead = [f for f in replay(spec, runs).fired if f.alertname == "DriftboardFeatureDead"]
    day12 = [f for f in dead if f.labels["feature"] == generate.DEAD_FEATURE]
    assert day12
    assert all(STORY.dead_day[0] < f.starts_at <= STORY.dead_day[1] for f in day12)


def test_the_command_prints_one_json_object_per_firing(demo: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTBOARD_")}
    env["DRIFTBOARD_DATABASE_URL"] = f"sqlite:///{demo / 'd.db'}"
    spec = demo / "demo" / "jobs" / f"{generate.MODEL}.yaml"
    window = ["--start", STORY.start.isoformat(), "--end", STORY.end.isoformat()]
    command = [sys.executable, "-m", "driftboard", "alerts", "replay", str(spec), *window, "--json"]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=300, cwd=REPO, check=False
    )
    assert done.returncode == 0, done.stderr
    lines = [json.loads(line) for line in done.stdout.splitlines()]
    spec_runs = _runs(demo)
    expected = [f.to_json() for f in replay(spec_runs[0], spec_runs[1]).fired]
    assert lines == expected
    assert {"alertname", "labels", "starts_at", "ends_at"} == set(lines[0])


STACK_MODEL = "replay-demo-churn"


def _put(stack: Stack, body: str | None) -> None:
    url = f"{stack.pushgateway_url}/metrics/job/{push.JOB}/model/{STACK_MODEL}"
    request = urllib.request.Request(
        url, data=body.encode() if body else None, method="PUT" if body else "DELETE"
    )
    with urllib.request.urlopen(request, timeout=5) as reply:
        assert reply.status in (200, 202)


def _scraped(stack: Stack, window_end: float) -> float | None:
    """When Prometheus scraped the pushed state (its window end visible), else None."""
    found = stack.query(f'timestamp(driftboard_run_window_end_timestamp_seconds{{model="{STACK_MODEL}"}})')
    ends = stack.query(f'driftboard_run_window_end_timestamp_seconds{{model="{STACK_MODEL}"}}')
    if found and ends and float(ends[0]["value"][1]) == window_end:
        return float(found[0]["value"][1])
    return None


def _alerts_after(stack: Stack, scraped: float) -> tuple[set[Firing]] | None:
    """The firing replayed alerts of an evaluation of the alert rules after `scraped`
    (in a tuple: an empty set is an answer too)."""
    groups = {g["name"]: g for g in http_json(f"{stack.prometheus_url}/api/v1/rules")["data"]["groups"]}
    group = groups["driftboard.alerts"]
    # Both groups run every second, each at its own offset: once both have run twice since the
    # scrape, the alerts' latest run follows a run of the levels that saw the new state.
    if (
        min(_evaluated(groups[name]) for name in ("driftboard.thresholds", "driftboard.alerts"))
        < scraped + 2.5
    ):
        return None
    found = {
        (rule["name"], frozenset(alert["labels"].items()))
        for rule in group["rules"]
        if rule["name"] in replayrules.REPLAYED
        for alert in rule.get("alerts", [])
        if alert["state"] == "firing" and alert["labels"].get("model") == STACK_MODEL
    }
    return (found,)


def _evaluated(group: dict[str, Any]) -> float:
    return datetime.fromisoformat(group["lastEvaluation"]).timestamp()


@pytest.mark.parametrize("run", [40, 45, 75, 76, 77, 78, 97, 98, 110, 119])
def test_the_real_prometheus_fires_the_same_at_each_checkpoint(
    demo: Path, alerting_stack: Stack, run: int
) -> None:
    """The replay's state after `run` (before the onset, the dead feature of day 12, the first
    windows after the onset, the null burst, the dropped column, the end) pushed to the real
    Pushgateway: the real Prometheus, with the generated rules, fires exactly the replay's
    alerts."""
    spec, runs = _runs(demo)
    state = list(replaystate.steps(spec, runs))[run].samples
    moved = {
        (name, frozenset({**dict(labels), "model": STACK_MODEL}.items())): v
        for (name, labels), v in state.items()
    }
    expected = replayrules.firing(moved, STACK_MODEL)
    _put(alerting_stack, exposition(state, STACK_MODEL))
    try:
        end = runs[run].window.end.timestamp()
        scraped = wait_until(lambda: _scraped(alerting_stack, end), 30, "the pushed state scraped")
        (fired,) = wait_until(lambda: _alerts_after(alerting_stack, scraped), 30, "an evaluation after it")
    finally:
        _put(alerting_stack, None)
    assert fired == expected
