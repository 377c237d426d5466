"""Every SQL target of the generated dashboards, run against a store with a known history.

Queries run as driftboard_grafana (the provisioned datasource's role), after Grafana's
variable and macro expansion, so a query that passes here also passes the role's grants.
"""

import re
from datetime import timedelta
from decimal import Decimal
from typing import Any

import psycopg2.errors
import pytest
from sqlalchemy import Connection, Engine, text

from driftboard.dashboards import inventory
from driftboard.dashboards.style import ERROR_CELL, SKIPPED_CELL
from driftboard.store import rollup
from tests.support.dashboard_history import (
    CRAFTED,
    ERROR_RUN,
    HOUR,
    INCOME_ONSET,
    LAG,
    MODELS,
    PLAN_ONSET,
    RANGE,
    STATE,
    T0,
    end_of,
)
from tests.support.dashboard_support import Result, run_sql
from tests.support.grafana_macros import QueryRange, Value, expand_sql

CHURN_FEATURES = ["age", "churn_score", "income", "plan", "tenure"]
VARIABLES: dict[str, dict[str, Value]] = {
    "driftboard-overview": {"model": MODELS},
    "driftboard-heatmap": {"model": "churn", "feature": CHURN_FEATURES},
    "driftboard-feature": {"model": "churn", "feature": ["income", "plan"]},
    "driftboard-job-health": {"model": MODELS},
    "driftboard-sla": {"model": MODELS},
}
RUNS = 48 + 12 + 48 + 48 + 2  # every run of every model in the range
SUCCEEDED = RUNS - 2  # churn's run 20 and ltv's run 48 failed
DRIFTED_INCOME, DRIFTED_PLAN = 48 - INCOME_ONSET + 1, 48 - PLAN_ONSET + 1

