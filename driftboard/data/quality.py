"""Per-column checks before scoring: one bad column is recorded, never fatal to the run."""

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from driftboard.jobs.spec import JobSpec
from driftboard.jobs.stattests import ColumnType
from driftboard.results import FeatureStatus


@dataclass(frozen=True, eq=False)  # eq=False: pandas Series do not compare to one bool
class Column:
    """A scored column after its checks; `reason` of an ok column carries its notes."""

    name: str
    role: str
    column_type: ColumnType
    status: FeatureStatus = FeatureStatus.OK
    reason: str | None = None
    reference: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))
    current: pd.Series = field(default_factory=lambda: pd.Series(dtype=float))

    def fail(self, status: FeatureStatus, reason: str) -> "Column":
        return replace(self, status=status, reason=reason)


def _as_numeric(values: pd.Series, name: str, label: str) -> tuple[pd.Series, str | None]:
    if pd.api.types.is_bool_dtype(values):
        return values.astype(float), None
    if pd.api.types.is_datetime64_any_dtype(values):
        return values, f"{label} column {name!r} holds timestamps, not numbers"
    numeric = pd.to_numeric(values, errors="coerce")
    bad = numeric.isna() & values.notna()
    if bad.any():
        sample = values[bad].iloc[0]
        return (
            numeric,
            f"{bad.sum()} of {len(values)} {label} values of {name!r} are not numeric (e.g. {sample!r})",
        )
    return numeric.astype(float), None


def _as_category(values: pd.Series) -> pd.Series:
    """Strings, so that 1, 1.0 and '1' are one category on both sides (Evidently would split them)."""
    if pd.api.types.is_float_dtype(values):
        finite = values.dropna()
        if len(finite) and (finite == np.round(finite)).all():
            values = values.astype("Int64")
    return values.astype("string").astype(object).where(values.notna(), None)


def _pick(frame: pd.DataFrame, name: str, label: str) -> tuple[pd.Series | None, str | None]:
    if name not in frame.columns:
        return None, f"missing from {label} data"
    picked = frame.loc[:, frame.columns == name]
    if picked.shape[1] > 1:
        return None, f"appears {picked.shape[1]} times in {label} data"
    return picked.iloc[:, 0], None


def check_column(
    name: str, role: str, column_type: ColumnType, ref: pd.DataFrame, cur: pd.DataFrame
) -> Column:
    col = Column(name, role, column_type)
    series = {}
    for label, frame in (("reference", ref), ("current", cur)):
        values, problem = _pick(frame, name, label)
        if problem:
            return col.fail(FeatureStatus.SKIPPED, problem)
        assert values is not None
        if column_type == "numerical":
            values, problem = _as_numeric(values, name, label)
            if problem:
                return col.fail(FeatureStatus.ERROR, problem)
        else:
            values = _as_category(values)
        series[label] = values
    return _check_content(replace(col, reference=series["reference"], current=series["current"]))


def _usable(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values):
        return values[np.isfinite(values)]
    return values.dropna()


def _check_content(col: Column) -> Column:
    ref, cur = _usable(col.reference), _usable(col.current)
    if len(cur) == 0:
        return col.fail(FeatureStatus.SKIPPED, "no non-null values in the current window")
    if len(ref) == 0:
        return col.fail(FeatureStatus.SKIPPED, "no non-null values in the reference data")
    notes = []
    infinite = int(col.current.notna().sum()) - len(cur)
    if col.column_type == "numerical" and infinite:
        notes.append(f"{infinite} infinite values ignored")
    if ref.nunique() == 1:
        notes.append("constant in the reference")
    if len(cur) < 30:
        notes.append(f"only {len(cur)} current values: the test has little power")
    return replace(col, reason="; ".join(notes) or None)


@dataclass(frozen=True)
class ColumnQuality:
    """Counts and null shares; missingness never shows in a drift score, so it is kept apart."""

    reference_count: int | None = None
    current_count: int | None = None
    null_share: float | None = None
    reference_null_share: float | None = None
    unseen_share: float | None = None  # categorical only


def quality(col: Column) -> ColumnQuality:
    if col.reference.empty and col.current.empty:
        return ColumnQuality()
    ref, cur = _usable(col.reference), _usable(col.current)
    unseen = float((~cur.isin(set(ref))).mean()) if col.column_type == "categorical" and len(cur) else None
    return ColumnQuality(
        reference_count=len(ref),
        current_count=len(cur),
        null_share=float(col.current.isna().mean()) if len(col.current) else None,
        reference_null_share=float(col.reference.isna().mean()) if len(col.reference) else None,
        unseen_share=unseen,
    )


def check_columns(spec: JobSpec, ref: pd.DataFrame, cur: pd.DataFrame) -> list[Column]:
    prediction = spec.columns.prediction.name if spec.columns.prediction else None
    return [
        check_column(name, "prediction" if name == prediction else "feature", kind, ref, cur)
        for name, kind in spec.columns.scored().items()
    ]


def schema_changes(spec: JobSpec, ref: pd.DataFrame, cur: pd.DataFrame) -> dict[str, object]:
    """Columns the spec expects but the current data lacks, new ones, and changed dtypes."""
    cols = spec.columns
    expected = set(cols.scored()) | set(cols.ignored) | {spec.timestamp_column}
    expected |= {cols.target} if cols.target else set()
    scored = list(cols.scored())
    changed = {
        name: {"reference": str(ref[name].dtype), "current": str(cur[name].dtype)}
        for name in scored
        if name in ref.columns and name in cur.columns and ref[name].ndim == cur[name].ndim == 1
        if ref[name].dtype.kind != cur[name].dtype.kind
    }
    return {
        "missing": [c for c in scored if c not in cur.columns],
        "added": sorted(str(c) for c in set(cur.columns) - expected),
        "dtype_changed": changed,
    }
