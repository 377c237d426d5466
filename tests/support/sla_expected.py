"""What every SLA number of sla_history must be, worked out by hand from its docstring."""

from datetime import timedelta
from typing import Any

import pytest

from tests.support.sla_history import T0, H

MINUTE = 60
# alpha: 24 windows expected; 21 rows (20 runs + 1 skipped row), 2 failed; 18 evaluated, 17 on time
# (11 finished 90 min late); critical 13 and 15; incidents A, B resolved and C open.
ALPHA = {
    "expected_windows": 24, "evaluated_windows": 18, "on_time_windows": 17,
    "coverage": 18 / 24, "on_time_share": 17 / 24, "freshness_target": 0.9,
    "freshness_budget_left": ((1 - 0.9) - (1 - 17 / 24)) / (1 - 0.9),
    "runs": 21, "succeeded_runs": 18, "success_rate": 18 / 21,
    "healthy_windows": 16, "critical_windows": 2, "labeled_windows": 0, "healthy_share": 16 / 18,
    "healthy_target": 0.8, "healthy_budget_left": ((1 - 0.8) - (1 - 16 / 18)) / (1 - 0.8),
    "incidents": 3, "open_incidents": 1,
    "mttd_seconds": (62 * MINUTE + 72 * MINUTE + 62 * MINUTE) / 3,  # detection − onset: A, B, C
    "mttr_seconds": (3 * 3600 + 4 * 3600) / 2,  # end − onset of the resolved A and B
}  # fmt: skip
# beta: every 2 h from 3h: 11 windows, all on time, quiet; f1 below 0.7 in window 5 h only.
BETA = {
    "expected_windows": 11, "evaluated_windows": 11, "on_time_windows": 11, "coverage": 1.0,
    "on_time_share": 1.0, "freshness_budget_left": 1.0, "runs": 11, "success_rate": 1.0,
    "healthy_windows": 10, "critical_windows": 0, "labeled_windows": 3, "healthy_share": 10 / 11,
    "healthy_budget_left": ((1 - 0.95) - (1 - 10 / 11)) / (1 - 0.95), "incidents": 0,
    "mttd_seconds": None, "mttr_seconds": None,
}  # fmt: skip
GAMMA = {"expected_windows": 0, "runs": 0, "coverage": None, "on_time_share": None, "healthy_share": None}


def at(hours: float, minutes: int = 0) -> Any:
    return T0 + hours * H + timedelta(minutes=minutes)


INCIDENTS = [  # onset, first detection, first alert, end, windows, critical windows, MTTD, MTTR
    (at(4), at(5, 2), at(7, 2), at(7), 3, 0, 62 * MINUTE, 3 * 3600),  # f1's 3rd run in a row
    (at(11), at(12, 12), at(13, 2), at(15), 3, 2, 72 * MINUTE, 4 * 3600),  # 13 is critical
    (at(19), at(20, 2), at(24, 2), None, 5, 0, 62 * MINUTE, None),  # f1 3 in a row only at 24
]


def by_model(rows: list[dict[str, Any]]) -> dict[str, dict[str, Any]]:
    return {r["model"]: r for r in rows}


def assert_numbers(row: dict[str, Any], expected: dict[str, Any]) -> None:
    for key, value in expected.items():
        assert row[key] == (value if value is None else pytest.approx(value, abs=1e-9)), key
