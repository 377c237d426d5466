"""The SLA views and their period aggregation against sla_history, worked out by hand.

Each expectation is written as the count it comes from (see sla_history's docstring), on
PostgreSQL and SQLite alike.
"""

from typing import Any

from sqlalchemy import Engine, create_engine, text

from driftboard.sla.data import Span, fetch
from tests.support.sla_expected import ALPHA, BETA, GAMMA, INCIDENTS, assert_numbers, at, by_model
from tests.support.sla_history import ALPHA_FAILED, DAY, ON_TIME, SKIP_REASON, T0, H


def test_summary_per_model(sla_engine: Engine) -> None:
    summary = by_model(fetch(sla_engine, DAY)["summary"])
    assert list(summary) == ["alpha", "beta", "gamma"]  # stray ran but is not registered
    assert_numbers(summary["alpha"], ALPHA)
    assert_numbers(summary["beta"], BETA)
    assert_numbers(summary["gamma"], GAMMA)


def test_incidents_onset_detection_alert_end(sla_engine: Engine) -> None:
    rows = fetch(sla_engine, DAY)["incidents"]
    keys = ("onset", "detected_at", "alerted_at", "ended_at", "windows", "critical_windows")
    got = [(*(r[k] for k in keys), r["mttd_seconds"], r["mttr_seconds"]) for r in rows]
    assert got == INCIDENTS
    assert {r["model"] for r in rows} == {"alpha"}


def test_failure_reasons_are_counted_by_status_and_reason(sla_engine: Engine) -> None:
    rows = [(r["status"], r["reason"], r["runs"]) for r in fetch(sla_engine, DAY)["reasons"]]
    assert sorted(rows) == [
        ("failed", ALPHA_FAILED[14], 1),
        ("failed", ALPHA_FAILED[9], 1),
        ("skipped", SKIP_REASON.split(":")[0], 1),  # the error up to its first colon
    ]


def test_worst_features_by_drifted_windows_then_ratio(sla_engine: Engine) -> None:
    rows = [r for r in fetch(sla_engine, DAY)["worst_features"] if r["model"] == "alpha"]
    got = [(r["rank"], r["feature"], r["drifted_windows"], r["windows"], r["worst_ratio"]) for r in rows]
    assert got == [(1, "f1", 8, 18, 1.5), (2, "f2", 3, 18, 1.3), (3, "f3", 1, 18, 3.5), (4, "f4", 0, 18, 0.5)]


def test_heatmap_cells_are_days_of_window_ends(sla_engine: Engine) -> None:
    cells = {(r["feature"], r["day"]): r for r in fetch(sla_engine, DAY)["heatmap"] if r["model"] == "alpha"}
    assert set(cells) == {(f, d) for f in ("f1", "f2", "f3", "f4") for d in ("2026-02-01", "2026-02-02")}
    first = cells[("f1", "2026-02-01")]  # windows ending 1h..23h; 24h ends on the next day
    assert (first["worst_ratio"], first["drifted_windows"], first["windows"]) == (1.5, 7, 17)
    assert cells[("f3", "2026-02-01")]["worst_ratio"] == 3.5


def test_a_later_start_counts_only_later_ticks(sla_engine: Engine) -> None:
    span = Span(at(6), at(24), DAY.now)  # alpha ticks 7..24, beta ticks 7, 9, …, 23
    summary = by_model(fetch(sla_engine, span)["summary"])
    # 15 rows from 7 on (9 and 14 failed, 19 skipped), 11 finished late: A still ends in (6h, 24h].
    assert_numbers(summary["alpha"], {"expected_windows": 18, "runs": 15, "evaluated_windows": 12})
    assert_numbers(summary["alpha"], {"on_time_windows": 11, "incidents": 3})
    assert_numbers(summary["beta"], {"expected_windows": 9, "evaluated_windows": 9})


def test_a_window_counts_once_its_deadline_passed(sla_engine: Engine) -> None:
    """At 24:30 the window ending 24:00 may still be running: it is in no count yet."""
    summary = by_model(fetch(sla_engine, Span(T0, at(24), at(24, 30)))["summary"])
    assert_numbers(summary["alpha"], {"expected_windows": 23, "runs": 20, "on_time_windows": 16})
    assert_numbers(summary["beta"], {"expected_windows": 10, "runs": 10})  # 23h due at 25h


def test_incidents_outside_the_period_are_left_out(sla_engine: Engine) -> None:
    rows = fetch(sla_engine, Span(at(8), at(16), DAY.now))["incidents"]
    assert [r["onset"] for r in rows] == [at(11)]


def test_per_window_flags(sla_engine: Engine) -> None:
    query = "SELECT window_end, on_time, critical, healthy FROM sla_runs WHERE model = 'alpha'"
    with sla_engine.connect() as conn:
        rows = conn.execute(text(query)).all()
    flags = {str(r.window_end)[:19]: (r.on_time, r.critical, r.healthy) for r in rows}
    hour = {k: str(at(k))[:19] for k in (11, 12, 13, 15, 16)}
    assert flags[hour[11]] == (0, 0, 1)  # finished after the next tick: late, still healthy
    assert flags[hour[12]] == (1, 0, 1)  # 10 min late is on time for an hourly schedule
    assert (flags[hour[13]], flags[hour[15]], flags[hour[16]]) == ((1, 1, 0), (1, 1, 0), (1, 0, 1))
    assert ON_TIME < H


def test_only_the_judged_metric_decides_health(sla_engine: Engine) -> None:
    query = "SELECT window_end, performance, performance_ok FROM sla_runs WHERE model = 'beta'"
    with sla_engine.connect() as conn:
        rows = [(r.performance, r.performance_ok) for r in conn.execute(text(query + " ORDER BY 1"))]
    assert rows[:4] == [(0.9, 1), (0.6, 0), (0.8, 1), (None, None)]  # 9h has only an accuracy


def test_a_model_not_asked_for_is_left_out(sla_engine: Engine) -> None:
    result = fetch(sla_engine, DAY, ["beta", "stray"])
    assert [r["model"] for r in result["summary"]] == ["beta"]
    assert fetch(sla_engine, DAY, [])["summary"] == []


def relation_rows(plan: dict[str, Any], relation: str) -> list[int]:
    """Rows each scan of `relation` produced, anywhere in an EXPLAIN (ANALYZE, FORMAT JSON) plan."""
    own = [plan["Actual Rows"] * plan["Actual Loops"]] if plan.get("Relation Name") == relation else []
    return own + [n for child in plan.get("Plans", []) for n in relation_rows(child, relation)]


def test_one_models_incidents_read_only_its_runs(sla_pg_url: str) -> None:
    """PostgreSQL must push `model = ...` into the view (else every model's history is walked)."""
    engine = create_engine(sla_pg_url)
    with engine.connect() as conn:
        (plan,) = conn.scalar(
            text("EXPLAIN (ANALYZE, FORMAT JSON) SELECT * FROM sla_incidents WHERE model = 'beta'")
        )
    engine.dispose()
    scans = relation_rows(plan["Plan"], "runs")
    assert scans
    assert max(scans) == 11  # beta's runs; alpha's 21 rows and stray's are never read
