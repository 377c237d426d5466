"""Calibrated thresholds on real seasonal data (Seattle's weather): scores unchanged, the
threshold learned from the reference and shown as the one used, kept beside the profile."""

from pathlib import Path

import numpy as np
import pytest

from driftboard.drift import calibrate
from driftboard.drift.fast import choice, resample
from driftboard.drift.scoring import DriftOptions
from driftboard.jobs.window import Window
from driftboard.results import Evaluation, FeatureOutcome, RunStatus
from driftboard.run.evaluate import evaluate
from tests.support import seattle

CALIBRATED = {"threshold": "calibrated", "calibration": {"samples": 50}}
JULY = seattle.month(2012, 7)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    found = tmp_path_factory.mktemp("seattle")
    seattle.write(found)
    frame = seattle.frame()
    (found / "winter.csv").write_text(frame.iloc[:90].to_csv(index=False, date_format="%Y-%m-%dT%H:%M:%SZ"))
    return found


def _run(
    folder: Path, drift: dict[str, object], cache: Path | None = None, window: Window = JULY
) -> Evaluation:
    loaded = seattle.spec(folder, {"path": "winter.csv"}, drift)
    found = evaluate(loaded, window, "none", DriftOptions(cache_dir=cache))
    assert found.status == RunStatus.SUCCEEDED, found.error
    return found


def _by_name(found: Evaluation) -> dict[str, FeatureOutcome]:
    return {f.feature: f for f in found.features}


def test_scores_stay_evidentlys_and_the_threshold_is_the_calibrated_one(folder: Path) -> None:
    fixed, calibrated = _by_name(_run(folder, {})), _by_name(_run(folder, CALIBRATED))
    assert fixed.keys() == calibrated.keys() == set(seattle.FEATURES["numerical"]) | {"weather"}
    for name, mine in calibrated.items():
        assert (mine.stattest, mine.score) == (fixed[name].stattest, fixed[name].score)
        assert mine.threshold != fixed[name].threshold
        assert mine.drift_detected == choice.drifted(
            mine.stattest or "", mine.score or 0, mine.threshold or 0
        )


def test_a_column_may_be_calibrated_alone(folder: Path) -> None:
    found = _by_name(_run(folder, {"per_column": {"wind": {"threshold": "calibrated"}}}))
    assert found["temp_max"].threshold == 0.05  # Evidently's default for its KS test
    assert found["wind"].threshold != 0.05


def test_thresholds_are_kept_beside_the_profile_and_reused(
    folder: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _by_name(_run(folder, CALIBRATED, tmp_path))
    [kept] = tmp_path.glob("*.calibration.json")
    assert kept.with_name(kept.name.replace(".calibration.json", ".profile")).exists()

    def never(*args: object) -> np.ndarray:
        raise AssertionError("calibrated again")

    monkeypatch.setattr(resample, "scores", never)
    again = _by_name(_run(folder, CALIBRATED, tmp_path))
    assert {n: f.threshold for n, f in again.items()} == {n: f.threshold for n, f in first.items()}


def test_chunks_need_two_chunks_of_the_window(folder: Path) -> None:
    drift = {"per_column": {"wind": {"threshold": "calibrated"}}, "calibration": {"method": "chunks"}}
    found = _by_name(_run(folder, drift, window=Window(seattle.month(2012, 5).start, JULY.end)))
    assert found["wind"].status == "error"
    assert found["wind"].reason == (
        "calibrated threshold: the reference's 90 values make fewer than two chunks of the "
        "window's 92: use calibration.method bootstrap or a longer reference"
    )
    assert found["temp_max"].status == "ok"  # the other columns are scored
    assert _by_name(_run(folder, drift))["wind"].status == "ok"  # 31 days: two chunks of 90 rows


def test_the_cut_is_the_high_quantile_of_distances_and_the_low_one_of_p_values() -> None:
    scores = np.linspace(0.0, 1.0, 101)
    assert calibrate.cut(scores, pvalue=False, quantile=0.99) == pytest.approx(0.99)
    assert calibrate.cut(scores, pvalue=True, quantile=0.99) == pytest.approx(0.01)
    assert calibrate.cut(np.ones(5), pvalue=True, quantile=0.99) == calibrate.PVALUE_CEILING
    with pytest.raises(ValueError, match="no finite score"):
        calibrate.cut(np.array([np.nan]), pvalue=False, quantile=0.99)


@pytest.mark.parametrize(
    ("usable", "size"), [(31, 31), (99, 99), (1234, 1200), (1187, 1200), (56_789, 57_000)]
)
def test_windows_of_nearly_one_size_share_a_calibration(usable: int, size: int) -> None:
    assert calibrate.chunk_size(usable) == size


@pytest.mark.slow  # Evidently's report per run: seconds
def test_evidentlys_own_engine_is_calibrated_the_same(folder: Path) -> None:
    loaded = seattle.spec(folder, {"path": "winter.csv"}, CALIBRATED)
    theirs = evaluate(loaded, JULY, "none", DriftOptions(engine="evidently"))
    ours = _by_name(_run(folder, CALIBRATED))
    for f in theirs.features:
        assert f.threshold == ours[f.feature].threshold
        assert f.score == pytest.approx(ours[f.feature].score, rel=1e-9, abs=1e-12)
