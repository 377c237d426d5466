"""Column expressions shared by the engine's tables: a column's values as numbers or as text,
with the conversions (and the error messages) of the other engines (data/convert.py)."""

from pyspark.sql import Column, DataFrame
from pyspark.sql import functions as sf
from pyspark.sql import types as st

INF = float("inf")


def quoted(name: str) -> Column:
    return sf.col("`" + name.replace("`", "``") + "`")


def as_number(df: DataFrame, name: str) -> Column:
    """float64 as numpy would cast; text that is no number becomes null (and is counted)."""
    if isinstance(df.schema[name].dataType, st.BooleanType):
        return quoted(name).cast("int").cast("double")
    value = quoted(name).try_cast("double")
    return sf.when(value == 0, sf.lit(0.0)).otherwise(value)  # −0.0 is 0.0, as numpy's sort says


def not_a_number(df: DataFrame, name: str) -> Column:
    """The text of a value that is present but no number (null for every other value)."""
    if isinstance(df.schema[name].dataType, st.NumericType | st.BooleanType):  # numbers or nulls only
        return sf.lit(None).cast("string")
    raw = quoted(name)
    return sf.when(raw.isNotNull() & raw.try_cast("double").isNull(), raw.cast("string"))


def as_text(df: DataFrame, name: str) -> Column:
    """Categories as text: whole floats as integers (1.0 and 1 are one category), booleans as
    Python names them, as the fast engine's conversion does."""
    x, kind = quoted(name), df.schema[name].dataType
    if isinstance(kind, st.BooleanType):
        return sf.when(x, sf.lit("True")).when(~x, sf.lit("False"))
    if isinstance(kind, st.FloatType | st.DoubleType | st.DecimalType):
        whole = x == sf.floor(x)
        return (
            sf.when(sf.isnan(x), sf.lit(None))
            .when(whole, x.try_cast("long").cast("string"))
            .otherwise(x.cast("string"))
        )
    return x.cast("string")


def finite(v: Column) -> Column:
    return v.isNotNull() & ~sf.isnan(v) & (sf.abs(v) != INF)


def numeric_problem(df: DataFrame, name: str, label: str) -> str | None:
    if isinstance(df.schema[name].dataType, st.TimestampType | st.TimestampNTZType | st.DateType):
        return f"{label} column {name!r} holds timestamps, not numbers"
    return None
