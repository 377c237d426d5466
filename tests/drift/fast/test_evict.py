"""The profile cache's bound: least recently used entries go first (a profile with its
calibration), nothing used within the hour goes, and crashed writers' leftovers go after a day."""

import os
import time
from pathlib import Path

from driftboard.drift import scoring
from driftboard.drift.fast import evict
from driftboard.jobs.spec import Drift
from tests.support.fast_helpers import columns, frames

HOUR = 3600.0


def _entry(directory: Path, key: str, size: int, used_ago: float, now: float) -> list[Path]:
    paths = [directory / f"{key}.profile", directory / f"{key}.calibration.json"]
    for path in paths:
        path.write_bytes(b"x" * size)
        os.utime(path, (now - used_ago, now - used_ago))
    return paths


def test_the_least_recently_used_go_first_until_the_cache_fits(tmp_path: Path) -> None:
    now = time.time()
    old = _entry(tmp_path, "old", 100, 30 * 24 * HOUR, now)
    older = _entry(tmp_path, "older", 100, 40 * 24 * HOUR, now)
    _entry(tmp_path, "recent", 100, 2 * HOUR, now)
    assert evict.trim(tmp_path, limit=250, now=now) == ["older", "old"]
    assert not any(p.exists() for p in old + older)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["recent.calibration.json", "recent.profile"]


def test_nothing_used_within_the_hour_goes_whatever_the_bound(tmp_path: Path) -> None:
    now = time.time()
    _entry(tmp_path, "busy", 1000, 0.5 * HOUR, now)
    assert evict.trim(tmp_path, limit=1, now=now) == []
    assert (tmp_path / "busy.profile").exists()


def test_no_bound_removes_nothing(tmp_path: Path) -> None:
    now = time.time()
    _entry(tmp_path, "ancient", 1000, 365 * 24 * HOUR, now)
    assert evict.trim(tmp_path, limit=0, now=now) == []


def test_temporaries_of_crashed_writers_go_after_a_day(tmp_path: Path) -> None:
    now = time.time()
    stale, fresh = tmp_path / "a.profile.x1.tmp", tmp_path / "b.profile.x2.tmp"
    for path, age in ((stale, 25 * HOUR), (fresh, 0.1 * HOUR)):
        path.write_bytes(b"x")
        os.utime(path, (now - age, now - age))
    evict.trim(tmp_path, limit=0, now=now)
    assert sorted(p.name for p in tmp_path.iterdir()) == [fresh.name]


def test_a_rolling_reference_does_not_grow_the_cache_for_ever(tmp_path: Path) -> None:
    """A run with a new reference every window (previous: 7d) trims last month's profiles,
    and a profile reused by a run counts as used: the fixed reference it reads stays."""
    cols = columns(*frames(500, 300))
    options = scoring.DriftOptions(cache_dir=tmp_path, cache_max_bytes=1)
    scoring.score(cols, Drift(), options, reference_key="fixed")
    scoring.score(cols, Drift(), options, reference_key="window-1")
    month_ago = time.time() - 30 * 24 * HOUR
    for path in tmp_path.glob("*.profile"):
        os.utime(path, (month_ago, month_ago))
    scoring.score(cols, Drift(), options, reference_key="fixed")  # read again: used now
    scoring.score(cols, Drift(), options, reference_key="window-2")
    kept = sorted(tmp_path.glob("*.profile"))
    assert len(kept) == 2  # "fixed" (just read) and "window-2" (just written); window-1 is gone
    assert all(time.time() - max(p.stat().st_atime, p.stat().st_mtime) < HOUR for p in kept)


def _folder(directory: Path, key: str, size: int, used_ago: float, now: float) -> Path:
    """A spark reference-table entry: <key>/<writer>/numbers/part-….parquet and its meta."""
    parts = directory / key / "w1" / "numbers"
    parts.mkdir(parents=True)
    (parts / "part-0.parquet").write_bytes(b"x" * size)
    (directory / key / "w1" / "meta").write_bytes(b"{}")
    os.utime(directory / key, (now - used_ago, now - used_ago))
    return directory / key


def test_spark_reference_folders_are_trimmed_by_the_same_rule(tmp_path: Path) -> None:
    now = time.time()
    old = _folder(tmp_path, "old", 100, 30 * 24 * HOUR, now)
    older = _folder(tmp_path, "older", 100, 40 * 24 * HOUR, now)
    busy = _folder(tmp_path, "busy", 100, 0.5 * HOUR, now)
    assert evict.trim_folders(tmp_path, limit=150, now=now) == ["older", "old"]
    assert not old.exists()
    assert not older.exists()
    assert busy.exists()
    assert evict.trim_folders(tmp_path, limit=1, now=now) == []  # used within the hour
    assert evict.trim_folders(tmp_path / "missing", limit=1, now=now) == []
