"""A reference relative to the window, read from the current source over real daily weather:
only the resolved window's rows, one cached profile per resolved reference, and a clear
failure when the history is missing or would overlap the window."""

from pathlib import Path

import pytest

from driftboard.drift.scoring import DriftOptions
from driftboard.jobs.window import Window
from driftboard.results import Evaluation, RunStatus
from driftboard.run.evaluate import evaluate
from tests.support import seattle


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = tmp_path_factory.mktemp("seattle")
    seattle.write(found)
    return found


def _run(folder: Path, reference: dict[str, object], window: Window, cache: Path | None = None) -> Evaluation:
    return evaluate(seattle.spec(folder, reference), window, "none", DriftOptions(cache_dir=cache))


def _days(span: Window) -> int:
    dates = seattle.frame()["date"]
    return int(((dates >= span.start) & (dates < span.end)).sum())


def test_previous_reads_the_windows_before_this_one(folder: Path) -> None:
    april = seattle.month(2013, 4)
    found = _run(folder, {"previous": 3}, april)
    assert found.status == RunStatus.SUCCEEDED
    assert found.reference_rows == _days(Window(seattle.month(2013, 1).start, april.start)) == 90
    assert found.current_rows == _days(april)


def test_offset_reads_the_same_window_a_year_back(folder: Path) -> None:
    found = _run(folder, {"offset": "1y"}, seattle.month(2013, 7))
    assert found.reference_rows == _days(seattle.month(2012, 7))
    fixed = _run(folder, {"path": "seattle-weather.csv"}, seattle.month(2013, 7))
    assert fixed.reference_rows == len(seattle.frame())  # a fixed source: every row, as before


def test_each_resolved_reference_has_its_own_cached_profile(folder: Path, tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    may, june = seattle.month(2013, 5), seattle.month(2013, 6)
    first = _run(folder, {"previous": 2}, may, cache)
    again = _run(folder, {"previous": 2}, may, cache)
    other = _run(folder, {"previous": 2}, june, cache)
    assert len(list(cache.glob("*.profile"))) == 2  # the re-run reused May's
    assert first.reference_fingerprint == again.reference_fingerprint != other.reference_fingerprint
    assert again.features == first.features


def test_missing_history_fails_the_run_with_the_reason(folder: Path) -> None:
    found = _run(folder, {"offset": "1y"}, seattle.month(2012, 3))
    assert found.status == RunStatus.FAILED
    assert found.error == (
        "reference (offset: 1y, [2011-03-01T00:00:00+00:00, 2011-04-01T00:00:00+00:00)) has 0 rows "
        "of current data, fewer than drift.min_reference_rows (28): the history it needs is missing"
    )


def test_an_offset_shorter_than_the_window_is_refused(folder: Path) -> None:
    found = _run(folder, {"offset": "1w"}, seattle.month(2013, 3))
    assert found.status == RunStatus.FAILED
    assert "overlaps the window" in (found.error or "")
