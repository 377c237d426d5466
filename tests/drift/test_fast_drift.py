"""The fast path's scores, tests and flags equal Evidently's DataDriftPreset report, column by column."""

from pathlib import Path
from typing import Any

import pytest

from driftboard.drift import scoring
from driftboard.drift.evidently_report import score_with_report
from driftboard.jobs.spec import Drift
from tests.support.fast_helpers import columns, frames, same

SETTINGS: dict[str, dict[str, Any]] = {
    "automatic": {},
    "per-type": {"numerical": {"method": "psi", "threshold": 0.2}, "categorical": {"method": "kl_div"}},
    "global-and-per-column": {
        "method": "hellinger",
        "per_column": {
            "n_normal": {"method": "ks", "threshold": 0.01},
            "n_heavy": {"method": "wasserstein"},
            "c_binary": {"method": "z"},
            "c_many": {"method": "chisquare", "threshold": 0.2},
        },
    },
    "jensen-shannon-everywhere": {"method": "jensenshannon", "threshold": 0.05},
    "evidently-only-tests": {  # no native version: Evidently's own function per column
        "numerical": {"method": "ed"},
        "per_column": {
            "n_int40": {"method": "mannw"},
            "c_binary": {"method": "fisher_exact"},  # binary, equal sizes
            "c_many": {"method": "g_test"},  # g_test needs equal non-null counts (no rescaling)
            "c_new_category": {"method": "g_test"},
        },
    },
}
CASES = [
    ("automatic", 400, 250),  # p-value tests: reference of at most 1000 rows
    ("automatic", 2500, 1500),  # distances above 1000 rows
    ("per-type", 600, 2000),
    ("global-and-per-column", 1500, 700),
    ("jensen-shannon-everywhere", 300, 300),
    ("evidently-only-tests", 300, 300),  # g_test needs equal sizes (Evidently does not rescale)
]


@pytest.mark.parametrize(("settings", "n_ref", "n_cur"), CASES, ids=[f"{s}-{r}-{c}" for s, r, c in CASES])
def test_scores_equal_evidentlys_report(tmp_path: Path, settings: str, n_ref: int, n_cur: int) -> None:
    spec = Drift.model_validate(SETTINGS[settings])
    cols = columns(*frames(n_ref, n_cur))
    theirs = score_with_report(cols, spec)
    ours = scoring.score(cols, spec, scoring.DriftOptions(cache_dir=tmp_path), reference_key=settings)
    assert not theirs.errors
    assert not ours.errors
    assert set(ours.scores) == set(theirs.scores) == {c.name for c in cols}
    for name, expected in theirs.scores.items():
        got = ours.scores[name]
        assert got.stattest == expected.stattest, name
        assert same(got.score, expected.score), (name, got.score, expected.score)
        assert got.threshold == expected.threshold, name
        assert got.drift_detected == expected.drift_detected, name


def test_automatic_choice_covers_every_rule() -> None:
    """The matrix above really exercises each branch of Evidently's automatic choice."""
    small = scoring.score(columns(*frames(400, 250)), Drift())
    large = scoring.score(columns(*frames(2500, 1500)), Drift())
    assert {s.stattest for s in small.scores.values()} == {"z", "chisquare", "ks"}
    assert {s.stattest for s in large.scores.values()} == {"wasserstein", "jensenshannon"}
