"""Render the SLA document as self-contained HTML, Markdown for Slack or e-mail, or JSON.

The three carry the same numbers: the templates format the document's values with the filters
below and compute nothing of their own.
"""

import json
from datetime import date, datetime
from typing import Any, Literal

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape

Format = Literal["html", "md", "json"]
FORMATS: tuple[Format, ...] = ("html", "md", "json")
# Drift ratio colours, as the dashboards' (style.ratio_thresholds): ≥ 1 drifted, ≥ severe critical.
NO_RESULT, QUIET, NEAR, DRIFTED, SEVERE = "#e5e7eb", "#bbf7d0", "#fde68a", "#fb923c", "#dc2626"
LEGEND = [("no result", NO_RESULT), ("below 0.8", QUIET), ("0.8 to 1", NEAR), ("drifted", DRIFTED)]
LEGEND.append(("severe", SEVERE))
CELL, GAP = 14, 2  # heatmap geometry, in SVG user units
LABEL_CHARS, CHAR_WIDTH = 24, 6.2  # longer feature names are cut; 11-unit text is ~6.2 per character


def pct(value: float | None) -> str:
    return "–" if value is None else f"{value * 100:.1f}%"


def duration(seconds: float | None) -> str:
    """The two largest units: 3720 → '1h 2m', 93600 → '1d 2h'."""
    if seconds is None:
        return "–"
    rest, parts = round(seconds), list[str]()
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60), ("s", 1)):
        if rest >= size or (unit == "s" and not parts):
            parts.append(f"{rest // size}{unit}")
            rest %= size
    return " ".join(parts[:2])


def when(moment: datetime | None) -> str:
    return "ongoing" if moment is None else moment.strftime("%Y-%m-%d %H:%M UTC")


def stamp(moment: datetime | None) -> str:
    """A table cell's time; the column header says UTC."""
    return "–" if moment is None else moment.strftime("%Y-%m-%d %H:%M")


def ratio(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}"


def tone(budget_left: float | None) -> str:
    """The dashboard's budget colours: below 0 the SLO is missed."""
    if budget_left is None:
        return "none"
    for bound, name in ((0, "red"), (0.25, "orange"), (0.5, "yellow")):
        if budget_left < bound:
            return name
    return "green"


def cell_colour(cell: dict[str, Any] | None, severe: float) -> str:
    if cell is None or cell["worst_ratio"] is None:
        return NO_RESULT
    value = cell["worst_ratio"]
    if value >= severe:
        return SEVERE
    if value >= 1:
        return DRIFTED
    return NEAR if value >= 0.8 else QUIET


def heatmap_svg(heat: dict[str, Any], severe: float) -> dict[str, Any]:
    """Positions and colours of the heatmap's cells; the template only draws them."""
    step = CELL + GAP
    labels = [_label(row["feature"]) for row in heat["rows"]]
    gutter = round(max(map(len, labels), default=0) * CHAR_WIDTH) + 10
    rows = [
        {"feature": row["feature"], "label": label, "y": i * step, "cells": [
            {"x": gutter + j * step, "fill": cell_colour(c, severe), "cell": c, "day": heat["days"][j]}
            for j, c in enumerate(row["cells"])
        ]}
        for i, (row, label) in enumerate(zip(heat["rows"], labels, strict=True))
    ]  # fmt: skip
    ticks = [{"x": gutter + j * step, "day": d[5:]} for j, d in enumerate(heat["days"]) if j % 7 == 0]
    width, height = gutter + len(heat["days"]) * step, len(rows) * step + 16
    return {"rows": rows, "ticks": ticks, "gutter": gutter, "width": width, "height": height}


def _label(feature: str) -> str:
    return feature if len(feature) <= LABEL_CHARS else feature[: LABEL_CHARS - 1] + "…"


def missed_text(missed: list[dict[str, Any]]) -> str:
    return "; ".join(
        f"{x['model']} {x['slo']} {pct(x['achieved'])} (target {pct(x['target'])})" for x in missed
    )


def reasons_text(reasons: list[dict[str, Any]]) -> str:
    return "".join(f'; {r["status"]} "{r["reason"]}" ×{r["runs"]}' for r in reasons)


def features_text(worst: list[dict[str, Any]]) -> str:
    drifted = [f for f in worst if f["drifted_windows"]][:3]
    parts = [
        f"{f['feature']} (drifted in {f['drifted_windows']}, worst {ratio(f['worst_ratio'])})"
        for f in drifted
    ]
    return ", ".join(parts) or "none drifted"


def environment() -> Environment:
    env = Environment(
        loader=PackageLoader("driftboard.sla", "templates"),
        autoescape=select_autoescape(["html.j2"]),  # model names and errors come from data
        undefined=StrictUndefined,  # a typo in a template fails the render, not the reader
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters.update(pct=pct, duration=duration, when=when, stamp=stamp, ratio=ratio, tone=tone)
    env.filters.update(missed_text=missed_text, reasons_text=reasons_text, features_text=features_text)
    env.globals.update(heatmap_svg=heatmap_svg, legend=LEGEND)
    return env


def _json_default(value: Any) -> str:
    if isinstance(value, datetime | date):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON")


def render(document: dict[str, Any], fmt: Format) -> str:
    if fmt == "json":
        return json.dumps(document, indent=2, default=_json_default) + "\n"
    template = environment().get_template("report.html.j2" if fmt == "html" else "report.md.j2")
    return template.render(doc=document)
