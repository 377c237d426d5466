"""Each native test against Evidently's own function on the same column: sizes past scipy's
exact-KS limit and the Wasserstein chunking, ties, outliers, offsets, constants, new values."""

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from scipy.stats import wasserstein_distance

from driftboard.data.quality import check_column
from driftboard.drift.fast import ecdf, profile
from driftboard.drift.fast.engine import native_score
from driftboard.drift.fast.fallback import evidently_test
from driftboard.jobs.stattests import ColumnType
from tests.support.fast_helpers import same

pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")  # chi-square on a new value: p = 0

RNG = np.random.default_rng(11)
NUMERICAL = {
    "normal-shift": lambda n, d: RNG.normal(0.3 * d, 1, n),
    "ties": lambda n, d: RNG.integers(0, 9 + d, n).astype(float),
    "few-values": lambda n, d: RNG.integers(0, 4, n).astype(float) * (1 + d),
    "outlier": lambda n, d: np.r_[RNG.normal(0, 1, n - 1), 1e6 * (1 - d)],
    "offset": lambda n, d: RNG.normal(1e6 + 0.01 * d, 1, n),
    "constant-reference": lambda n, d: RNG.normal(3, 1, n) if d else np.full(n, 3.0),
    "lognormal-nan": lambda n, d: np.where(RNG.random(n) < 0.2, np.nan, RNG.lognormal(d, 2, n)),
}
CATEGORICAL = {
    "new-values": lambda n, d: RNG.choice(list("abcdefg"[: 5 + 2 * d]), n).astype(object),
    "binary": lambda n, d: RNG.choice(["p", "q"], n, p=[0.5 + 0.2 * d, 0.5 - 0.2 * d]).astype(object),
    "one-side-constant": lambda n, d: (
        RNG.choice(["p", "q"], n).astype(object) if d else np.full(n, "p", object)
    ),
}
SIZES = [(300, 200), (1500, 12_000), (20_000, 700)]  # p-values exact; KS asymptotic; m << n
NUM_TESTS = [None, "ks", "wasserstein", "jensenshannon", "psi", "kl_div", "hellinger"]
CAT_TESTS = [None, "jensenshannon", "psi", "kl_div", "hellinger", "chisquare", "z"]


def _compare(
    kind: ColumnType, make: Callable[[int, int], np.ndarray], n_ref: int, n_cur: int, tests: list[str | None]
) -> None:
    ref, cur = pd.DataFrame({"x": make(n_ref, 0)}), pd.DataFrame({"x": make(n_cur, 1)})
    col = check_column("x", "feature", kind, ref, cur)
    built = profile.build(col.reference, kind)
    for test in tests:
        ours = native_score(col, built, test, None)
        test_id, score, drifted = evidently_test(test, col, None)
        assert ours.stattest == test_id, test
        assert same(ours.score, score), (test, ours.score, score)
        assert ours.drift_detected == drifted, test


@pytest.fixture(autouse=True)
def _small_chunks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(ecdf, "CHUNK", 97)  # many chunk boundaries at test sizes
    monkeypatch.setattr(ecdf, "QUANTILE_CHUNK", 97)


@pytest.mark.parametrize(("n_ref", "n_cur"), SIZES)
@pytest.mark.parametrize("shape", sorted(NUMERICAL))
def test_numerical_natives_equal_evidently(shape: str, n_ref: int, n_cur: int) -> None:
    _compare("numerical", NUMERICAL[shape], n_ref, n_cur, NUM_TESTS)


@pytest.mark.parametrize(("n_ref", "n_cur"), SIZES)
@pytest.mark.parametrize("shape", sorted(CATEGORICAL))
def test_categorical_natives_equal_evidently(shape: str, n_ref: int, n_cur: int) -> None:
    _compare("categorical", CATEGORICAL[shape], n_ref, n_cur, CAT_TESTS)


@pytest.mark.parametrize("m", [1, 96, 97, 98, 500])
def test_wasserstein_at_chunk_boundaries(m: int) -> None:
    _compare("numerical", NUMERICAL["normal-shift"], 2000, m, ["wasserstein"])


W1_SHAPES = {
    "continuous": lambda n: RNG.normal(0, 1, n),
    "ties": lambda n: np.round(RNG.normal(0, 1, n) * 2),
    "constant": lambda n: np.full(n, 1.5),
}


@pytest.mark.parametrize(("n", "m"), [(1, 1), (1, 300), (7, 7), (96, 97), (194, 97), (300, 1), (2000, 1300)])
@pytest.mark.parametrize("ref_shape", sorted(W1_SHAPES))
@pytest.mark.parametrize("cur_shape", sorted(W1_SHAPES))
def test_both_wasserstein_paths_equal_scipy(n: int, m: int, ref_shape: str, cur_shape: str) -> None:
    """The quantile pass and the binary-search walk, each forced, on ties, equal grids (i/n = j/m)."""
    v, c = np.sort(W1_SHAPES[ref_shape](n)), np.sort(W1_SHAPES[cur_shape](m) + 0.25)
    expected = wasserstein_distance(v, c)
    built = profile.numerical(pd.Series(v))
    assert same(ecdf._w1_quantiles(v, c), expected)
    assert same(ecdf._w1(built.values, built.integral, c), expected)
