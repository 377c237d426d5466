"""One colour scale for drift ratios: the generated Grafana heatmap's steps are
driftboard.colours', which `history` and the HTML drift report use."""

import json

from driftboard import alertconfig
from driftboard.colours import GRAFANA_HEX, legend, ratio_scale, step_of
from tests.support.repo import REPO


def test_the_generated_heatmap_uses_the_scale() -> None:
    board = json.loads((REPO / "dashboards" / "generated" / "driftboard-heatmap.json").read_text())
    grid = next(p for p in board["panels"] if p["type"] == "status-history")
    steps = grid["fieldConfig"]["defaults"]["thresholds"]["steps"]
    assert [(s["value"], s["color"]) for s in steps] == [(s.start, s.colour) for s in ratio_scale()]


def test_severe_comes_from_the_alerting_config() -> None:
    assert ratio_scale()[-1].start == alertconfig.load().thresholds.severe_drift_ratio


def test_steps_and_legend() -> None:
    scale = ratio_scale()
    assert [step_of(r, scale).colour for r in (0.0, 0.79, 0.8, 1.0, 2.99, 3.0, 50)] == [
        "green", "green", "yellow", "orange", "orange", "red", "red",
    ]  # fmt: skip
    assert [words for words, _ in legend(scale)] == ["< 0.8", "0.8 – 1", "1 – 3", "≥ 3"]
    assert all(step.hex == GRAFANA_HEX[step.colour] for step in scale)
