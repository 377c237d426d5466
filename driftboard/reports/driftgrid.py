"""One model's features × runs over a period, worst feature first: what `driftboard history`
draws in the terminal and the HTML drift report draws as its heatmap.

Rows are ordered as the Grafana heatmap orders them: highest drift ratio in the period
first, features without any ratio last, ties by name.
"""

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Engine

from driftboard.store.runs import timeline
from driftboard.store.runs.timeline import FeaturePoint, RunPoint


@dataclass(frozen=True)
class Grid:
    model: str
    start: datetime
    end: datetime
    runs: tuple[RunPoint, ...]  # oldest first: the columns
    features: tuple[str, ...]  # worst first: the rows
    cells: dict[tuple[str, datetime], FeaturePoint]  # (feature, window_end) → its result

    def worst(self, feature: str) -> float | None:
        ratios = [c.drift_ratio for c in self.row(feature) if c and c.drift_ratio is not None]
        return max(ratios, default=None)

    def row(self, feature: str) -> list[FeaturePoint | None]:
        return [self.cells.get((feature, run.window_end)) for run in self.runs]


def rank(points: list[FeaturePoint]) -> tuple[str, ...]:
    worst: dict[str, float | None] = {}
    for p in points:
        now = worst.get(p.feature)
        if p.drift_ratio is not None and (now is None or p.drift_ratio > now):
            worst[p.feature] = p.drift_ratio
        else:
            worst.setdefault(p.feature, None)
    return tuple(sorted(worst, key=lambda f: (worst[f] is None, -(worst[f] or 0.0), f)))


def build(engine: Engine, model: str, start: datetime, end: datetime) -> Grid:
    points = timeline.features_between(engine, model, start, end)
    runs = tuple(timeline.runs_between(engine, model, start, end))
    cells = {(p.feature, p.window_end): p for p in points}
    return Grid(model, start, end, runs, rank(points), cells)
