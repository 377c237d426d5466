"""The spark engine's scores equal the fast engine's (which equal Evidently's report), column by
column, for every test it computes, with one bucket per column and with many."""

import pytest

from driftboard.jobs.spec import Drift
from tests.drift.test_fast_drift import SETTINGS
from tests.support.fast_helpers import frames
from tests.support.spark_helpers import assert_equal_to_fast, spark_result

CASES = [
    ("automatic", 400, 250, 10**9),  # p-value tests (reference ≤ 1000 rows), one bucket
    ("automatic", 2500, 1500, 37),  # distances, about a hundred buckets per column
    ("global-and-per-column", 1500, 700, 11),  # every other test (and the properties: test_properties)
]


@pytest.mark.parametrize(("settings", "n_ref", "n_cur", "bucket_values"), CASES)
def test_scores_equal_the_fast_engines(
    spark: object, settings: str, n_ref: int, n_cur: int, bucket_values: int
) -> None:
    drift = Drift.model_validate(SETTINGS[settings])
    ref, cur, types = frames(n_ref, n_cur)
    got = spark_result(spark, ref, cur, types, drift, bucket_values)
    assert_equal_to_fast(got, ref, cur, types, drift)


def test_a_test_the_engine_lacks_is_that_columns_error(spark: object) -> None:
    ref, cur, types = frames(300, 300)
    drift = Drift.model_validate({"per_column": {"n_normal": {"method": "mannw"}}})
    got = spark_result(spark, ref, cur, types, drift)
    assert got.errors == {"n_normal": "the spark engine could not score it: ValueError: "
                          "the spark engine does not compute 'mannw'"}  # fmt: skip
    assert len(got.scores) == len(types) - 1