# (dashboard, origin) → (columns, rows) with VARIABLES over RANGE. A target missing here fails
# test_every_target_has_an_expectation: a new panel must say what it returns.
EXPECTED: dict[tuple[str, str], tuple[list[str], int]] = {
    ("driftboard-overview", "variable model"): (["model"], 5),
    ("driftboard-overview", "panel Models per status"): (
        ["ok", "warning", "critical", "stale", "failing"],
        1,
    ),
    ("driftboard-overview", "panel Drifted share per model"): (
        ["time", "metric", "share_drifted"],
        SUCCEEDED,
    ),
    ("driftboard-overview", "panel Models: latest status"): (
        [
            "model",
            "status",
            "share_drifted",
            "share_change",
            "n_drifted",
            "n_features",
            "worst_ratio",
            "last_run",
            "last_success",
            "error",
        ],
        5,
    ),
    ("driftboard-heatmap", "variable model"): (["model"], 5),
    ("driftboard-heatmap", "variable feature"): (["feature"], 5),
    ("driftboard-heatmap", "panel Feature drift ratio per run"): (
        ["time", "worst_rank", "feature", "drift_ratio"],
        47 * 5,
    ),
    ("driftboard-heatmap", "panel Features by worst drift ratio"): (
        ["feature", "worst_ratio", "drifted_runs", "runs", "first_drifted", "last_drifted", "stattest"],
        5,
    ),
    ("driftboard-heatmap", "panel Features not scored"): (
        ["feature", "status", "runs", "first_run", "last_run", "latest_reason"],
        2,
    ),
    ("driftboard-heatmap", "panel Runs"): (
        [
            "window_end",
            "status",
            "n_drifted",
            "n_features",
            "share_drifted",
            "missing_columns",
            "added_columns",
            "dtype_changed",
            "report_path",
            "error",
        ],
        48,
    ),
    ("driftboard-feature", "variable model"): (["model"], 5),
    ("driftboard-feature", "variable feature"): (["feature"], 5),
    ("driftboard-feature", "panel Drift ratio"): (["time", "metric", "drift_ratio"], 47 * 2),
    ("driftboard-feature", "panel Score vs threshold"): (["time", "feature", "score", "threshold"], 47 * 2),
    ("driftboard-feature", "panel Stattest and latest result"): (
        [
            "feature",
            "stattest",
            "column_type",
            "role",
            "status",
            "reason",
            "score",
            "threshold",
            "drift_ratio",
            "drift_detected",
            "last_run",
        ],
        2,
    ),
    ("driftboard-feature", "panel Null share"): (["time", "feature", "current", "reference"], 47 * 2),
    ("driftboard-feature", "panel Unseen categories"): (["time", "metric", "unseen_share"], 47),
    ("driftboard-feature", "panel Rows per run"): (["time", "reference_rows", "current_rows"], 48),
    ("driftboard-feature", "panel Runs where a selected feature drifted"): (
        ["window_end", "feature", "stattest", "score", "threshold", "drift_ratio", "report_path"],
        DRIFTED_INCOME + DRIFTED_PLAN,
    ),
    ("driftboard-feature", "annotation Feature drifted"): (["time", "text", "tags"], DRIFTED_INCOME),
    ("driftboard-feature", "annotation Run failed"): (["time", "text", "tags"], 1),
    ("driftboard-job-health", "variable model"): (["model"], 5),
    ("driftboard-job-health", "panel Run status"): (["time", "metric", "succeeded"], RUNS),
    ("driftboard-job-health", "panel Run duration"): (["time", "metric", "duration_seconds"], RUNS),
    ("driftboard-job-health", "panel Scheduling lag"): (["time", "metric", "lag_seconds"], RUNS),
    ("driftboard-job-health", "panel Failed runs"): (
        ["window_end", "model", "started_at", "duration_seconds", "error"],
        2,
    ),
    ("driftboard-job-health", "panel Failed share of runs"): (["model", "failed_share"], 5),
    # SLA numbers are checked one by one on sla_history (test_sla_dashboard.py); here their shape.
    ("driftboard-sla", "variable model"): (["model"], 5),
    ("driftboard-sla", "panel SLOs per model"): (
        [
            "model",
            "on_time_share",
            "freshness_target",
            "freshness_budget_left",
            "coverage",
            "success_rate",
            "healthy_share",
            "healthy_target",
            "healthy_budget_left",
            "incidents",
            "open_incidents",
            "mttd_seconds",
            "mttr_seconds",
        ],
        5,
    ),
    ("driftboard-sla", "panel SLOs of $model"): (["model", "slo", "achieved", "target", "budget_left"], 10),
    ("driftboard-sla", "panel Runs succeeded"): (["model", "success_rate"], 5),
    ("driftboard-sla", "panel Incidents"): (["model", "incidents"], 5),
    ("driftboard-sla", "panel MTTD"): (["model", "mttd_seconds"], 5),
    ("driftboard-sla", "panel MTTR"): (["model", "mttr_seconds"], 5),
    ("driftboard-sla", "panel Incident timeline"): (
        [
            "model",
            "onset",
            "detected_at",
            "alerted_at",
            "ended_at",
            "windows",
            "critical_windows",
            "mttd_seconds",
            "mttr_seconds",
        ],
        2,  # churn's income drift from run 30 and pricing's critical run 48, both still open
    ),
    ("driftboard-sla", "panel Worst features"): (
        ["model", "rank", "feature", "drifted_windows", "windows", "worst_ratio"],
        5 + 2 + 2 + 3 + 2,  # every feature of each model: none has more than five
    ),
    ("driftboard-sla", "panel Why runs did not succeed"): (["model", "status", "reason", "runs"], 2),
}


def sql_targets(dashboards: dict[str, dict[str, Any]]) -> list[inventory.Target]:
    return [t for d in dashboards.values() for t in inventory.targets(d) if t.language == "sql"]


def query(engine: Engine, dashboards: dict[str, dict[str, Any]], uid: str, origin: str, **kw: Any) -> Result:
    target = next(t for t in sql_targets(dashboards) if (t.dashboard, t.origin) == (uid, origin))
    return run_sql(engine, target.text, {**VARIABLES[uid], **kw.pop("variables", {})}, kw.pop("rng", RANGE))


def test_every_target_has_an_expectation(dashboards: dict[str, dict[str, Any]]) -> None:
    assert {(t.dashboard, t.origin) for t in sql_targets(dashboards)} == set(EXPECTED)


@pytest.mark.parametrize(("uid", "origin"), list(EXPECTED))
def test_target_returns_what_its_panel_expects(
    grafana: Engine, dashboards: dict[str, Any], uid: str, origin: str
) -> None:
    result = query(grafana, dashboards, uid, origin)
    columns, rows = EXPECTED[(uid, origin)]
    assert (result.columns, len(result.rows)) == (columns, rows)


