"""The replay over the demo month (`driftboard demo`: drift from day 20, a null burst on day
25) fires what Prometheus's rule engine fires on the same pushed series, run by run, and the
command prints it."""

import json
import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

import pytest

from driftboard.demo import generate
from driftboard.jobs.load import load_spec
from driftboard.jobs.spec import JobSpec
from driftboard.prometheus.replay import replay
from driftboard.results import Evaluation
from driftboard.store import connect, stored
from tests.support.promreplay import check
from tests.support.repo import REPO

pytestmark = [pytest.mark.slow, pytest.mark.prometheus_stack]  # a month of windows; promtool

END = datetime(2026, 11, 28, tzinfo=UTC)
STORY = generate.story_ending(END)


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("demo")
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTBOARD_")}
    env |= {
        "DRIFTBOARD_DATABASE_URL": f"sqlite:///{folder / 'd.db'}",
        "DRIFTBOARD_REPORTS_DIR": str(folder / "r"),
    }
    command = [
        sys.executable,
        "-m",
        "driftboard",
        "demo",
        "--dir",
        str(folder / "demo"),
        "--end",
        END.isoformat(),
    ]
    done = subprocess.run(
        command, env=env, capture_output=True, text=True, timeout=900, cwd=REPO, check=False
    )
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
    assert min(f.starts_at for f in found.fired) > STORY.onset
    drifted = {f.labels["feature"] for f in found.fired if f.alertname == "DriftboardFeatureDrift"}
    assert drifted == set(generate.DRIFTED)


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
