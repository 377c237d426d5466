"""The drift-ratio colour scale: one definition for the Grafana heatmap, `driftboard history`
and the HTML drift report, so a cell means the same colour everywhere.

Steps are Grafana's named colours at levels from alerting/config.yml (via alertconfig): a
ratio of 1 is just drifted, and from `severe_drift_ratio` one feature alone is critical.
"""

from dataclasses import dataclass
from itertools import pairwise

from driftboard import alertconfig

# Grafana's named colours as it draws them (its palette's main shades): the terminal and the
# HTML page use these hex values, the dashboards the names.
GRAFANA_HEX = {"green": "#73BF69", "yellow": "#FADE2A", "orange": "#FF9830", "red": "#F2495C"}
NO_DATA_HEX = "#8E8E8E"  # a feature skipped or failed in that run: no ratio to colour
NEAR_DRIFT = 0.8  # from here a feature is close to its threshold: worth a glance


@dataclass(frozen=True)
class Step:
    start: float | None  # the scale's base step has no lower bound
    colour: str  # a Grafana colour name
    meaning: str

    @property
    def hex(self) -> str:
        return GRAFANA_HEX[self.colour]


def ratio_scale() -> tuple[Step, ...]:
    """The drift ratio's steps, lowest first (Grafana's threshold steps, in order)."""
    severe = alertconfig.load().thresholds.severe_drift_ratio
    return (
        Step(None, "green", "clean"),
        Step(NEAR_DRIFT, "yellow", "near its threshold"),
        Step(1.0, "orange", "drifted"),
        Step(severe, "red", "severe: critical on its own"),
    )


def step_of(ratio: float, scale: tuple[Step, ...]) -> Step:
    """The step a ratio falls in: the last whose start it reaches, as Grafana picks it."""
    return [s for s in scale if s.start is None or ratio >= s.start][-1]


def legend(scale: tuple[Step, ...]) -> list[tuple[str, Step]]:
    """Each step with its range in words, e.g. ("1 – 3", drifted)."""
    bounds = [s.start for s in scale[1:]]
    ranges = [f"< {bounds[0]:g}"]
    ranges += [f"{a:g} – {b:g}" for a, b in pairwise(bounds)]
    ranges += [f"≥ {bounds[-1]:g}"]
    return list(zip(ranges, scale, strict=True))
