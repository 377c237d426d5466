"""`driftboard status` and `driftboard history` on a hand-made history (tests/support/
drift_history.py), on SQLite and PostgreSQL; firing alerts from the real Prometheus."""

import uuid
from datetime import timedelta
from pathlib import Path

import pytest
from rich.console import Console
from sqlalchemy import Engine

from driftboard.cli.history import columns, draw
from driftboard.colours import GRAFANA_HEX, ratio_scale
from driftboard.prometheus import push
from driftboard.prometheus.metrics import RunContext
from driftboard.reports import driftgrid
from driftboard.reports.verdict import judge
from driftboard.store import connect
from driftboard.store.runs import modelstate
from tests.support.cli_helpers import invoke, store_env
from tests.support.databases import migrated
from tests.support.drift_history import AGE, FAILED_REASON, INCOME, T0, H, alpha_run, seed, spec
from tests.support.realstack import Stack, wait_until

END = ["--end", (T0 + 6 * H).isoformat()]


@pytest.fixture
def seeded(store_url: str) -> str:
    migrated(store_url, seed)
    return store_url


def engine_of(url: str) -> Engine:
    return connect.make_engine(url)


def test_status_names_drift_quality_and_failures(seeded: str, tmp_path: Path) -> None:
    result = invoke(["status", "--json"], store_env(seeded, tmp_path))
    assert result.code == 0, result.stderr
    alpha, beta = result.json()["models"]
    assert alpha["status"] == "critical, stale"  # income 4.0 ≥ severe_drift_ratio 3; hours old by now
    assert alpha["drifted"] == [{"feature": "income", "drift_ratio": 4.0}]
    assert alpha["window_end"] == (T0 + 6 * H).isoformat()
    assert alpha["data_quality"] == [
        {"feature": "plan", "flag": "nulls 0% → 40%"},
        {"feature": "zip", "flag": "skipped: missing from current data"},
    ]
    assert (beta["status"], beta["error"]) == ("ok, failed, stale", FAILED_REASON)
    assert beta["features_from"] == (T0 + H).isoformat()  # the last window that succeeded
    assert alpha["firing"] is None  # no Prometheus configured


def test_status_text(seeded: str, tmp_path: Path) -> None:
    result = invoke(["status"], store_env(seeded, tmp_path))
    lines = result.stdout.splitlines()
    assert lines[0].startswith("alpha  critical, stale  window 2026-04-01 05:00 → 2026-04-01 06:00 UTC")
    assert "  drifted 1 of 3: income 4.00" in lines
    assert "  data quality: plan: nulls 0% → 40%" in lines
    assert f"  failed: {FAILED_REASON}" in lines


@pytest.mark.parametrize(
    ("after", "status"), [(timedelta(minutes=30), "critical"), (timedelta(hours=3), "critical, stale")]
)
def test_stale_after_stale_intervals_periods(seeded: str, after: timedelta, status: str) -> None:
    states = {s.model: s for s in modelstate.model_states(engine_of(seeded))}
    assert judge(states["alpha"], T0 + 6 * H + after).status == status  # 2 × 1 h by default


def test_status_of_an_empty_store(store_url: str, tmp_path: Path) -> None:
    result = invoke(["status"], store_env(store_url, tmp_path))
    assert (result.code, result.stdout.split(":")[0]) == (0, "No runs stored yet")


