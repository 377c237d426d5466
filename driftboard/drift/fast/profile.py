"""A column's reference, reduced once to what every native test needs.

Numerical: sorted finite values, the running integral of their empirical CDF (exact
Wasserstein in O(m log n)), Evidently's normalising std, and value counts when few.
Categorical: category counts. Cleaning is Evidently's: NaN and ±inf dropped per column.
"""

from dataclasses import dataclass
from functools import cached_property

import numpy as np
import pandas as pd

from driftboard.data.columnar import Side

LEVELS_MAX = 1000  # distinct values up to which counts are kept (keys-based tests need <= 20)


@dataclass(frozen=True)
class NumProfile:
    n: int
    std: float
    n_unique: int
    values: np.ndarray  # sorted
    integral: np.ndarray  # integral[i] = ∫ F(x) dx from values[0] to values[i]
    levels: np.ndarray  # distinct values (empty when more than LEVELS_MAX)
    level_counts: np.ndarray


@dataclass(frozen=True)
class CatProfile:
    n: int
    categories: list[str]
    counts: np.ndarray

    @cached_property
    def index(self) -> pd.Index:
        return pd.Index(self.categories, dtype=object)


Profile = NumProfile | CatProfile


def finite(series: pd.Series) -> pd.Series:
    """What Evidently scores: `replace([-inf, inf], nan).dropna()`, order kept."""
    if pd.api.types.is_float_dtype(series):
        return series[np.isfinite(series.to_numpy())]
    return series.dropna()


def runs(sorted_values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Distinct values of a sorted array and their counts, in O(n)."""
    starts = np.flatnonzero(np.r_[True, sorted_values[1:] != sorted_values[:-1]])
    return sorted_values[starts], np.diff(np.r_[starts, len(sorted_values)])


def cdf_integral(values: np.ndarray) -> np.ndarray:
    n = len(values)
    steps = np.arange(1, n, dtype=np.float64) / n * np.diff(values)
    return np.concatenate(([0.0], np.cumsum(steps)))


def numerical(series: pd.Series) -> NumProfile:
    return numerical_finite(finite(series).to_numpy(dtype=np.float64))


def numerical_finite(usable: np.ndarray) -> NumProfile:
    """From the finite values in the data's order (the order Evidently's std sums them in)."""
    clean = pd.Series(usable, dtype=np.float64, copy=False)
    values = np.sort(usable)
    levels, counts = runs(values)
    few = len(levels) <= LEVELS_MAX
    return NumProfile(
        n=len(values),
        std=float(np.std(clean)),  # Evidently's own call on its own cleaned Series: bit-identical norm
        n_unique=len(levels),
        values=values,
        integral=cdf_integral(values),
        levels=levels if few else levels[:0],
        level_counts=counts if few else counts[:0],
    )


def value_counts(series: pd.Series) -> tuple[pd.Index, np.ndarray]:
    """Distinct values (missing ones left out) and their counts, in order of first appearance.

    factorize + bincount: about twice as fast as `Series.value_counts` on strings, whose
    hashing holds the GIL, so that the other thread gets it back sooner.
    """
    codes, uniques = pd.factorize(series)  # missing values get the code -1
    return pd.Index(uniques, dtype=object), np.bincount(codes + 1, minlength=len(uniques) + 1)[1:]


def categorical(series: pd.Series) -> CatProfile:
    categories, counts = value_counts(series)
    return CatProfile(int(counts.sum()), list(categories), counts.astype(np.int64))


def build(series: pd.Series, column_type: str) -> Profile:
    return numerical(series) if column_type == "numerical" else categorical(series)


def from_side(side: Side) -> Profile:
    """The same profile from a checked column's side, without a pandas Series."""
    if side.column_type == "numerical":
        return numerical_finite(side.finite())
    categories, counts = side.counts
    return CatProfile(int(counts.sum()), list(categories), counts.astype(np.int64))
