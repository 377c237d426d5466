"""The run's checked columns from both sides' Spark tables: the same statuses, reasons and
quality counts as the checks on Arrow data give (data/quality.py), from facts and counts
that Spark computed; the sides carry no values, which stay in Spark."""

import numpy as np
import pandas as pd

from driftboard.data import quality
from driftboard.data.columnar import Facts, Side
from driftboard.drift.spark.tables import SideTables, TextCounts
from driftboard.jobs.spec import JobSpec
from driftboard.jobs.stattests import ColumnType
from driftboard.results import FeatureStatus, ReasonClass


def texts(side: SideTables, columns: dict[str, ColumnType]) -> TextCounts:
    """Every categorical column's counts on this side (collected with its tables)."""
    return {name: side.categories[name] for name, kind in columns.items() if name in side.categories}


def checked(side: SideTables, name: str, kind: ColumnType, counts: TextCounts, keep: bool) -> quality.Checked:
    f = side.facts[name]
    if f.problem is not None and f.problem.startswith("missing from"):
        return quality.Checked(status=FeatureStatus.SKIPPED, problem=f.problem, kind=ReasonClass.MISSING)
    if f.problem is not None:
        return quality.Checked(status=FeatureStatus.ERROR, problem=f.problem, kind=ReasonClass.WRONG_TYPE)
    if kind == "numerical":
        constant = f.usable > 0 and f.low == f.high
        return quality.Checked(side=Side(kind, Facts(f.length, f.nulls, f.usable, constant)))
    names, n = counts[name]
    facts = Facts(f.length, f.nulls, f.usable, len(names) == 1, tuple(names) if keep else None)
    found = Side(kind, facts)
    # The cached property the unseen share reads, filled from Spark's counts (no values here).
    found.__dict__["counts"] = (pd.Index(names, dtype=object), np.asarray(n, dtype=np.int64))
    return quality.Checked(side=found)


def columns(
    spec: JobSpec, ref: SideTables, cur: SideTables, ref_counts: TextCounts, cur_counts: TextCounts
) -> list[quality.Column]:
    prediction = spec.columns.prediction.name if spec.columns.prediction else None
    return [
        quality.combine(
            name,
            "prediction" if name == prediction else "feature",
            kind,
            checked(ref, name, kind, ref_counts, True),
            checked(cur, name, kind, cur_counts, False),
        )
        for name, kind in spec.columns.scored().items()
    ]
