"""Per-column checks before scoring: one bad column is recorded, never fatal to the run.

Each side of a column is converted to its scored type and counted in one pass with Arrow
compute (columnar.Side): missing values, infinities, constants and categories come from
those counts, never from separate pandas passes over whole frames. A reference restored from
the cache (refsummary) brings its counts without its values.
"""

from dataclasses import dataclass, field, replace
from functools import partial

import pandas as pd
import pyarrow as pa

from driftboard.data import convert
from driftboard.data.columnar import Facts, Side
from driftboard.jobs.spec import JobSpec
from driftboard.jobs.stattests import ColumnType
from driftboard.results import FeatureStatus, ReasonClass

LITTLE_POWER = 30  # fewer current values than this get a note


@dataclass(frozen=True, eq=False)
class Column:
    """A scored column after its checks; `reason` of an ok column carries its notes."""

    name: str
    role: str
    column_type: ColumnType
    status: FeatureStatus = FeatureStatus.OK
    reason: str | None = None
    ref: Side | None = field(default=None, repr=False)
    cur: Side | None = field(default=None, repr=False)
    reason_class: ReasonClass | None = None  # set when not ok

    def fail(self, status: FeatureStatus, reason: str, kind: ReasonClass | None) -> "Column":
        return replace(self, status=status, reason=reason, ref=None, cur=None, reason_class=kind)

    @property
    def reference(self) -> pd.Series:
        return self.ref.series if self.ref else pd.Series(dtype=float)

    @property
    def current(self) -> pd.Series:
        return self.cur.series if self.cur else pd.Series(dtype=float)


@dataclass(frozen=True)
class Checked:
    """One side of one column as checked: its Side, or why it cannot be scored."""

    side: Side | None = None
    status: FeatureStatus | None = None
    problem: str | None = None
    kind: ReasonClass | None = None


def check_side(table: pa.Table, name: str, column_type: ColumnType, label: str, keep: bool) -> Checked:
    """`keep`: remember the categories (a reference side, for the unseen share)."""
    at = [i for i, n in enumerate(table.column_names) if n == name]
    if not at:
        return Checked(
            status=FeatureStatus.SKIPPED, problem=f"missing from {label} data", kind=ReasonClass.MISSING
        )
    if len(at) > 1:
        problem = f"appears {len(at)} times in {label} data"
        return Checked(status=FeatureStatus.SKIPPED, problem=problem, kind=ReasonClass.DUPLICATED)
    converted = convert.to_scored(table.column(at[0]), column_type, name, label)
    if converted.problem:
        return Checked(status=FeatureStatus.ERROR, problem=converted.problem, kind=ReasonClass.WRONG_TYPE)
    return Checked(side=convert.side(converted.values, column_type, keep))


def combine(name: str, role: str, column_type: ColumnType, ref: Checked, cur: Checked) -> Column:
    """The column from its two checked sides: the reference's problem first, as it is read first."""
    col = Column(name, role, column_type)
    for checked in (ref, cur):
        if checked.side is None:
            assert checked.status is not None and checked.problem is not None
            # A reference problem is the spec's or the reference's, whatever its kind (a cached
            # reference summary keeps no kind); the current side's kind is this window's incident.
            kind = ReasonClass.REFERENCE if checked is ref else checked.kind
            return col.fail(checked.status, checked.problem, kind)
    return _check_content(replace(col, ref=ref.side, cur=cur.side))


def check_column(
    name: str, role: str, column_type: ColumnType, ref: pd.DataFrame, cur: pd.DataFrame
) -> Column:
    """The same checks on pandas frames (for callers holding frames rather than Arrow)."""
    sides = [check_side(convert.from_pandas(f), name, column_type, label, label == "reference")
             for f, label in ((ref, "reference"), (cur, "current"))]  # fmt: skip
    return combine(name, role, column_type, *sides)


def _facts(side: Side | None) -> Facts:
    return side.facts if side else Facts()


def _check_content(col: Column) -> Column:
    ref, cur = _facts(col.ref), _facts(col.cur)
    skipped = partial(replace, col, status=FeatureStatus.SKIPPED)
    if cur.usable == 0:
        return skipped(reason="no non-null values in the current window", reason_class=ReasonClass.ALL_NULL)
    if ref.usable == 0:
        return skipped(reason="no non-null values in the reference data", reason_class=ReasonClass.REFERENCE)
    notes = []
    if col.column_type == "numerical" and cur.infinite:
        notes.append(f"{cur.infinite} infinite values ignored")
    if ref.constant:
        notes.append("constant in the reference")
    if cur.usable < LITTLE_POWER:
        notes.append(f"only {cur.usable} current values: the test has little power")
    return replace(col, reason="; ".join(notes) or None)


@dataclass(frozen=True)
class ColumnQuality:
    """Counts and null shares; missingness never shows in a drift score, so it is kept apart."""

    reference_count: int | None = None
    current_count: int | None = None
    null_share: float | None = None
    reference_null_share: float | None = None
    unseen_share: float | None = None  # categorical only


def _unseen(col: Column) -> float | None:
    if col.column_type != "categorical" or col.cur is None or col.cur.facts.usable == 0:
        return None
    known = set(_facts(col.ref).categories or ())
    names, counts = col.cur.counts
    new = sum(int(c) for n, c in zip(names, counts, strict=True) if n not in known)
    return new / col.cur.facts.usable


def quality(col: Column) -> ColumnQuality:
    if col.ref is None and col.cur is None:
        return ColumnQuality()
    ref, cur = _facts(col.ref), _facts(col.cur)
    return ColumnQuality(
        reference_count=ref.usable,
        current_count=cur.usable,
        null_share=cur.nulls / cur.length if cur.length else None,
        reference_null_share=ref.nulls / ref.length if ref.length else None,
        unseen_share=_unseen(col),
    )


def schema_changes(
    spec: JobSpec, ref_dtypes: dict[str, list[str]], cur_dtypes: dict[str, list[str]]
) -> dict[str, object]:
    """Columns the spec expects but the current data lacks, new ones, and changed dtypes.

    The dtypes are pandas' names for each column (a list: a name may appear twice), as
    `convert.pandas_dtypes` gives them, whether or not the column was read.
    """
    cols = spec.columns
    expected = set(cols.scored()) | set(cols.ignored) | {spec.timestamp_column}
    expected |= {cols.target} if cols.target else set()
    scored = list(cols.scored())
    changed = {
        name: {"reference": ref_dtypes[name][0], "current": cur_dtypes[name][0]}
        for name in scored
        if len(ref_dtypes.get(name, [])) == 1 and len(cur_dtypes.get(name, [])) == 1
        if convert.kind(ref_dtypes[name][0]) != convert.kind(cur_dtypes[name][0])
    }
    return {
        "missing": [c for c in scored if c not in cur_dtypes],
        "added": sorted(str(c) for c in set(cur_dtypes) - expected),
        "dtype_changed": changed,
    }
