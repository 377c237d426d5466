"""Score frames with the spark engine and with the fast engine, and compare them column by column."""

from typing import Any

import pandas as pd
import pyarrow as pa

from driftboard.drift import fast
from driftboard.drift.scores import DriftResult
from driftboard.drift.spark import ordered, sparkscore, tables
from driftboard.jobs.spec import Drift
from driftboard.jobs.stattests import ColumnType
from tests.support.fast_helpers import columns, same


def to_spark(spark: Any, frame: pd.DataFrame) -> Any:
    """A pandas frame as a Spark DataFrame through Arrow (no pandas on the Spark side)."""
    return spark.createDataFrame(pa.Table.from_pandas(frame, preserve_index=False))


def spark_result(
    spark: Any,
    ref: pd.DataFrame,
    cur: pd.DataFrame,
    types: dict[str, ColumnType],
    drift: Drift,
    bucket_values: int = ordered.BUCKET_VALUES,
) -> DriftResult:
    sides = [
        tables.side_tables(to_spark(spark, f), types, label, counted=label == "reference")
        for f, label in ((ref, "reference"), (cur, "current"))
    ]
    return sparkscore.score_tables(*sides, types, drift, bucket_values)


def assert_equal_to_fast(
    got: DriftResult, ref: pd.DataFrame, cur: pd.DataFrame, types: dict[str, ColumnType], drift: Drift
) -> None:
    """The same test, threshold and flag per column, the score within 1e-9 (relative for big ones)."""
    want = fast.score_columns(columns(ref, cur, types), drift)
    assert got.errors == want.errors
    assert set(got.scores) == set(want.scores)
    for name, w in want.scores.items():
        g = got.scores[name]
        assert (g.stattest, g.threshold, g.drift_detected) == (w.stattest, w.threshold, w.drift_detected), (
            name
        )
        assert same(g.score, w.score) or abs(g.score - w.score) <= 1e-9 * abs(w.score), (name, g, w)


def assert_same_evaluation(got: Any, want: Any) -> None:
    """Two evaluations of one window: the same features, statuses, reasons, quality and tests,
    scores within 1e-9."""
    assert (got.status, got.error, got.reference_rows, got.current_rows) == (
        want.status,
        want.error,
        want.reference_rows,
        want.current_rows,
    ), (got.error, want.error)
    assert got.schema_changes == want.schema_changes, (got.schema_changes, want.schema_changes)
    assert [f.feature for f in got.features] == [f.feature for f in want.features]
    for g, w in zip(got.features, want.features, strict=True):
        assert (g.status, g.reason, g.reason_class) == (w.status, w.reason, w.reason_class), g.feature
        assert (g.stattest, g.drift_detected) == (w.stattest, w.drift_detected), g.feature
        assert (g.reference_count, g.current_count) == (w.reference_count, w.current_count), g.feature
        assert g.unseen_share == w.unseen_share, g.feature
        assert (g.null_share, g.reference_null_share) == (w.null_share, w.reference_null_share), g.feature
        if w.score is not None:
            assert same(g.score, w.score), (g, w)
