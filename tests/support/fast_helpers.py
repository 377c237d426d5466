"""Columns of every shape the fast path must score like Evidently, built as the runner builds them."""

import math

import numpy as np
import pandas as pd

from driftboard.data.quality import Column, check_column
from driftboard.jobs.stattests import ColumnType


def numerical(kind: str, n: int, drifted: bool, rng: np.random.Generator) -> np.ndarray:
    shift = 0.4 if drifted else 0.0
    if kind == "normal":
        return rng.normal(shift, 1, n)
    if kind == "nan_inf":  # 30 % NaN, a few ±inf: dropped per column, as Evidently does
        x = rng.normal(shift, 1, n)
        x[rng.random(n) < 0.3] = np.nan
        x[:4] = [np.inf, -np.inf, np.inf, np.nan]
        return x
    if kind == "constant":
        return np.full(n, 2.0)
    if kind == "heavy":  # lognormal with one far outlier: tests precision
        return np.r_[rng.lognormal(shift, 2, n - 1), 1e6]
    distinct = {"int2": 2, "int4": 4, "int15": 15, "int40": 40}[kind]
    return rng.integers(0, distinct + (1 if drifted else 0), n).astype(float)


def categorical(kind: str, n: int, drifted: bool, rng: np.random.Generator) -> np.ndarray:
    if kind == "binary":
        return rng.choice(["yes", "no"], n, p=[0.3, 0.7] if drifted else [0.5, 0.5]).astype(object)
    if kind == "constant":
        return np.array(["k"] * n, dtype=object)
    if kind == "new_category":  # the current window has a value the reference never had
        return rng.choice(list("abcde" if drifted else "abcd"), n).astype(object)
    if kind == "many":
        return np.array([f"v{i}" for i in rng.integers(0, 200, n)], dtype=object)
    x = rng.choice(list("uvwxyz"), n).astype(object)  # "with_none": 20 % missing
    x[rng.random(n) < 0.2] = None
    return x


NUMERICAL = ["normal", "nan_inf", "constant", "heavy", "int2", "int4", "int15", "int40"]
CATEGORICAL = ["binary", "constant", "new_category", "many", "with_none"]


def frames(n_ref: int, n_cur: int, seed: int = 3) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, ColumnType]]:
    rng = np.random.default_rng(seed)
    types: dict[str, ColumnType] = {f"n_{k}": "numerical" for k in NUMERICAL}
    types |= {f"c_{k}": "categorical" for k in CATEGORICAL}
    sides = []
    for n, drifted in ((n_ref, False), (n_cur, True)):
        data = {f"n_{k}": numerical(k, n, drifted, rng) for k in NUMERICAL}
        data |= {f"c_{k}": categorical(k, n, drifted, rng) for k in CATEGORICAL}
        sides.append(pd.DataFrame(data))
    return sides[0], sides[1], types


def columns(ref: pd.DataFrame, cur: pd.DataFrame, types: dict[str, ColumnType]) -> list[Column]:
    checked = [check_column(name, "feature", kind, ref, cur) for name, kind in types.items()]
    assert all(c.status == "ok" for c in checked), [(c.name, c.reason) for c in checked]
    return checked


def same(a: float, b: float) -> bool:
    """Equal within 1e-9, NaN equal to NaN (chi-square on one category is NaN in Evidently too)."""
    return (math.isnan(a) and math.isnan(b)) or math.isclose(a, b, rel_tol=0, abs_tol=1e-9)
