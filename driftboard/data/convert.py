"""A column in its scored type: numbers as float64, categories as text, with the same rules
(and the same error messages) as pandas' `to_numeric` and `astype("string")` gave.

Plain numbers, integers and strings convert in Arrow; anything else (numbers written as
text, booleans as categories, dates, decimals as text) takes pandas' way on that column only,
so the results stay what they were.
"""

from dataclasses import dataclass

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from driftboard.data.columnar import Facts, Side, categorical_facts, numerical_facts
from driftboard.jobs.stattests import ColumnType


@dataclass(frozen=True)
class Converted:
    values: pa.ChunkedArray | None = None
    problem: str | None = None


def to_scored(values: pa.ChunkedArray, column_type: ColumnType, name: str, label: str) -> Converted:
    if pa.types.is_nested(values.type):  # lists, structs, maps: no order or category to test
        return Converted(
            problem=f"{label} column {name!r} holds nested values ({values.type}), "
            "which no drift test scores; flatten it into columns in the source"
        )
    if column_type == "numerical":
        return _numeric(values, name, label)
    return Converted(_category(values))


def side(values: pa.ChunkedArray, column_type: ColumnType, keep_categories: bool) -> Side:
    found = Side(column_type, values=values)
    if column_type == "numerical":
        found.facts = numerical_facts(values)
    else:
        found.facts = categorical_facts(found, keep_categories)
    return found


def _numeric(values: pa.ChunkedArray, name: str, label: str) -> Converted:
    kind = values.type
    if pa.types.is_timestamp(kind):
        return Converted(problem=f"{label} column {name!r} holds timestamps, not numbers")
    if any(test(kind) for test in (pa.types.is_boolean, pa.types.is_integer, pa.types.is_floating)):
        return Converted(pc.cast(values, pa.float64(), safe=False))  # as numpy's astype rounds
    if pa.types.is_null(kind):
        return Converted(values.cast(pa.float64()))
    return _numeric_pandas(values.to_pandas(), name, label)


def _numeric_pandas(series: pd.Series, name: str, label: str) -> Converted:
    """Text (or anything else) parsed as pandas does, naming how many values are not numbers."""
    numeric = pd.to_numeric(series, errors="coerce")
    bad = numeric.isna() & series.notna()
    if bad.any():
        sample = series[bad].iloc[0]
        return Converted(
            problem=f"{bad.sum()} of {len(series)} {label} values of {name!r} "
            f"are not numeric (e.g. {sample!r})"
        )
    return Converted(pa.chunked_array([pa.array(numeric.astype(float).to_numpy(), pa.float64())]))


def _category(values: pa.ChunkedArray) -> pa.ChunkedArray:
    """Text, so that 1, 1.0 and '1' are one category on both sides (Evidently would split them)."""
    kind = values.type
    if pa.types.is_dictionary(kind) and _is_text(kind.value_type):
        return values.cast(pa.large_string())
    if _is_text(kind) or pa.types.is_integer(kind) or pa.types.is_null(kind):
        return values.cast(pa.large_string())
    if pa.types.is_floating(kind) and _integral(values):
        try:
            return values.cast(pa.int64()).cast(pa.large_string())
        except pa.ArrowInvalid:  # beyond int64: pandas' way, whatever it makes of it
            pass
    return _category_pandas(values.to_pandas())


def _is_text(kind: pa.DataType) -> bool:
    return bool(pa.types.is_string(kind) or pa.types.is_large_string(kind))


def _integral(values: pa.ChunkedArray) -> bool:
    """Every non-missing value a whole number (NaN counts as missing; infinity does not)."""
    present = pc.filter(values, pc.invert(pc.is_nan(values)))
    return bool(pc.all(pc.equal(present, pc.round(present))).as_py() in (True, None))


def _category_pandas(series: pd.Series) -> pa.ChunkedArray:
    if pd.api.types.is_float_dtype(series):
        finite = series.dropna()
        if len(finite) and (finite == np.round(finite)).all():
            series = series.astype("Int64")
    text = series.astype("string").astype(object).where(series.notna(), None)
    return pa.chunked_array([pa.array(text.to_numpy(), pa.large_string())])


def from_pandas(frame: pd.DataFrame) -> pa.Table:
    """A frame as Arrow, duplicated names kept; a column of mixed Python types becomes text."""
    arrays = [_array(frame.iloc[:, i]) for i in range(frame.shape[1])]
    return pa.Table.from_arrays(arrays, names=[str(c) for c in frame.columns])


def _array(series: pd.Series) -> pa.ChunkedArray:
    try:
        return pa.chunked_array([pa.Array.from_pandas(series)])
    except (pa.ArrowInvalid, pa.ArrowTypeError):
        text = series.astype("string").astype(object).where(series.notna(), None)
        return pa.chunked_array([pa.array(text.to_numpy(), pa.large_string())])


def pandas_dtypes(schema: pa.Schema) -> dict[str, list[str]]:
    """pandas' dtype name of every column, as `to_pandas` would make it, without any data."""
    try:
        frame = schema.empty_table().to_pandas()
    except (pa.ArrowException, ValueError, KeyError, TypeError):  # pandas metadata naming other columns
        frame = schema.remove_metadata().empty_table().to_pandas()
    return frame_dtypes(frame)


def frame_dtypes(frame: pd.DataFrame) -> dict[str, list[str]]:
    names: dict[str, list[str]] = {}
    for name, dtype in zip(frame.columns, frame.dtypes, strict=True):
        names.setdefault(str(name), []).append(str(dtype))
    return names


def kind(dtype: str) -> str:
    try:
        return str(pd.api.types.pandas_dtype(dtype).kind)
    except TypeError:
        return "O"


__all__ = ["Converted", "Facts", "from_pandas", "kind", "pandas_dtypes", "side", "to_scored"]
