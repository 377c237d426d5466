"""`driftboard demo` end to end: a month with drift from day 20 in three features and a null
burst on day 25, on PostgreSQL (read back through the heatmap dashboard's own query, and
through the real Prometheus and Alertmanager) and on the embedded SQLite."""

import os
import subprocess
import sys
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select

from driftboard.dashboards import inventory
from driftboard.demo import generate
from driftboard.sla.data import Span, fetch
from driftboard.store import connect
from driftboard.store.models import FeatureResult, Run
from tests.support.dashboard_support import run_sql
from tests.support.databases import create_pg_database, drop_pg_database, migrated
from tests.support.grafana_macros import QueryRange
from tests.support.realstack import Stack, http_json
from tests.support.repo import REPO

pytestmark = pytest.mark.slow  # each runs `driftboard demo` as a process: a month of windows

END = datetime(2026, 11, 28, tzinfo=UTC)
STORY = generate.story_ending(END)
FEATURES = [*generate.NUMERICAL, *generate.CATEGORICAL, "churn_probability"]


@dataclass
class DemoRun:
    url: str
    stdout: str
    folder: Path


def run_demo(url: str, folder: Path, **env: str) -> subprocess.CompletedProcess[str]:
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTBOARD_")}
    environ |= {"DRIFTBOARD_DATABASE_URL": url, "DRIFTBOARD_REPORTS_DIR": str(folder / "reports"), **env}
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
    return subprocess.run(command, env=environ, capture_output=True, text=True, timeout=900, cwd=REPO)