@pytest.mark.parametrize(("uid", "origin"), [k for k in EXPECTED if not k[1].startswith("variable")])
def test_time_columns_are_what_grafana_needs(
    grafana: Engine, dashboards: dict[str, Any], uid: str, origin: str
) -> None:
    target = next(t for t in sql_targets(dashboards) if (t.dashboard, t.origin) == (uid, origin))
    result = run_sql(grafana, target.text, VARIABLES[uid])
    if target.format == "time_series" or origin.startswith("annotation"):
        # Grafana finds the time by the column name "time" and refuses unsorted long frames.
        times = result.column("time")
        assert times == sorted(times)
    if target.format == "time_series":
        for name in result.columns[1:]:
            values = {type(v) for v in result.column(name)} - {type(None)}
            assert values <= {str} or values <= {float, int, Decimal}, (name, values)


def test_overview_rates_each_model_like_the_alerts(grafana: Engine, dashboards: dict[str, Any]) -> None:
    rows = query(grafana, dashboards, "driftboard-overview", "panel Models: latest status").dicts()
    assert {r["model"]: r["status"] for r in rows} == STATE
    assert [r["status"] for r in rows] == ["critical", "failing", "stale", "warning", "ok"]  # worst first
    churn = next(r for r in rows if r["model"] == "churn")
    assert (churn["n_drifted"], churn["share_drifted"], churn["worst_ratio"]) == (2, 0.4, 2.5)
    assert churn["share_change"] == 0
    assert churn["last_success"] == end_of(48)
    assert next(r for r in rows if r["model"] == "ltv")["last_success"] == end_of(47)


def test_overview_is_as_of_the_end_of_the_range(grafana: Engine, dashboards: dict[str, Any]) -> None:
    early = QueryRange(T0, end_of(25))
    rows = query(grafana, dashboards, "driftboard-overview", "panel Models: latest status", rng=early).dicts()
    # Before any drift, fraud already silent for 13 h, and CRAFTED not yet running.
    assert {r["model"]: r["status"] for r in rows} == {
        "churn": "ok",
        "fraud": "stale",
        "ltv": "ok",
        "pricing": "ok",
    }


@pytest.mark.parametrize(("end", "state"), [(end_of(14), "ok"), (end_of(14) + timedelta(seconds=1), "stale")])
def test_stale_after_two_schedule_intervals(
    grafana: Engine, dashboards: dict[str, Any], end: Any, state: str
) -> None:
    rows = query(
        grafana, dashboards, "driftboard-overview", "panel Models: latest status", rng=QueryRange(T0, end)
    )
    assert dict(zip(rows.column("model"), rows.column("status"), strict=True))["fraud"] == state


# A model's own levels and interval, as its runs registered them (changed in a transaction
# rolled back after the test), against the history's: churn's latest run has 2 of 5 features
# drifted, the worst at ratio 2.5 (warning); fraud has been silent for 36 hourly intervals
# (stale); pricing's latest run has 2 of 3 drifted, the worst at 1.5 (critical).
OWN_LEVELS = [
    ("churn", "drift_share_critical", 0.4, "critical"),
    ("churn", "severe_drift_ratio", 2.5, "critical"),
    ("fraud", "stale_intervals", 40, "ok"),
    ("fraud", "interval_seconds", 24 * 3600, "ok"),
    ("pricing", "drift_share_critical", 0.7, "warning"),
]


@pytest.mark.parametrize(("model", "column", "value", "state"), OWN_LEVELS)
def test_overview_judges_each_model_by_its_own_levels(
    admin: Engine, dashboards: dict[str, Any], model: str, column: str, value: float, state: str
) -> None:
    target = next(t for t in sql_targets(dashboards) if t.origin == "panel Models: latest status")
    with admin.connect() as conn:
        conn.execute(
            text(f"UPDATE monitored_models SET {column} = :v WHERE model = :m"), {"v": value, "m": model}
        )
        cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
        cursor.execute(expand_sql(target.text, VARIABLES["driftboard-overview"], RANGE))
        states = {row[0]: row[1] for row in cursor.fetchall()}
        conn.rollback()
    assert states == {**STATE, model: state}


def test_status_counts_add_up(grafana: Engine, dashboards: dict[str, Any]) -> None:
    result = query(grafana, dashboards, "driftboard-overview", "panel Models per status")
    assert result.dicts() == [{"ok": 1, "warning": 1, "critical": 1, "stale": 1, "failing": 1}]


