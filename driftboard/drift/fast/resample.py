"""A column's score between two samples of its own reference, the second of the window's
size: the spread of scores the reference produces with no drift at all, which a calibrated
threshold cuts at a quantile (driftboard/drift/calibrate.py, docs/calibrated-thresholds.md).

`bootstrap` draws both samples with replacement (seed 0, so a threshold is reproducible):
a reference of the reference's size (at most REFERENCE_CAP) and a window. `chunks` takes
consecutive, disjoint chunks in the reference's row order and scores each against the rest,
so that runs of similar rows (days of one season) count as they would in real windows.
A chunk is never scored against a reference that contains it: that would understate the
spread whenever the window is not tiny beside the reference.
"""

from collections.abc import Iterator

import numpy as np
import pandas as pd

from driftboard.data.columnar import Side
from driftboard.drift.fast.current import CatCurrent, Current, NumCurrent, align
from driftboard.drift.fast.natives import NATIVE
from driftboard.drift.fast.profile import (
    CatProfile,
    NumProfile,
    Profile,
    categorical,
    finite,
    numerical_finite,
)

SEED = 0
REFERENCE_CAP = 100_000  # bootstrap references beyond this cost a sort each and change little


def scores(
    profile: Profile, reference: Side | None, test_id: str, size: int, method: str, samples: int
) -> np.ndarray:
    native = NATIVE.get(test_id)
    if native is None:
        raise ValueError(f"stattest {test_id!r} has no native version to score reference samples with")
    if size < 1:
        raise ValueError("the window has no usable values")
    if method == "bootstrap":
        drawn = _bootstrap(profile, size, samples)
    else:
        drawn = _chunks(profile, _ordered(reference), size, samples)
    return np.fromiter((native(pair) for pair in drawn), dtype=np.float64)


def _bootstrap(profile: Profile, size: int, samples: int) -> Iterator[Current]:
    rng = np.random.default_rng(SEED)
    n = min(profile.n, REFERENCE_CAP)
    for _ in range(samples):
        if isinstance(profile, CatProfile):
            shares = profile.counts / profile.n
            yield _cat_pair(profile.categories, rng.multinomial(n, shares), rng.multinomial(size, shares))
        else:
            values = np.asarray(profile.values)
            cur = np.sort(rng.choice(values, size))
            yield NumCurrent(numerical_finite(rng.choice(values, n)), cur)


def _cat_pair(categories: list[str], ref: np.ndarray, cur: np.ndarray) -> CatCurrent:
    names = np.asarray(categories, dtype=object)
    base = CatProfile(int(ref.sum()), list(names[ref > 0]), ref[ref > 0].astype(np.int64))
    return CatCurrent(base, align(base, pd.Index(names[cur > 0], dtype=object), cur[cur > 0]))


def _ordered(reference: Side | None) -> pd.Series:
    if reference is None:
        raise ValueError("calibration.method chunks needs the reference's rows")
    return finite(reference.series).reset_index(drop=True)


def _chunks(profile: Profile, values: pd.Series, size: int, samples: int) -> Iterator[Current]:
    count = min(len(values) // size, samples)
    if count < 2:
        raise ValueError(
            f"the reference's {len(values)} values make fewer than two chunks of the window's "
            f"{size}: use calibration.method bootstrap or a longer reference"
        )
    for k in range(count):
        chunk = values.iloc[k * size : (k + 1) * size]
        rest = pd.concat([values.iloc[: k * size], values.iloc[(k + 1) * size :]])
        if isinstance(profile, NumProfile):
            base = numerical_finite(rest.to_numpy(dtype=np.float64))
            yield NumCurrent(base, np.sort(chunk.to_numpy(dtype=np.float64)))
        else:
            ref = categorical(rest.astype(str))
            found = chunk.astype(str).value_counts(sort=False)
            yield CatCurrent(ref, align(ref, pd.Index(found.index, dtype=object), found.to_numpy()))
