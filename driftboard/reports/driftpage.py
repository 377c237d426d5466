"""`driftboard report drift`: one model's drift over a period as a self-contained HTML page.

The heatmap (features × runs, worst first, cells on the Grafana heatmap's colour scale and
linked to the run's kept Evidently report), a sparkline per feature of its score against
its threshold, its data-quality flags, the failed runs and the kept reports. No script, no
asset from elsewhere: a Content-Security-Policy of default-src 'none' proves it in a browser.
"""

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

from driftboard.colours import NO_DATA_HEX, legend, ratio_scale, step_of
from driftboard.reports import driftshapes as shapes
from driftboard.reports.driftgrid import Grid
from driftboard.reports.flags import quality_flags
from driftboard.store.runs.timeline import FeaturePoint

MAX_COLUMNS = 180  # more runs than this share columns (each the worst of its runs)


def report_href(reports_base: str, path: str | None) -> str | None:
    return None if path is None else f"{reports_base.rstrip('/')}/{quote(path)}"


def feature_summary(grid: Grid, feature: str) -> dict[str, Any]:
    row = [c for c in grid.row(feature) if c is not None]
    scored = [c for c in row if c.status == "ok"]
    flags = [(c.window_end, flag) for c in row for flag in quality_flags(c)]
    latest = scored[-1] if scored else None
    return {
        "name": feature, "worst": grid.worst(feature), "runs": len(row),
        "drifted": sum(bool(c.drift_detected) for c in scored),
        "stattest": latest.stattest if latest else None,
        "latest": latest, "flags": flags,
        "spark": shapes.sparkline(grid.row(feature)),
    }  # fmt: skip


def cell_colour(points: list[FeaturePoint | None]) -> tuple[str, float | None]:
    ratios = [p.drift_ratio for p in points if p is not None and p.drift_ratio is not None]
    if not ratios:
        return NO_DATA_HEX, None
    worst = max(ratios)
    return step_of(worst, ratio_scale()).hex, worst


def document(grid: Grid, reports_base: str) -> dict[str, Any]:
    slices = shapes.slices(len(grid.runs), MAX_COLUMNS)
    runs = list(grid.runs)
    return {
        "model": grid.model, "start": grid.start, "end": grid.end, "generated": datetime.now(UTC),
        "runs": runs, "slices": slices, "ticks": shapes.ticks(len(slices)),
        "columns": [shapes.column(runs, s, lambda p: report_href(reports_base, p)) for s in slices],
        "features": [feature_summary(grid, f) for f in grid.features],
        "rows": {f: [cell_colour([grid.row(f)[i] for i in s]) for s in slices] for f in grid.features},
        "kept": [(r, report_href(reports_base, r.report_path)) for r in reversed(runs) if r.report_path],
        "failed": [r for r in reversed(runs) if r.status == "failed"],
        "legend": [(words, step.hex, step.meaning) for words, step in legend(ratio_scale())],
        "no_data": NO_DATA_HEX, "geometry": shapes.GEOMETRY,
    }  # fmt: skip


def render(grid: Grid, reports_base: str) -> str:
    env = Environment(
        loader=PackageLoader("driftboard.reports", "templates"),
        autoescape=select_autoescape(["html", "j2"]),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["when"] = lambda m: m.strftime("%Y-%m-%d %H:%M UTC")
    env.filters["ratio"] = lambda v: "–" if v is None else f"{v:.2f}"
    env.filters["num"] = lambda v: "–" if v is None else f"{v:.4g}"
    return env.get_template("drift.html.j2").render(doc=document(grid, reports_base))
