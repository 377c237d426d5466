"""One side (reference or current) of one scored column, in Arrow, with the counts the quality
checks and the drift engine read, computed once in one pass over the column.

Values are kept in their scored type (float64 for numerical columns, text for categorical
ones). The pandas Series Evidently's functions and report need is made only on demand; a
reference side restored from the cache has no values until something asks for them (then
`load` reads them from the source).
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cached_property

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from driftboard.jobs.stattests import ColumnType

Loader = Callable[[], pa.ChunkedArray]


@dataclass(frozen=True)
class Facts:
    """What quality needs of a side: sizes, missing values, and (reference) its categories."""

    length: int = 0
    nulls: int = 0  # null or NaN
    usable: int = 0  # what Evidently scores: not null, and finite for numbers
    constant: bool = False  # exactly one distinct usable value
    categories: tuple[str, ...] | None = None  # categorical only, first appearance first

    @property
    def infinite(self) -> int:
        return self.length - self.nulls - self.usable


@dataclass(eq=False)
class Side:
    column_type: ColumnType
    facts: Facts = Facts()
    values: pa.ChunkedArray | None = None
    load: Loader | None = field(default=None, repr=False)

    def arrow(self) -> pa.ChunkedArray:
        if self.values is None:
            self.values = self.load() if self.load else pa.chunked_array([], pa.float64())
        return self.values

    @cached_property
    def series(self) -> pd.Series:
        """Evidently's input: float64 with NaN, or objects (str, None for missing)."""
        if self.column_type == "numerical":
            return pd.Series(self.finite_or_nan(), dtype=float)
        return pd.Series(self.arrow().to_numpy(zero_copy_only=False), dtype=object)

    def finite_or_nan(self) -> np.ndarray:
        return np.asarray(self.arrow().to_numpy(zero_copy_only=False), dtype=np.float64)

    def finite(self) -> np.ndarray:
        """The usable numbers, in the data's order (a copy made per use, not kept: fifty of them
        held for the run would cost as much memory as the window itself)."""
        values = self.finite_or_nan()
        return np.asarray(values[np.isfinite(values)])

    @cached_property
    def counts(self) -> tuple[pd.Index, np.ndarray]:
        """Categories (first appearance first, missing left out) and their counts."""
        found = pc.value_counts(self.arrow()).flatten()
        keep = pc.is_valid(found[0])
        names = pc.filter(found[0], keep).cast(pa.large_string()).to_numpy(zero_copy_only=False)
        counts = pc.filter(found[1], keep).to_numpy(zero_copy_only=False)
        return pd.Index(names, dtype=object), np.asarray(counts, dtype=np.int64)


def numerical_facts(values: pa.ChunkedArray) -> Facts:
    """Missing values (null or NaN), usable ones, and whether those are all equal, chunk by
    chunk from the float64 buffers in place (views, where a chunk has no nulls: no copy of
    the window is ever made for its checks)."""
    length, nulls, usable, low, high = len(values), 0, 0, np.inf, -np.inf
    for chunk in values.chunks:
        v = np.asarray(chunk.to_numpy(zero_copy_only=False), dtype=np.float64)
        finite = np.isfinite(v)
        found = int(np.count_nonzero(finite))
        usable += found
        if found < len(v):
            nulls += int(np.count_nonzero(np.isnan(v)))
        if found:
            low = min(low, float(np.min(v, where=finite, initial=np.inf)))
            high = max(high, float(np.max(v, where=finite, initial=-np.inf)))
    return Facts(length, nulls, usable, usable > 0 and low == high)


def categorical_facts(side: Side, keep_categories: bool) -> Facts:
    values = side.arrow()
    names, _ = side.counts
    categories = tuple(names) if keep_categories else None
    usable = len(values) - values.null_count
    return Facts(len(values), values.null_count, usable, len(names) == 1, categories)
