"""Property tests: on random data the spark engine scores every column as the fast engine does
(test, flag, score within 1e-9): ties, NaN, ±inf, −0.0, tiny windows, one bucket per column
or one per distinct value, categories the reference never saw. Few examples: each runs a
dozen Spark jobs."""

from typing import Any

import numpy as np
import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from driftboard.jobs.spec import Drift
from tests.support.spark_helpers import assert_equal_to_fast, spark_result

SPECIAL = [np.nan, np.inf, -np.inf, -0.0, 0.0]
NUMERICAL_TESTS = [None, "ks", "wasserstein", "psi", "jensenshannon", "kl_div", "hellinger"]
CATEGORICAL_TESTS = [None, "chisquare", "z", "psi", "jensenshannon", "kl_div", "hellinger"]
EXAMPLES = settings(max_examples=6, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)


def usable(values: list[float]) -> bool:
    return any(np.isfinite(values))


@st.composite
def numbers(draw: Any, most: int) -> list[float]:
    """Rounded values (ties), a scale from tiny to large, and a few NaN, ±inf and −0.0."""
    scale = draw(st.sampled_from([1e-3, 1.0, 1e6]))
    size = draw(st.integers(1, most))
    base = draw(st.lists(st.integers(-40, 40), min_size=size, max_size=size))
    values = [scale * b / 4 for b in base]
    for at in draw(st.lists(st.integers(0, size - 1), max_size=3)):
        values[at] = draw(st.sampled_from(SPECIAL))
    return values if usable(values) else [*values, 1.0]


@given(
    ref=numbers(1500),
    cur=numbers(60),
    method=st.sampled_from(NUMERICAL_TESTS),
    bucket_values=st.sampled_from([1, 4, 10**9]),
)
@EXAMPLES
def test_numerical_columns(
    spark: Any, ref: list[float], cur: list[float], method: str | None, bucket_values: int
) -> None:
    refs, curs = pd.DataFrame({"x": ref}), pd.DataFrame({"x": cur})
    drift = Drift(method=method)
    got = spark_result(spark, refs, curs, {"x": "numerical"}, drift, bucket_values)
    assert_equal_to_fast(got, refs, curs, {"x": "numerical"}, drift)


@given(
    ref=st.lists(st.sampled_from(["a", "b", "c", None]), min_size=1, max_size=1200),
    cur=st.lists(st.sampled_from(["a", "b", "new", "other", None]), min_size=1, max_size=50),
    method=st.sampled_from(CATEGORICAL_TESTS),
)
@EXAMPLES
def test_categorical_columns_with_unseen_categories(
    spark: Any, ref: list[str | None], cur: list[str | None], method: str | None
) -> None:
    ref, cur = [*ref, "a"], [*cur, "new"]  # at least one value each side, one of them unseen
    refs, curs = (
        pd.DataFrame({"c": pd.Series(ref, dtype=object)}),
        pd.DataFrame({"c": pd.Series(cur, dtype=object)}),
    )
    drift = Drift(method=method)
    got = spark_result(spark, refs, curs, {"c": "categorical"}, drift)
    assert_equal_to_fast(got, refs, curs, {"c": "categorical"}, drift)
