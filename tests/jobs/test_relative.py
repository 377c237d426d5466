"""Relative references in the spec: `previous: N` and `offset:` windows, and their errors."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import yaml

from driftboard.jobs.load import SpecError, load_spec
from driftboard.jobs.relative import parse_offset, previous_windows, shifted
from driftboard.jobs.spec import DataSource, RelativeReference
from driftboard.jobs.window import Window

MARCH = Window(datetime(2024, 3, 1, tzinfo=UTC), datetime(2024, 4, 1, tzinfo=UTC))


def test_previous_windows_end_where_the_window_starts() -> None:
    day = Window(datetime(2024, 3, 10, tzinfo=UTC), datetime(2024, 3, 11, tzinfo=UTC))
    assert previous_windows(day, 7) == Window(datetime(2024, 3, 3, tzinfo=UTC), day.start)


def test_an_offset_in_years_is_calendar_years() -> None:
    assert shifted(MARCH, parse_offset("1y")) == Window(
        datetime(2023, 3, 1, tzinfo=UTC), datetime(2023, 4, 1, tzinfo=UTC)
    )
    leap = Window(datetime(2024, 2, 29, tzinfo=UTC), datetime(2024, 3, 1, tzinfo=UTC))
    assert shifted(leap, parse_offset("1y")).start == datetime(2023, 2, 28, tzinfo=UTC)


def test_an_offset_may_add_a_duration_to_years() -> None:
    assert parse_offset("1w").delta == timedelta(weeks=1)
    found = parse_offset("1y1d")
    assert (found.years, found.delta) == (1, timedelta(days=1))


@pytest.mark.parametrize("text", ["1q", "", "y", "0y", "1y1q"])
def test_a_bad_offset_is_refused(text: str) -> None:
    with pytest.raises(ValueError, match="offset"):
        parse_offset(text)


def _spec(tmp_path: Path, reference: object) -> Path:
    body = {
        "model": "m",
        "schedule": {"interval": "1d"},
        "timestamp_column": "t",
        "reference": reference,
        "current": {"path": "current.csv"},
        "columns": {"numerical": ["x"]},
    }
    path = tmp_path / "m.yaml"
    path.write_text(yaml.safe_dump(body, sort_keys=False))
    return path


def test_the_spec_takes_a_source_or_a_relative_reference(tmp_path: Path) -> None:
    assert isinstance(load_spec(_spec(tmp_path, {"path": "r.csv"})).spec.reference, DataSource)
    relative = load_spec(_spec(tmp_path, {"previous": 3})).spec.reference
    assert isinstance(relative, RelativeReference)
    assert relative.window_for(MARCH) == previous_windows(MARCH, 3)
    seasonal = load_spec(_spec(tmp_path, {"offset": "1y"})).spec.reference
    assert isinstance(seasonal, RelativeReference)
    assert seasonal.describe() == "offset: 1y"


@pytest.mark.parametrize(
    ("reference", "message"),
    [
        ({"previous": 2, "offset": "1w"}, "6: reference: set exactly one of 'previous' or 'offset'"),
        ({"previous": 0}, "6: reference.previous: Input should be greater than or equal to 1"),
        ({"offset": "soon"}, "6: reference.offset: 'soon' is not an offset"),
        ({"previous": 2, "path": "r.csv"}, "7: reference.path: unknown field"),
    ],
)
def test_a_bad_relative_reference_names_its_line_and_field(
    tmp_path: Path, reference: object, message: str
) -> None:
    with pytest.raises(SpecError) as caught:
        load_spec(_spec(tmp_path, reference))
    assert f"m.yaml:{message}" in str(caught.value)
