"""Reference profiles: reused while the reference data and the drift settings are unchanged,
rebuilt when either changes; files written atomically and safe for two processes."""

import multiprocessing as mp
import os
from pathlib import Path

import numpy as np

from driftboard.data.quality import Column
from driftboard.drift import scoring
from driftboard.drift.fast import cache, profile
from driftboard.drift.scores import DriftResult
from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.jobs.spec import Drift
from driftboard.run.evaluate import evaluate
from tests.support import helpers
from tests.support.fast_helpers import columns, frames


def _run(cols: list[Column], cache_dir: Path, key: str = "ref-1", spec: Drift | None = None) -> DriftResult:
    return scoring.score(cols, spec or Drift(), scoring.DriftOptions(cache_dir=cache_dir), reference_key=key)


def _identity(path: Path) -> tuple[int, int]:
    st = path.stat()
    return st.st_ino, st.st_mtime_ns


def _scores(result: DriftResult) -> dict[str, float]:
    return {name: s.score for name, s in result.scores.items()}


def test_an_unchanged_reference_reuses_the_profile_file(tmp_path: Path) -> None:
    cols = columns(*frames(1500, 800))
    first = _run(cols, tmp_path)
    assert first.profile
    assert first.profile.path
    assert first.profile.built == len(cols)
    path = Path(first.profile.path)
    before = _identity(path)
    second = _run(cols, tmp_path)
    assert second.profile
    assert (second.profile.built, second.profile.reused) == (0, len(cols))
    assert _identity(path) == before  # not rewritten
    assert _scores(second) == _scores(first) == _scores(scoring.score(cols, Drift()))  # and no cache at all


def test_a_changed_reference_or_changed_settings_build_a_new_profile(tmp_path: Path) -> None:
    cols = columns(*frames(1500, 800))
    paths = set()
    for key, spec in (("ref-1", Drift()), ("ref-2", Drift()), ("ref-1", Drift(threshold=0.2))):
        result = _run(cols, tmp_path, key, spec)
        assert result.profile
        assert result.profile.path
        assert result.profile.built == len(cols)
        paths.add(result.profile.path)
    assert len(paths) == 3


def test_a_new_column_is_built_alone_and_kept_with_the_others(tmp_path: Path) -> None:
    cols = columns(*frames(1500, 800))
    _run(cols[:-1], tmp_path)
    result = _run(cols, tmp_path)
    assert result.profile
    assert (result.profile.built, result.profile.reused) == (1, len(cols) - 1)
    assert _run(cols, tmp_path).profile == scoring.ProfileUse(result.profile.path, 0, len(cols))


def test_a_damaged_profile_is_rebuilt(tmp_path: Path) -> None:
    cols = columns(*frames(1500, 800))
    first = _run(cols, tmp_path)
    assert first.profile
    assert first.profile.path
    with open(first.profile.path, "r+b") as f:
        f.truncate(os.path.getsize(first.profile.path) // 2)
    again = _run(cols, tmp_path)
    assert again.profile
    assert again.profile.built == len(cols)
    assert _scores(again) == _scores(first)


def test_an_unwritable_cache_costs_speed_not_the_run(tmp_path: Path) -> None:
    blocker = tmp_path / "a-file"
    blocker.write_text("")
    cols = columns(*frames(1500, 800))
    result = _run(cols, blocker)
    assert result.profile
    assert result.profile.path is None
    assert result.profile.built == len(cols)
    assert not result.errors
    assert _scores(result) == _scores(scoring.score(cols, Drift()))


def test_profile_file_round_trip(tmp_path: Path) -> None:
    cols = columns(*frames(1500, 800))
    built = {c.name: profile.build(c.reference, c.column_type) for c in cols}
    cache.write(tmp_path / "p.profile", built.items())
    read = cache.read(tmp_path / "p.profile")
    assert read.keys() == built.keys()
    for name, entry in built.items():
        for field, value in vars(entry).items():
            got = getattr(read[name], field)
            assert np.array_equal(got, value) if isinstance(value, np.ndarray) else got == value, (
                name,
                field,
            )


def _write_many(path: Path, cols: list[Column], times: int) -> None:
    entries = [(c.name, profile.build(c.reference, c.column_type)) for c in cols]
    for _ in range(times):
        cache.write(path, entries)


def test_two_processes_writing_one_profile_never_expose_a_partial_file(tmp_path: Path) -> None:
    cols = columns(*frames(3000, 100))
    path = tmp_path / "shared.profile"
    writers = [mp.get_context("fork").Process(target=_write_many, args=(path, cols, 15)) for _ in range(2)]
    for w in writers:
        w.start()
    seen = set()
    while any(w.is_alive() for w in writers):
        seen.add(len(cache.read(path)))  # 0 before the first rename, then always complete
    for w in writers:
        w.join()
        assert w.exitcode == 0
    assert seen <= {0, len(cols)}
    assert len(cache.read(path)) == len(cols)
    assert [p.name for p in tmp_path.iterdir()] == ["shared.profile"]  # no temporary files left


def test_the_runner_keys_profiles_on_the_reference_data(tmp_path: Path) -> None:
    """Through a run: same reference file, same profile file; an edited reference, a new one."""
    ref, cur = helpers.frames()
    job = helpers.write_job(tmp_path, ref, cur)
    options = scoring.DriftOptions(cache_dir=tmp_path / "cache")

    def run() -> list[Path]:
        loaded = load_spec(job)
        evaluate(loaded, window_ending(loaded.spec, helpers.WINDOW_END), "none", options)
        return sorted((tmp_path / "cache").iterdir())

    (first,) = run()
    before = _identity(first)
    assert run() == [first]
    assert _identity(first) == before
    ref.loc[0, "x"] += 1.0
    ref.to_csv(tmp_path / "reference.csv", index=False)
    assert len(run()) == 2
