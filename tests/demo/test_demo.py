"""`driftboard demo` end to end: a month with a dead feature on day 12, drift from day 20 in three
features, a null burst on day 25 and a column dropped from day 28, on PostgreSQL (read back
through the heatmap dashboard's own query, and through the real Prometheus and Alertmanager)
and on the embedded SQLite."""

import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from driftboard.dashboards import inventory
from driftboard.dashboards.style import SKIPPED_CELL
from driftboard.demo import generate
from driftboard.sla.data import Span, fetch
from driftboard.store import connect
from driftboard.store.models import FeatureResult, Run
from tests.support.dashboard_support import run_sql
from tests.support.databases import create_pg_database, drop_pg_database, migrated
from tests.support.demo_run import END, run_demo
from tests.support.grafana_macros import QueryRange
from tests.support.realstack import Stack, http_json

pytestmark = pytest.mark.slow  # each runs `driftboard demo` as a process: a month of windows

STORY = generate.story_ending(END)
FEATURES = [*generate.NUMERICAL, *generate.CATEGORICAL, "churn_probability"]


@dataclass
class DemoRun:
    url: str
    stdout: str
    folder: Path


@pytest.fixture(scope="module")
def pg_demo(alerting_stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoRun]:
    url, folder = migrated(create_pg_database("driftboard_demo")), tmp_path_factory.mktemp("demo-pg")
    # The test stack scrapes every second: a window left in place a little longer is seen.
    done = run_demo(url, folder, "--pace", "1.1", DRIFTBOARD_PUSHGATEWAY_URL=alerting_stack.pushgateway_url)
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
    # The dead feature's and the dropped column's cells show as skipped, nothing else does.
    skipped = sorted((c["feature"], c["time"]) for c in cells if c["drift_ratio"] == SKIPPED_CELL)
    assert skipped == sorted(
        [(generate.DEAD_FEATURE, end) for end in affected(STORY.dead_day)]
        + [(generate.DROPPED_COLUMN, end) for end in affected((STORY.dropped_from, STORY.end))]
    )
    drifted = [c for c in cells if c["drift_ratio"] >= 1]  # type: ignore[operator]
    assert {c["feature"] for c in drifted} == set(generate.DRIFTED)
    assert min(c["time"] for c in drifted) == STORY.onset + timedelta(hours=6)  # the first window after onset
    for feature in generate.DRIFTED:  # every window after the onset, none before
        after = [c for c in cells if c["feature"] == feature and c["time"] > STORY.onset]
        assert all(c["drift_ratio"] >= 1 for c in after), feature  # type: ignore[operator]
    ranks = {c["feature"]: c["worst_rank"] for c in cells}
    assert sorted(ranks[f] for f in generate.DRIFTED) == ["0001", "0002", "0003"]  # worst on top


def affected(span: tuple[datetime, datetime]) -> list[datetime]:
    """Ends of the six-hour windows that overlap [lo, hi)."""
    lo, hi = span
    ends = [STORY.start + timedelta(hours=6 * k) for k in range(1, 121)]
    return [end for end in ends if end > lo and end - timedelta(hours=6) < hi]


@pytest.mark.postgres
def test_null_burst_on_day_25_only(pg_demo: DemoRun) -> None:
    engine = connect.make_engine(pg_demo.url)
    query = select(FeatureResult.feature, FeatureResult.window_end).where(
        FeatureResult.null_share > 0.2, FeatureResult.status == "ok"
    )
    with engine.connect() as conn:
        burst = conn.execute(query).all()
    engine.dispose()
    assert {feature for feature, _ in burst} == {generate.NULL_BURST_FEATURE}
    assert sorted(end for _, end in burst) == affected(STORY.null_burst)  # the two windows it covers


