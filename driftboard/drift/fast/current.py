"""The current window of one column, in the shape the native tests read, aligned to its profile."""

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from driftboard.data.columnar import Side
from driftboard.drift.fast.profile import CatProfile, NumProfile, Profile, runs


@dataclass
class Counts:
    """Counts of reference and current over the union of their values (reference keys first)."""

    keys: list[Any]  # category labels or numbers, as the profile keeps them
    ref: np.ndarray
    cur: np.ndarray
    n: int
    m: int


@dataclass
class NumCurrent:
    profile: NumProfile
    values: np.ndarray  # sorted finite current values

    @cached_property
    def levels(self) -> tuple[np.ndarray, np.ndarray]:
        return runs(self.values)

    def n_values(self, limit: int = 5) -> int:
        """Distinct values of reference and current together, exactly when at most `limit`."""
        mine, _ = self.levels
        if self.profile.n_unique > limit or len(mine) > limit:
            return limit + 1
        return len(np.union1d(self.profile.levels, mine))

    @cached_property
    def counts(self) -> Counts:
        """Value counts of both sides; only used with few distinct reference values."""
        p = self.profile
        if len(p.levels) != p.n_unique:
            raise ValueError("reference profile keeps no value counts for this many distinct values")
        mine, mine_counts = self.levels
        keys = np.union1d(p.levels, mine)
        ref = np.zeros(len(keys), dtype=np.int64)
        cur = np.zeros(len(keys), dtype=np.int64)
        ref[np.searchsorted(keys, p.levels)] = p.level_counts
        cur[np.searchsorted(keys, mine)] = mine_counts
        return Counts(keys.tolist(), ref, cur, p.n, len(self.values))


@dataclass
class CatCurrent:
    profile: CatProfile
    counts: Counts

    def n_values(self, limit: int = 5) -> int:
        return len(self.counts.keys)


Current = NumCurrent | CatCurrent


def align(profile: CatProfile, seen: pd.Index, counts: np.ndarray) -> Counts:
    """O(k) alignment of the window's category counts on the reference's, by hash lookup."""
    where = profile.index.get_indexer(seen)
    new = where < 0
    k = len(profile.categories)
    cur = np.zeros(k + int(new.sum()), dtype=np.int64)
    cur[where[~new]] = counts[~new]
    cur[k:] = counts[new]
    ref = np.concatenate((profile.counts, np.zeros(int(new.sum()), dtype=np.int64)))
    keys = profile.categories + list(seen[new])
    return Counts(keys, ref, cur, profile.n, int(counts.sum()))


def prepare(profile: Profile, side: Side) -> Current:
    if isinstance(profile, CatProfile):
        return CatCurrent(profile, align(profile, *side.counts))
    return NumCurrent(profile, np.sort(side.finite()))
