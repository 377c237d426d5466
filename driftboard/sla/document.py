"""The SLA report as one plain document: the JSON format is this, HTML and Markdown render it.

Every number comes from driftboard.sla.data (the shared queries); this only groups the rows
per model, judges each SLO against its target and adds the executive summary's totals.
"""

from datetime import UTC, date, datetime, timedelta
from typing import Any

from driftboard.sla.data import Row, Span

HEATMAP_FEATURES = 12  # the worst ones; a heatmap taller than a phone screen is not read


def build(rows: dict[str, list[Row]], span: Span, label: str) -> dict[str, Any]:
    models = [model_section(s, rows, span) for s in rows["summary"]]
    return {
        "title": "SLA summary",
        "period": {"label": label, "start": span.start, "end": span.end},
        "generated_at": datetime.now(UTC),
        "summary": totals(models),
        "models": models,
    }


def of(rows: list[Row], model: str) -> list[Row]:
    return [{k: v for k, v in r.items() if k != "model"} for r in rows if r["model"] == model]


def slo(achieved: float | None, target: float, budget_left: float | None) -> dict[str, Any]:
    met = None if achieved is None else achieved >= target
    return {"achieved": achieved, "target": target, "budget_left": budget_left, "met": met}


def model_section(s: Row, rows: dict[str, list[Row]], span: Span) -> dict[str, Any]:
    model = s["model"]
    freshness = slo(s["on_time_share"], s["freshness_target"], s["freshness_budget_left"])
    freshness |= {k: s[k] for k in ("expected_windows", "evaluated_windows", "on_time_windows", "coverage")}
    healthy = slo(s["healthy_share"], s["healthy_target"], s["healthy_budget_left"])
    healthy |= {
        k: s[k] for k in ("evaluated_windows", "healthy_windows", "critical_windows", "labeled_windows")
    }
    incidents = {k: s[k] for k in ("incidents", "open_incidents", "mttd_seconds", "mttr_seconds")}
    jobs = {k: s[k] for k in ("runs", "succeeded_runs", "success_rate")} | {
        "reasons": of(rows["reasons"], model)
    }
    worst = of(rows["worst_features"], model)
    return {
        "model": model,
        "interval_seconds": s["interval_seconds"],
        "severe_drift_ratio": s["severe_drift_ratio"],
        "status": status(freshness, healthy),
        "freshness": freshness,
        "healthy": healthy,
        "jobs": jobs,
        "incidents": incidents | {"items": of(rows["incidents"], model)},
        "worst_features": worst,
        "heatmap": heatmap(of(rows["heatmap"], model), worst, span),
    }


def status(*slos: dict[str, Any]) -> str:
    judged = [s["met"] for s in slos if s["met"] is not None]
    if not judged:
        return "no data"
    return "met" if all(judged) else "missed"


def days(span: Span) -> list[date]:
    """The UTC days of window ends in (start, end]."""
    first, last = (span.start + timedelta(microseconds=1)).date(), span.end.date()
    return [first + timedelta(days=n) for n in range((last - first).days + 1)]


def heatmap(cells: list[Row], worst: list[Row], span: Span) -> dict[str, Any]:
    """Features (worst first) × every day of the period; a day without a result is None."""
    by_key = {(c["feature"], c["day"]): c for c in cells}
    ranked = [w["feature"] for w in worst]
    features = ranked + sorted({c["feature"] for c in cells} - set(ranked))
    columns = [d.isoformat() for d in days(span)]
    grid = [
        {"feature": f, "cells": [_cell(by_key.get((f, d))) for d in columns]}
        for f in features[:HEATMAP_FEATURES]
    ]
    return {"days": columns, "rows": grid}


def _cell(row: Row | None) -> dict[str, Any] | None:
    if row is None:
        return None
    return {k: row[k] for k in ("worst_ratio", "drifted_windows", "windows")}


def totals(models: list[dict[str, Any]]) -> dict[str, Any]:
    slos = [m[name] for m in models for name in SLO_NAMES]
    items = [i for m in models for i in m["incidents"]["items"]]
    runs = sum(m["jobs"]["runs"] for m in models)
    succeeded = sum(m["jobs"]["succeeded_runs"] for m in models)
    return {
        "models": len(models),
        "slos": sum(s["met"] is not None for s in slos),
        "slos_met": sum(s["met"] is True for s in slos),
        "missed": missed(models),
        "incidents": len(items),
        "open_incidents": sum(i["ended_at"] is None for i in items),
        "mttd_seconds": _mean([i["mttd_seconds"] for i in items]),
        "mttr_seconds": _mean([i["mttr_seconds"] for i in items]),
        "runs": runs,
        "succeeded_runs": succeeded,
        "success_rate": succeeded / runs if runs else None,
    }


SLO_NAMES = {"freshness": "freshness", "healthy": "healthy time"}


def missed(models: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [
        {"model": m["model"], "slo": label, "achieved": m[key]["achieved"], "target": m[key]["target"]}
        for m in models
        for key, label in SLO_NAMES.items()
        if m[key]["met"] is False
    ]


def _mean(values: list[float | None]) -> float | None:
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None
