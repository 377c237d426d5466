"""One column failing never sinks the others: a failing native test falls back to Evidently's
function; a column Evidently cannot score either is recorded with its reason."""

from pathlib import Path

import pandas as pd
import pytest

from driftboard.drift import scoring
from driftboard.drift.fast import engine, natives, profile
from driftboard.drift.fast.current import Current
from driftboard.jobs.spec import Drift
from tests.support.fast_helpers import columns, frames, same


def _broken(cur: Current) -> float:
    raise RuntimeError("boom")


def test_a_failing_native_test_falls_back_to_evidentlys_function(monkeypatch: pytest.MonkeyPatch) -> None:
    cols = columns(*frames(1500, 800))
    expected = scoring.score(cols, Drift()).scores
    monkeypatch.setitem(natives.NATIVE, "wasserstein", _broken)
    result = scoring.score(cols, Drift())
    assert not result.errors
    assert {n for n, s in result.scores.items() if s.stattest == "wasserstein"}  # the fallback ran
    for name, score in expected.items():
        assert same(result.scores[name].score, score.score), name
        assert result.scores[name].drift_detected == score.drift_detected, name


def test_a_column_evidently_cannot_score_is_recorded_and_the_others_are_scored() -> None:
    # Evidently 0.7's g_test compares raw counts, so it raises when the two sides differ in size.
    cols = columns(*frames(400, 300))
    result = scoring.score(cols, Drift.model_validate({"per_column": {"c_binary": {"method": "g_test"}}}))
    assert set(result.errors) == {"c_binary"}
    assert result.errors["c_binary"].startswith(
        "Evidently could not score it: ValueError: For each axis slice"
    )
    assert set(result.scores) == {c.name for c in cols} - {"c_binary"}


def test_a_column_without_a_profile_is_scored_by_evidently() -> None:
    col = columns(*frames(1500, 800))[0]
    name, score, error = engine.score_one(col, None, Drift())
    expected = engine.score_one(col, profile.build(col.reference, col.column_type), Drift())[1]
    assert (name, error) == (col.name, None)
    assert score is not None
    assert expected is not None
    assert same(score.score, expected.score)


def test_a_column_whose_profile_cannot_be_built_is_scored_by_evidently(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    cols = columns(*frames(1500, 800))
    expected = scoring.score(cols, Drift()).scores
    real = profile.build

    def build(series: pd.Series, column_type: str) -> profile.Profile:
        if series is cols[0].reference:
            raise MemoryError("boom")
        return real(series, column_type)

    monkeypatch.setattr(profile, "build", build)
    result = scoring.score(cols, Drift(), scoring.DriftOptions(cache_dir=tmp_path))
    assert not result.errors
    assert result.profile is not None
    assert result.profile.built == len(cols)
    assert result.scores.keys() == expected.keys()
    assert all(same(result.scores[n].score, s.score) for n, s in expected.items())
