"""Geometry of the HTML drift report's SVG: heatmap columns and per-feature sparklines."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from driftboard.store.runs.timeline import FeaturePoint, RunPoint

GEOMETRY = {"cell": 12, "gap": 1, "label": 190, "spark_w": 220, "spark_h": 36}
SPARK_POINTS = 110  # at most this many points per sparkline: each the worst run of its slice


def slices(n: int, most: int) -> list[range]:
    """Runs 0..n-1 in at most `most` consecutive, nearly equal slices (one run each when they fit)."""
    count = max(1, min(n, most))
    return [range(i * n // count, (i + 1) * n // count) for i in range(count)]


def ticks(n: int, every: int = 30, room: int = 8) -> set[int]:
    """Columns that get a date above them: every `every`th and the last, none closer than `room`."""
    marks = set(range(0, n, every))
    if n - 1 - max(marks, default=0) >= room:
        marks.add(n - 1)
    return marks


def column(runs: list[RunPoint], cover: range, href: Callable[[str | None], str | None]) -> dict[str, Any]:
    """One heatmap column: its last window's end, its runs' worst status, its report when it is one run."""
    covered = [runs[i] for i in cover]
    status = next((s for s in ("failed", "skipped") if any(r.status == s for r in covered)), "succeeded")
    single = covered[0] if len(covered) == 1 else None
    return {
        "end": covered[-1].window_end,
        "first": covered[0].window_end,
        "n": len(covered),
        "status": status,
        "href": href(single.report_path) if single else None,
    }


@dataclass(frozen=True)
class Spark:
    score: str  # SVG polyline points
    threshold: str
    drifted: list[tuple[float, float]]  # dots where the feature drifted
    top: float  # the value at the top edge


def _worst(points: list[FeaturePoint | None]) -> FeaturePoint | None:
    scored = [p for p in points if p is not None and p.score is not None]
    return max(scored, key=lambda p: p.drift_ratio or 0.0, default=None)


def sparkline(row: list[FeaturePoint | None]) -> Spark | None:
    """Score and threshold over the runs, scaled from 0 to the highest of either."""
    picked = [_worst([row[i] for i in s]) for s in slices(len(row), SPARK_POINTS)]
    points = [(i, p) for i, p in enumerate(picked) if p is not None]
    if not points:
        return None
    top = max(max(p.score or 0.0, p.threshold or 0.0) for _, p in points) * 1.1 or 1.0
    width, height = GEOMETRY["spark_w"], GEOMETRY["spark_h"]
    step = width / max(1, len(picked) - 1)

    def xy(i: int, value: float) -> tuple[float, float]:
        return round(i * step, 1), round(height - value / top * height, 1)

    def line(values: list[tuple[int, float]]) -> str:
        return " ".join(f"{x},{y}" for x, y in (xy(i, v) for i, v in values))

    score = line([(i, p.score or 0.0) for i, p in points])
    threshold = line([(i, p.threshold) for i, p in points if p.threshold is not None])
    drifted = [xy(i, p.score or 0.0) for i, p in points if p.drift_detected]
    return Spark(score, threshold, drifted, top)
