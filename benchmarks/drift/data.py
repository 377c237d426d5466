"""Seeded data for the drift benchmark, in the shape the runner hands to the drift engines.

80 % numerical, 20 % categorical columns of a few kinds; drift is injected in three columns
(a shifted and a widened numerical, a re-weighted categorical). Categorical values go through
`quality.check_column` like a run's, so every cell is its own `str` (as after reading a file)
and `memory_usage(deep=True)` is the frames' true size.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd

from driftboard.data.quality import Column, check_column
from driftboard.jobs.stattests import ColumnType

SEED = 8
NUMERICAL_KINDS = ("normal", "lognormal", "uniform", "normal_nan", "int4")
CATEGORY_COUNTS = (3, 10, 50, 200)
DRIFTED = ("num_000", "num_001", "cat_000")


@dataclass(frozen=True)
class Case:
    name: str
    rows: int  # reference rows, and current rows unless `current` is set
    columns: int
    distinct: int = 0  # > 0: one categorical column with this many distinct values, alone
    timeout: float = 300.0  # for Evidently's report
    current: int = 0  # rows of the current window; 0: `rows`

    @property
    def current_rows(self) -> int:
        return self.current or self.rows

    @property
    def label(self) -> str:
        rows = f"{self.rows:,}" if not self.current else f"{self.rows:,} ref, {self.current:,} cur"
        if self.distinct:
            return f"{rows} × 1 categorical, {self.distinct:,} distinct"
        return f"{rows} × {self.columns:,}"


def _numerical(kind: str, n: int, drift: str, rng: np.random.Generator) -> np.ndarray:
    shift, scale = (0.5 if drift == "shift" else 0.0), (1.5 if drift == "scale" else 1.0)
    if kind == "lognormal":
        return rng.lognormal(shift, scale, n)
    if kind == "uniform":
        return rng.uniform(shift, shift + scale, n)
    if kind == "int4":  # few distinct values: Evidently scores it with Jensen-Shannon on counts
        return rng.integers(0, 4, n).astype(np.float64)
    values = rng.normal(shift, scale, n)
    if kind == "normal_nan":  # 2 % missing: dropped before scoring, as Evidently does
        values[rng.random(n) < 0.02] = np.nan
    return values


def _categorical(k: int, n: int, drifted: bool, rng: np.random.Generator) -> pd.Series:
    """Zipf-like: a few frequent categories and a long tail; drift reverses the weights."""
    weights = 1.0 / np.arange(1, k + 1)
    if drifted:
        weights = weights[::-1]
    codes = rng.choice(k, n, p=weights / weights.sum())
    return pd.Series(np.array([f"v{i}" for i in range(k)], dtype=object)[codes])


def _side(
    case: Case, rows: int, drifted: bool, rng: np.random.Generator
) -> tuple[pd.DataFrame, dict[str, ColumnType]]:
    """One frame; `drifted` applies the three injected drifts (the current window)."""
    if case.distinct:
        return pd.DataFrame({"cat_000": _categorical(case.distinct, rows, drifted, rng)}), {
            "cat_000": "categorical"
        }
    n_num = round(case.columns * 0.8)
    data: dict[str, object] = {}
    types: dict[str, ColumnType] = {}
    for i in range(n_num):
        drift = {0: "shift", 1: "scale"}.get(i, "") if drifted else ""
        data[f"num_{i:03}"] = _numerical(NUMERICAL_KINDS[i % 5], rows, drift, rng)
        types[f"num_{i:03}"] = "numerical"
    for j in range(case.columns - n_num):
        k = CATEGORY_COUNTS[j % len(CATEGORY_COUNTS)]
        data[f"cat_{j:03}"] = _categorical(k, rows, drifted and j == 0, rng)
        types[f"cat_{j:03}"] = "categorical"
    return pd.DataFrame(data), types


def generate(case: Case) -> tuple[pd.DataFrame, pd.DataFrame, list[Column]]:
    """Reference, current and the checked columns, whose Series are the frames' columns."""
    rng = np.random.default_rng(SEED)
    raw_ref, types = _side(case, case.rows, False, rng)
    raw_cur, _ = _side(case, case.current_rows, True, rng)
    columns = [check_column(name, "feature", kind, raw_ref, raw_cur) for name, kind in types.items()]
    assert all(c.status == "ok" for c in columns), [(c.name, c.reason) for c in columns]
    del raw_ref, raw_cur  # the checked Series are the data every method gets
    ref = pd.DataFrame({c.name: c.reference for c in columns})
    cur = pd.DataFrame({c.name: c.current for c in columns})
    for c in columns:  # views of the frames (copy-on-write): no second copy of the data is held
        assert c.ref is not None
        assert c.cur is not None
        # Side.series is a cached_property: its cache slot takes the frame's column instead.
        c.ref.__dict__["series"], c.cur.__dict__["series"] = ref[c.name], cur[c.name]
    return ref, cur, columns


def frames_bytes(ref: pd.DataFrame, cur: pd.DataFrame) -> int:
    return int(ref.memory_usage(deep=True).sum() + cur.memory_usage(deep=True).sum())
