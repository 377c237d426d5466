"""Property tests of what users feed in besides specs (those are in tests/jobs/
test_spec_properties.py): timestamps, column values and misbehaving services. The invariant
of issue 21: a correct result or one clear error, never a traceback, a hang or a lost row."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import numpy as np
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import driftboard
from driftboard import outbound
from driftboard.data.convert import to_scored
from driftboard.data.cut import to_utc
from driftboard.errors import DataError
from driftboard.jobs.stattests import ColumnType
from tests.support.misbehaving import BEHAVIOURS, misbehaving

ZONES = ["Europe/Paris", "America/New_York", "Australia/Lord_Howe", "America/St_Johns", "Asia/Kolkata"]
# Instants across 2026, clock changes included (minutes: the zones above shift by 30 or 60).
INSTANTS = st.integers(0, 365 * 24 * 60).map(
    lambda m: datetime(2026, 1, 1, tzinfo=UTC) + timedelta(minutes=m)
)


@given(st.lists(st.tuples(INSTANTS, st.sampled_from([*ZONES, "UTC"])), min_size=1, max_size=40))
def test_instants_written_with_any_offsets_read_back_exactly(stamps: list[tuple[datetime, str]]) -> None:
    """One file may mix offsets (a zone's summer and winter time, or several zones)."""
    text = pd.Series([t.astimezone(ZoneInfo(zone)).isoformat() for t, zone in stamps])
    assert list(to_utc(text, "ts", None, "current")) == [t for t, _ in stamps]


# Wall-clock times in the skipped or repeated hour of one of the zones above (Lord Howe shifts
# by 30 minutes), which uniform draws would rarely hit.
AROUND_CHANGES = [
    datetime.fromisoformat(t)
    for t in (
        "2026-03-29T02:30", "2026-10-25T02:30", "2026-03-08T02:30", "2026-11-01T01:30",
        "2026-04-05T01:45", "2026-10-04T02:15", "2026-03-08T02:59", "2026-10-25T02:00",
    )
]  # fmt: skip
WALL_TIMES = st.one_of(
    st.datetimes(datetime(2026, 1, 1), datetime(2026, 12, 31)).map(lambda t: t.replace(microsecond=0)),
    st.sampled_from(AROUND_CHANGES),
)


@given(st.lists(WALL_TIMES, min_size=1, max_size=40), st.sampled_from(ZONES))
def test_naive_local_times_in_a_zone_keep_every_row(local: list[datetime], zone: str) -> None:
    """Wall-clock times as a local system writes them, in any order: each row gets an instant
    whose local time is the written one, or (in a skipped hour) the first time after the gap."""
    utc = to_utc(pd.Series(pd.to_datetime(local)), "ts", zone, "current")
    assert len(utc) == len(local)
    assert not utc.isna().any()
    back = [u.tz_convert(zone).tz_localize(None).to_pydatetime() for u in utc]
    assert all(b == w or timedelta(0) < b - w <= timedelta(hours=1) for b, w in zip(back, local, strict=True))


@given(st.lists(st.one_of(st.text(max_size=12), st.integers(), st.floats()), min_size=1, max_size=20))
def test_values_that_are_not_timestamps_are_one_clear_error(values: list[object]) -> None:
    series = pd.Series(values, dtype=object)
    said = ""
    try:
        to_utc(series, "ts", "UTC", "current")
    except DataError as exc:  # parsing may succeed (numbers are epoch times): only errors are checked
        said = str(exc)
    assert said == "" or said.startswith("current: column 'ts' ")


EXTREME_FLOATS = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.sampled_from([0.0, -0.0, 1e308, -1e308, 5e-324, float("nan"), float("inf"), float("-inf")]),
)
NULL_LOOKING = st.sampled_from(["", "NA", "N/A", "null", "NULL", "None", "nan", "NaN", "-", " ", "#N/A"])
CATEGORY = st.one_of(NULL_LOOKING, st.text(max_size=6), st.integers(-3, 3), st.none())


def _frame(draw: st.DrawFn, size: st.SearchStrategy[int]) -> pd.DataFrame:
    n = draw(size)
    numbers = draw(st.lists(EXTREME_FLOATS, min_size=n, max_size=n))
    categories = draw(st.lists(CATEGORY, min_size=n, max_size=n))
    nested = [[i, None] for i in range(n)]
    return pd.DataFrame({"x": numbers, "c": pd.Series(categories, dtype=object), "tags": nested})


frames_of = st.composite(_frame)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(frames_of(st.integers(1, 40)), frames_of(st.integers(1, 40)))
def test_any_column_values_are_scored_or_said(reference: pd.DataFrame, current: pd.DataFrame) -> None:
    """Extreme floats, strings that look like null, None, a nested column: every column gets a
    status (and a reason when it is not scored); nothing raises."""
    scores = driftboard.score(reference, current, numerical=["x", "tags"], categorical=["c"])
    by_name = {f.feature: f for f in scores.features}
    assert set(by_name) == {"x", "c", "tags"}
    assert by_name["tags"].status == "error"
    assert "nested" in (by_name["tags"].reason or "")
    for feature in by_name.values():
        assert feature.status in ("ok", "skipped", "error")
        if feature.status == "ok":
            assert feature.score is not None
            assert np.isfinite(feature.score)
        else:
            assert feature.reason


@pytest.mark.parametrize("kind", sorted(BEHAVIOURS))
@settings(max_examples=5, deadline=None)
@given(method=st.sampled_from(["GET", "PUT", "POST", "DELETE"]), body=st.binary(max_size=2048))
def test_a_misbehaving_service_is_one_outbound_error(kind: str, method: str, body: bytes) -> None:
    """Whatever the service does and whatever is sent, the call ends (its deadline) as one
    OutboundError whose message never repeats the URL."""
    with misbehaving(kind) as url:
        secret_url = f"{url}/hooks/T0SECRET/B0SECRET"
        with pytest.raises(outbound.OutboundError) as caught:
            outbound.call(secret_url, method, body or None, deadline=0.3)
    assert "SECRET" not in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize(
    "kind",
    [pa.map_(pa.string(), pa.int64()), pa.list_(pa.float64()), pa.struct([("a", pa.int64())])],
    ids=str,
)
@pytest.mark.parametrize("column_type", ["numerical", "categorical"])
def test_nested_arrow_types_are_refused_by_name(kind: pa.DataType, column_type: ColumnType) -> None:
    """As a Parquet file gives them: maps as well as lists and structs."""
    values = pa.chunked_array([pa.array([None], kind)])
    converted = to_scored(values, column_type, "m", "current")
    assert converted.problem == (
        f"current column 'm' holds nested values ({kind}), which no drift test scores; "
        "flatten it into columns in the source"
    )