def long_to_wide(result: Result) -> dict[tuple[str, ...], dict[Any, Any]]:
    """What Grafana's PostgreSQL backend makes of a long time_series result (plugin-sdk-go
    LongToWide + SortWideFrameFields): one series per tuple of text columns, sorted by
    those columns in order, each a time → value map (a missing time is an empty cell)."""
    factors = [i for i, v in enumerate(result.rows[0]) if isinstance(v, str)]
    series: dict[tuple[str, ...], dict[Any, Any]] = {}
    for row in result.rows:
        series.setdefault(tuple(row[i] for i in factors), {})[row[0]] = row[-1]
    return dict(sorted(series.items()))


def test_heatmap_shows_the_onset_as_a_band(grafana: Engine, dashboards: dict[str, Any]) -> None:
    wide = long_to_wide(query(grafana, dashboards, "driftboard-heatmap", "panel Feature drift ratio per run"))
    rows = [labels[-1] for labels in wide]  # displayed by ${__field.labels.feature}
    assert rows[:2] == ["income", "plan"]  # worst on top
    for (_, feature), cells in wide.items():
        onset = {"income": INCOME_ONSET, "plan": PLAN_ONSET}.get(feature)
        drifted = [t for t, ratio in cells.items() if ratio is not None and ratio >= 1]
        assert drifted == ([end_of(r) for r in range(onset, 49)] if onset else []), feature
    assert end_of(20) not in wide[("0001", "income")]  # the failed run has no column
    # Dead features (issue 15): a skipped and an error cell each have their own value, which
    # the panel maps to a word and a colour, apart from every drift ratio (never negative).
    row = {labels[-1]: cells for labels, cells in wide.items()}
    assert row["tenure"][end_of(10)] == SKIPPED_CELL
    assert row["age"][end_of(ERROR_RUN)] == ERROR_CELL
    assert sorted(v for cells in row.values() for v in cells.values() if v < 0) == [ERROR_CELL, SKIPPED_CELL]


def test_heatmap_names_and_colours_dead_cells(dashboards: dict[str, Any]) -> None:
    (grid,) = [
        p for p in dashboards["driftboard-heatmap"]["panels"] if p["title"] == "Feature drift ratio per run"
    ]
    (mapping,) = grid["fieldConfig"]["defaults"]["mappings"]
    cells = {value: (m["text"], m["color"]) for value, m in mapping["options"].items()}
    assert cells == {str(SKIPPED_CELL): ("skipped", "#8e8e8e"), str(ERROR_CELL): ("error", "purple")}


def test_features_not_scored_says_which_when_and_why(grafana: Engine, dashboards: dict[str, Any]) -> None:
    unscored = query(grafana, dashboards, "driftboard-heatmap", "panel Features not scored").dicts()
    assert [(u["feature"], u["status"], u["runs"], u["last_run"], u["latest_reason"]) for u in unscored] == [
        ("age", "error", 1, end_of(ERROR_RUN), "400 of 500 current values are not numeric"),
        ("tenure", "skipped", 1, end_of(10), "too few rows"),
    ]


def test_runs_table_shows_schema_changes(grafana: Engine, dashboards: dict[str, Any]) -> None:
    runs = query(grafana, dashboards, "driftboard-heatmap", "panel Runs").dicts()
    changed = [(r["window_end"], r["missing_columns"], r["added_columns"], r["dtype_changed"]) for r in runs]
    assert [c for c in changed if any(c[1:])] == [(end_of(ERROR_RUN), None, "coupon", "age")]


def test_worst_features_table_dates_the_onset(grafana: Engine, dashboards: dict[str, Any]) -> None:
    first = query(grafana, dashboards, "driftboard-heatmap", "panel Features by worst drift ratio").dicts()[0]
    assert (first["feature"], first["drifted_runs"], first["first_drifted"]) == (
        "income",
        DRIFTED_INCOME,
        end_of(INCOME_ONSET),
    )


def test_reports_are_linked_where_kept(grafana: Engine, dashboards: dict[str, Any]) -> None:
    runs = query(grafana, dashboards, "driftboard-heatmap", "panel Runs").dicts()
    kept = {r["window_end"]: r["report_path"] for r in runs if r["report_path"]}
    assert kept == {end_of(r): f"churn/{end_of(r):%Y%m%dT%H%M%SZ}.html" for r in range(INCOME_ONSET, 49)}