def test_status_shows_the_alerts_prometheus_fires(
    fresh_store: str, alerting_stack: Stack, tmp_path: Path
) -> None:
    model = f"status-{uuid.uuid4().hex[:8]}"
    migrated(fresh_store, lambda engine: seed(engine, model, f"{model}-b"))
    ctx = RunContext(3600, T0 + 6 * H, {"income": 3}, spec(model).alerts, model_drift_runs=2)
    push.push(alerting_stack.pushgateway_url, alpha_run(5, model), ctx)
    url = alerting_stack.prometheus_url
    env = store_env(fresh_store, tmp_path) | {"DRIFTBOARD_PROMETHEUS_URL": url}

    def shown() -> dict[str, object] | None:
        (mine,) = [m for m in invoke(["status", "--json"], env).json()["models"] if m["model"] == model]
        names = {a["alert"] for a in mine["firing"]}
        return mine if {"DriftboardModelDrift", "DriftboardFeatureDrift"} <= names else None

    mine = wait_until(shown, 30, "ModelDrift and FeatureDrift firing for the model", interval=1)
    assert {"alert": "DriftboardModelDrift", "severity": "critical", "feature": None} in mine["firing"]  # type: ignore[operator]
    text = invoke(["status"], env).stdout
    assert "  firing: DriftboardModelDrift (critical)" in text.splitlines()
    push.delete(alerting_stack.pushgateway_url, model)


def test_status_warns_when_prometheus_does_not_answer(seeded: str, tmp_path: Path) -> None:
    env = store_env(seeded, tmp_path) | {"DRIFTBOARD_PROMETHEUS_URL": "http://127.0.0.1:9"}
    result = invoke(["status"], env)
    assert result.code == 0
    assert result.stderr.startswith("warning: Prometheus at http://127.0.0.1:9 gave no alerts:")


def test_history_rows_worst_first_with_every_ratio(seeded: str, tmp_path: Path) -> None:
    result = invoke(["history", "alpha", "--period", "1d", *END, "--json"], store_env(seeded, tmp_path))
    assert result.code == 0, result.stderr
    grid = result.json()
    # age and plan tie at 0.3: by name, as the Grafana heatmap breaks ties; never scored: last
    assert [f["feature"] for f in grid["features"]] == ["income", "age", "plan", "zip"]
    assert grid["features"][0]["ratios"] == INCOME
    assert grid["features"][1]["ratios"] == AGE
    assert grid["features"][3] == {"feature": "zip", "worst": None, "ratios": [None] * 6}
    assert len(grid["runs"]) == 6


def test_history_period_cuts_the_runs(seeded: str, tmp_path: Path) -> None:
    result = invoke(["history", "alpha", "--period", "2h", *END, "--json"], store_env(seeded, tmp_path))
    assert result.json()["features"][0]["ratios"] == INCOME[-2:]


def test_history_colours_are_the_heatmaps(seeded: str) -> None:
    """Each printed cell carries the hex of the heatmap step its ratio falls in."""
    grid = driftgrid.build(engine_of(seeded), "alpha", T0, T0 + 6 * H)
    console = Console(record=True, width=120, color_system="truecolor")
    draw(grid, console)
    income = next(line for line in console.export_text(styles=True).splitlines() if line.startswith("income"))
    expected = ["green", "green", "yellow", "orange", "orange", "red"]  # 0.2 0.5 0.9 1.5 2.0 4.0
    colours = [s.colour for s in ratio_scale()]
    assert colours == ["green", "yellow", "orange", "red"]
    for name in expected:
        r, g, b = (int(GRAFANA_HEX[name][i : i + 2], 16) for i in (1, 3, 5))
        assert f"38;2;{r};{g};{b}m█" in income, name
    assert income.count("█") == 6


def test_history_fits_many_runs_into_the_width() -> None:
    slices = columns(720, 80)
    assert len(slices) == 80
    assert [i for s in slices for i in s] == list(range(720))  # every run in exactly one column


@pytest.mark.parametrize(
    ("args", "code", "words"),
    [(["history", "nope"], 2, "no runs of model 'nope' are stored; known: alpha, beta"),
     (["history", "alpha", "--period", "a while"], 2, "--period"),
     (["history", "alpha", "--end", "tomorrow"], 2, "--end 'tomorrow' is not an ISO 8601 timestamp")],
)  # fmt: skip
def test_history_bad_requests(seeded: str, tmp_path: Path, args: list[str], code: int, words: str) -> None:
    result = invoke(args, store_env(seeded, tmp_path))
    assert result.code == code
    assert words in result.stderr