@pytest.mark.postgres
def test_a_dead_feature_on_day_12_and_a_column_dropped_from_day_28(pg_demo: DemoRun) -> None:
    engine = connect.make_engine(pg_demo.url)
    f = FeatureResult
    with engine.connect() as conn:
        unscored = conn.execute(select(f.feature, f.window_end, f.reason).where(f.status != "ok")).all()
        changes = conn.execute(select(Run.window_end, Run.schema_changes).order_by(Run.window_end)).all()
    engine.dispose()
    dead, dropped = affected(STORY.dead_day), affected((STORY.dropped_from, STORY.end))
    assert sorted((feature, end) for feature, end, _ in unscored) == sorted(
        [(generate.DEAD_FEATURE, end) for end in dead] + [(generate.DROPPED_COLUMN, end) for end in dropped]
    )
    assert {reason for _, _, reason in unscored} == {
        "no non-null values in the current window",
        "missing from current data",
    }
    assert [end for end, change in changes if change["missing"]] == dropped
    assert all(change["missing"] in ([], [generate.DROPPED_COLUMN]) for _, change in changes)
    assert not any(change["added"] or change["dtype_changed"] for _, change in changes)


@pytest.mark.postgres
def test_every_window_succeeded_and_one_report_was_kept(pg_demo: DemoRun) -> None:
    engine = connect.make_engine(pg_demo.url)
    with engine.connect() as conn:
        statuses = conn.execute(select(Run.status, Run.report_path).order_by(Run.window_end)).all()
    engine.dispose()
    assert [s for s, _ in statuses] == ["succeeded"] * 120
    assert [p for _, p in statuses if p] == [f"{generate.MODEL}/20261128T000000Z.html"]
    assert (pg_demo.folder / "reports" / generate.MODEL / "20261128T000000Z.html").is_file()


# Every injected incident: the span of data it touches, and the alerts it must fire as
# (alertname, feature label or None). Nothing else may fire for the demo model. The dropped
# column is a dead feature (reason `missing`), not a schema change: that alert is for added
# columns and changed types, so each incident reaches people once.
INCIDENTS: dict[str, tuple[tuple[datetime, datetime], set[tuple[str, str | None]]]] = {
    "dead feature on day 12": (STORY.dead_day, {("DriftboardFeatureDead", generate.DEAD_FEATURE)}),
    "drift from day 20": (
        (STORY.onset, STORY.end),
        {("DriftboardModelDrift", None), *(("DriftboardFeatureDrift", f) for f in generate.DRIFTED)},
    ),
    "null burst on day 25": (STORY.null_burst, {("DriftboardDataQuality", generate.NULL_BURST_FEATURE)}),
    "column dropped from day 28": (
        (STORY.dropped_from, STORY.end),
        {("DriftboardFeatureDead", generate.DROPPED_COLUMN)},
    ),
}


def firing_series(stack: Stack, since: datetime) -> list[dict[str, Any]]:
    params = {
        "query": f'ALERTS{{model="{generate.MODEL}", alertstate="firing"}}',
        "step": "1",
        "start": since.timestamp(),
        "end": datetime.now(UTC).timestamp(),
    }
    return list(
        http_json(f"{stack.prometheus_url}/api/v1/query_range?" + urllib.parse.urlencode(params))["data"][
            "result"
        ]
    )


@pytest.mark.postgres
def test_the_month_fires_exactly_the_injected_incidents(pg_demo: DemoRun, alerting_stack: Stack) -> None:
    engine = connect.make_engine(pg_demo.url)
    with engine.connect() as conn:
        pushed = dict(conn.execute(select(Run.window_end, Run.pushed_at)).all())
    engine.dispose()
    assert all(pushed.values())  # a month into an empty store: each window was live in turn
    fired = firing_series(alerting_stack, min(pushed.values()) - timedelta(minutes=10))
    cause = {alert: name for name, (_, alerts) in INCIDENTS.items() for alert in alerts}
    assert {(s["metric"]["alertname"], s["metric"].get("feature")) for s in fired} == set(cause)
    for series in fired:  # and none before its incident's first window was pushed
        span, _ = INCIDENTS[cause[(series["metric"]["alertname"], series["metric"].get("feature"))]]
        first_push = pushed[affected(span)[0]]
        assert float(series["values"][0][0]) >= first_push.timestamp() - 1, series["metric"]


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
    rows = {
        **dict.fromkeys(generate.DRIFTED, "·" * 19 + "█" * 11),
        generate.NULL_BURST_FEATURE: "·" * 24 + "▒" + "·" * 5,
        generate.DEAD_FEATURE: "·" * 11 + "✗" + "·" * 18,
        generate.DROPPED_COLUMN: "·" * 27 + "✗" * 3,
    }
    assert grid == {feature: rows.get(feature, "·" * 30) for feature in FEATURES}


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