def test_annotations_mark_drift_and_failures(grafana: Engine, dashboards: dict[str, Any]) -> None:
    failed = query(grafana, dashboards, "driftboard-feature", "annotation Run failed").dicts()
    assert failed == [{"time": end_of(20), "text": "Run failed: source timeout after 30 s", "tags": "failed"}]
    drifted = query(grafana, dashboards, "driftboard-feature", "annotation Feature drifted").dicts()
    assert drifted[-1]["text"] == "Drifted: income (2.50), plan (1.40)"


def test_scheduling_lag_is_start_minus_window_end(grafana: Engine, dashboards: dict[str, Any]) -> None:
    lags = query(grafana, dashboards, "driftboard-job-health", "panel Scheduling lag").column("lag_seconds")
    assert set(lags) == {Decimal(LAG.total_seconds())} or set(map(float, lags)) == {LAG.total_seconds()}


def test_feature_variable_lists_what_the_model_reported_in_range(
    grafana: Engine, dashboards: dict[str, Any]
) -> None:
    late = QueryRange(end_of(20), end_of(48))
    result = query(
        grafana, dashboards, "driftboard-heatmap", "variable feature", variables={"model": "fraud"}, rng=late
    )
    assert result.rows == []  # fraud reported nothing after run 12
    assert (
        query(grafana, dashboards, "driftboard-heatmap", "variable feature").column("feature")
        == CHURN_FEATURES
    )


# --- links whose values come from the query result --------------------------------------

FIELD_REFERENCE = re.compile(r"\$\{__(data\.fields|field\.labels)\.(\w+)(?::\w+)?\}")


def test_link_fields_exist_in_their_panel_results(grafana: Engine, dashboards: dict[str, Any]) -> None:
    checked = 0
    for dashboard in dashboards.values():
        for link in inventory.links(dashboard):
            panel = next((p for p in inventory.panels(dashboard) if p["title"] == link.panel), None)
            for kind, name in FIELD_REFERENCE.findall(link.title + link.url):
                assert panel is not None, link
                target = panel["targets"][0]
                result = run_sql(grafana, target["rawSql"], VARIABLES[dashboard["uid"]])
                if kind == "data.fields":  # a table cell's row: any column
                    assert name in result.columns, (link, result.columns)
                else:  # a series label: a text column of a long time_series result
                    assert target["format"] == "time_series", link
                    assert isinstance(result.column(name)[0], str), link
                checked += 1
    assert checked >= 8  # the links of overview, heatmap and drill-down tables and cells


# --- injection -----------------------------------------------------------------------------

HOSTILE = [
    CRAFTED,
    "x') OR true --",
    "x\\'); DROP TABLE runs; --",
    "x' || pg_sleep(5) || '",
    "$__timeGroup(x' OR true --, 1h)",
]


def counts(engine: Engine) -> tuple[int, int]:
    result = run_sql(engine, "SELECT (SELECT count(*) FROM runs), (SELECT count(*) FROM feature_results)", {})
    return result.rows[0]


@pytest.mark.parametrize("value", HOSTILE)
def test_crafted_model_names_stay_literals(admin: Engine, dashboards: dict[str, Any], value: str) -> None:
    """As the superuser, so only the quoting stands between the value and the database. A
    value naming no model must give what an ordinary unknown name gives; CRAFTED, which is
    a model of the history, must give its own rows and nobody else's."""
    before = counts(admin)
    for target in (t for t in sql_targets(dashboards) if re.search(r"\$\{?model\b", t.text)):
        result = run_sql(admin, target.text, with_model(target, value))
        if value != CRAFTED:
            assert result.rows == run_sql(admin, target.text, with_model(target, "no-such-model")).rows, (
                target
            )
            continue
        for column in {"model", "metric"} & set(result.columns):
            assert set(result.column(column)) <= {value}, target  # matched literally, nothing else
    assert counts(admin) == before


def with_model(target: inventory.Target, value: str) -> dict[str, Value]:
    variables = dict(VARIABLES[target.dashboard])
    variables["model"] = value if isinstance(variables["model"], str) else [value]
    return variables