@pytest.fixture(scope="module")
def pg_demo(alerting_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    url, folder = migrated(create_pg_database("driftboard_demo")), tmp_path_factory.mktemp("demo-pg")
    done = run_demo(url, folder, DRIFTBOARD_PUSHGATEWAY_URL=alerting_stack.pushgateway_url)
    assert done.returncode == 0, done.stderr[-3000:]
    yield DemoRun(url, done.stdout, folder)
    drop_pg_database(url)


def heatmap_cells(url: str) -> list[dict[str, object]]:
    (panel,) = [
        t
        for t in inventory.targets(inventory.load()["driftboard-heatmap"])
        if t.origin.startswith("panel Feature drift")
    ]
    engine = connect.make_engine(url)
    rng = QueryRange(STORY.start, STORY.end, "6h")
    result = run_sql(engine, panel.text, {"model": [generate.MODEL], "feature": FEATURES}, rng)
    engine.dispose()
    return result.dicts()


@pytest.mark.postgres
def test_heatmap_shows_the_band_from_day_20_in_exactly_the_three_features(pg_demo: DemoRun) -> None:
    cells = heatmap_cells(pg_demo.url)
    assert len(cells) == 120 * len(FEATURES)
    drifted = [c for c in cells if c["drift_ratio"] >= 1]  # type: ignore[operator]
    assert {c["feature"] for c in drifted} == set(generate.DRIFTED)
    assert min(c["time"] for c in drifted) == STORY.onset + timedelta(hours=6)  # the first window after onset
    for feature in generate.DRIFTED:  # every window after the onset, none before
        after = [c for c in cells if c["feature"] == feature and c["time"] > STORY.onset]
        assert all(c["drift_ratio"] >= 1 for c in after), feature  # type: ignore[operator]
    ranks = {c["feature"]: c["worst_rank"] for c in cells}
    assert sorted(ranks[f] for f in generate.DRIFTED) == ["0001", "0002", "0003"]  # worst on top


@pytest.mark.postgres
def test_null_burst_on_day_25_only(pg_demo: DemoRun) -> None:
    engine = connect.make_engine(pg_demo.url)
    query = select(FeatureResult.feature, FeatureResult.window_end).where(FeatureResult.null_share > 0.2)
    with engine.connect() as conn:
        burst = conn.execute(query).all()
    engine.dispose()
    lo, hi = STORY.null_burst
    assert {feature for feature, _ in burst} == {generate.NULL_BURST_FEATURE}
    assert sorted(end for _, end in burst) == [lo + timedelta(hours=6), hi]  # the two windows it covers


@pytest.mark.postgres
def test_every_window_succeeded_and_one_report_was_kept(pg_demo: DemoRun) -> None:
    engine = connect.make_engine(pg_demo.url)
    with engine.connect() as conn:
        statuses = conn.execute(select(Run.status, Run.report_path).order_by(Run.window_end)).all()
    engine.dispose()
    assert [s for s, _ in statuses] == ["succeeded"] * 120
    assert [p for _, p in statuses if p] == [f"{generate.MODEL}/20261128T000000Z.html"]
    assert (pg_demo.folder / "reports" / generate.MODEL / "20261128T000000Z.html").is_file()


@pytest.mark.postgres
def test_alerts_fire_for_the_drifted_features_and_nothing_before_onset(
    pg_demo: DemoRun, alerting_stack: Stack
) -> None:
    engine = connect.make_engine(pg_demo.url)
    with engine.connect() as conn:
        first_drifted_push = conn.scalar(
            select(Run.pushed_at).where(Run.n_drifted > 0).order_by(Run.window_end).limit(1)
        )
    engine.dispose()
    params = {
        "query": f'ALERTS{{model="{generate.MODEL}", alertstate="firing"}}',
        "step": "1",
        "start": (first_drifted_push - timedelta(minutes=10)).timestamp(),
        "end": datetime.now(UTC).timestamp(),
    }
    series = http_json(
        f"{alerting_stack.prometheus_url}/api/v1/query_range?" + urllib.parse.urlencode(params)
    )
    fired = series["data"]["result"]
    names = {s["metric"]["alertname"] for s in fired}
    assert "DriftboardModelDrift" in names  # days_since_last_login is ~3x its threshold: severe
    assert {s["metric"].get("feature") for s in fired} - {None} <= set(generate.DRIFTED) | {
        generate.NULL_BURST_FEATURE
    }
    earliest = min(float(s["values"][0][0]) for s in fired)
    assert (
        earliest >= first_drifted_push.timestamp() - 1
    )  # nothing before the first drifted window was pushed


def test_demo_on_the_embedded_sqlite(tmp_path: Path) -> None:
    done = run_demo(f"sqlite:///{tmp_path / 'driftboard.db'}", tmp_path)
    assert done.returncode == 0, done.stderr[-3000:]
    assert "demo-churn: 120 windows: 120 succeeded, 0 failed" in done.stdout
    report = tmp_path / "demo" / "sla-report.html"
    assert f"  SLA report of the month: {report}" in done.stdout
    assert "demo-churn" in report.read_text()
    assert_honest_sla(f"sqlite:///{tmp_path / 'driftboard.db'}")
    grid = {
        line.split()[0]: line.split()[1]
        for line in done.stdout.splitlines()
        if line.startswith("  ") and len(line.split()) == 2
    }
    assert set(grid) == set(FEATURES)
    for feature, row in grid.items():
        if feature in generate.DRIFTED:
            assert row == "·" * 19 + "█" * 11, feature
        elif feature == generate.NULL_BURST_FEATURE:
            assert row == "·" * 24 + "▒" + "·" * 5
        else:
            assert row == "·" * 30, feature


def assert_honest_sla(url: str) -> None:
    """The month was backfilled minutes ago, long after each window was due: none of it is late,
    and the drift from day 20 is detected one window after its onset, not at the backfill."""
    engine = connect.make_engine(url)
    result = fetch(engine, Span(STORY.start, STORY.end, datetime.now(UTC)))
    engine.dispose()
    (summary,) = result["summary"]
    assert (summary["expected_windows"], summary["on_time_windows"], summary["on_time_share"]) == (
        120,
        120,
        1.0,
    )
    (incident,) = result["incidents"]
    assert (incident["onset"], incident["detected_at"]) == (STORY.onset, STORY.onset + timedelta(hours=6))
    assert incident["mttd_seconds"] == 6 * 3600
