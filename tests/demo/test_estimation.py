"""The estimate against the realised accuracy on the demo model's two injected incidents."""

from driftboard.demo.estimation import measure


def test_a_drop_the_scores_show_is_seen_when_the_window_closes() -> None:
    got = measure("covariate", days=6, onset_day=3)
    assert got.onset == 8
    assert got.error(before_onset=True) < 0.02
    assert got.error(before_onset=False) < 0.03
    assert got.crossed(got.estimated) == got.crossed(got.realised) == got.onset
    assert got.windows_earlier() == 28  # 7 days of label delay at 4 windows a day


def test_concept_drift_with_unchanged_scores_is_only_seen_by_the_labels() -> None:
    got = measure("concept", days=6, onset_day=3)
    assert got.error(before_onset=True) < 0.02
    assert got.error(before_onset=False) > 0.1
    assert got.crossed(got.estimated) is None
    assert got.crossed(got.realised) == got.onset
    assert got.windows_earlier() is None
