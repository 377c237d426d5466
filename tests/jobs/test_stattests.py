"""The import-free stattest catalogue must match the registry of the Evidently we pin."""

import math

import pytest

from driftboard.jobs import stattests


def _registry() -> dict[str, object]:
    from evidently.legacy.calculations.stattests import registry

    tests = {}
    for by_type in registry._registered_stat_tests.values():
        for test in by_type.values():
            tests[test.name] = test
    return {name: t for name, t in tests.items() if "text" not in name}


def test_catalogue_matches_evidentlys_registry() -> None:
    registry = _registry()
    assert set(stattests.CATALOGUE) == set(registry)
    for name, ours in stattests.CATALOGUE.items():
        theirs = registry[name]
        assert ours.display_name == theirs.display_name
        assert ours.default_threshold == theirs.default_threshold
        kinds = {"num": "numerical", "cat": "categorical"}
        assert ours.column_types == {kinds[t.value] for t in theirs.allowed_feature_types}


def test_lookup_by_id_and_display_name() -> None:
    assert stattests.lookup("ks").id == "ks"
    assert stattests.lookup("Wasserstein distance (normed)").id == "wasserstein"
    with pytest.raises(KeyError, match="unknown stattest 'nope'"):
        stattests.lookup("nope")


@pytest.mark.parametrize(
    ("test_id", "score", "threshold", "expected"),
    [
        ("wasserstein", 0.2, 0.1, 2.0),
        ("wasserstein", 0.05, 0.1, 0.5),
        ("ks", 0.05, 0.05, 1.0),
        ("ks", 0.0025, 0.05, 2.0),
        ("ks", 1.0, 0.05, 0.0),
    ],
)
def test_drift_ratio_is_one_at_the_threshold(
    test_id: str, score: float, threshold: float, expected: float
) -> None:
    ratio = stattests.drift_ratio(stattests.CATALOGUE[test_id], score, threshold)
    assert math.isclose(ratio, expected, abs_tol=1e-12)


def test_drift_ratio_of_p_zero_is_finite() -> None:
    assert math.isfinite(stattests.drift_ratio(stattests.CATALOGUE["chisquare"], 0.0, 0.05))