@pytest.mark.parametrize("value", ["$__timeTo()", "$__timeFilter(x') OR true --)"])
def test_a_value_holding_a_quoting_macro_breaks_the_query_not_the_database(
    admin: Engine, dashboards: dict[str, Any], value: str
) -> None:
    """Grafana expands macros after variables, inside string literals too; $__timeFrom/To and
    $__timeFilter insert quotes, so such a value ends the literal early. What then stands
    outside it is always an RFC 3339 timestamp ("...T00:00:00Z"), which is not SQL: the
    query fails, as it does in Grafana, and nothing runs."""
    before = counts(admin)
    target = next(t for t in sql_targets(dashboards) if t.origin == "panel Run status")
    with pytest.raises(psycopg2.errors.SyntaxError):
        run_sql(admin, target.text, {"model": [value]})
    assert counts(admin) == before


def test_the_injection_test_can_see_an_injection(admin: Engine, dashboards: dict[str, Any]) -> None:
    """Negative control: the same target with naive quoting returns every model's runs."""
    target = next(t for t in sql_targets(dashboards) if t.origin == "panel Run status")
    naive = target.text.replace("IN (${model:sqlstring})", "IN ('${model:raw}')")
    assert len(run_sql(admin, naive, {"model": ["x') OR true --"]}).rows) == RUNS
    assert run_sql(admin, target.text, {"model": ["x') OR true --"]}).rows == []
    assert HOUR  # (the history's clock, imported for the reader of this module)


# The heatmap ranks from the feature_daily rollup for the whole UTC days of the range and from
# raw rows at its edges (T0 is a midnight; runs end hourly, income jumps to 2.5 at run 30).
RANKING_RANGES = [
    RANGE,  # midnight to midnight, the run ending at the last midnight included (BETWEEN)
    QueryRange(end_of(24), end_of(48)),  # one whole day
    QueryRange(end_of(25), end_of(29)),  # inside a day whose maximum (income 2.5) is out of range
    QueryRange(T0 + timedelta(minutes=90), end_of(24)),  # mid-day to midnight
    QueryRange(end_of(5) + HOUR / 2, end_of(44) + HOUR / 4),  # mid-day to mid-day, a whole day between
    QueryRange(end_of(10), end_of(10)),  # one instant: tenure was skipped then
]
# Peaks, one feature each so none hides another, that a range's edge in the wrong place would
# count or miss: early on day 1 and day 2, late on day 2, at the last midnight. Put in (with
# the rollup recomputed) in a transaction rolled back after the test.
PEAKS = [("age", 2, 3.0), ("tenure", 26, 4.0), ("plan", 46, 5.0), ("churn_score", 48, 6.0)]
PEAK = (
    "UPDATE feature_results SET drift_ratio = :r WHERE model = 'churn' AND feature = :f AND window_end = :t"
)
RAW_RANKING = (
    "SELECT feature FROM feature_results WHERE model = 'churn' AND $__timeFilter(window_end) "
    "GROUP BY feature ORDER BY max(drift_ratio) DESC NULLS LAST, feature"
)


def ranks(conn: Connection, sql: str, rng: QueryRange) -> list[tuple[Any, ...]]:
    cursor = conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
    cursor.execute(expand_sql(sql, VARIABLES["driftboard-heatmap"], rng))
    return list(cursor.fetchall())


@pytest.mark.parametrize("peaks", [[], PEAKS], ids=["history", "peaks"])
@pytest.mark.parametrize("rng", RANKING_RANGES, ids=lambda r: f"{r.start:%dT%H%M}-{r.end:%dT%H%M}")
def test_heatmap_ranks_exactly_as_the_raw_rows_do(
    admin: Engine, dashboards: dict[str, Any], rng: QueryRange, peaks: list[tuple[str, int, float]]
) -> None:
    target = next(t for t in sql_targets(dashboards) if t.origin == "panel Feature drift ratio per run")
    with admin.connect() as conn:
        for feature, run, ratio in peaks:
            conn.execute(text(PEAK), {"r": ratio, "f": feature, "t": end_of(run)})
            rollup.refresh_day(conn, "churn", end_of(run))
        ranked = sorted({(rank, feature) for _, rank, feature, _ in ranks(conn, target.text, rng)})
        raw = [feature for (feature,) in ranks(conn, RAW_RANKING, rng)]
        conn.rollback()
    assert [feature for _, feature in ranked] == raw
    assert [rank for rank, _ in ranked] == [f"{n:04d}" for n in range(1, len(raw) + 1)]
