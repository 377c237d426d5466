"""`threshold:` takes a number above 0 or `calibrated`, with one clear message otherwise."""

import pytest
from pydantic import ValidationError

from driftboard.jobs.spec import JobSpec
from tests.support.helpers import spec_dict


def _drift(**drift: object) -> JobSpec:
    return JobSpec.model_validate(spec_dict(drift=drift))


def test_calibrated_is_set_per_spec_type_or_column() -> None:
    spec = _drift(numerical={"threshold": "calibrated"}, per_column={"c": {"threshold": "calibrated"}})
    assert spec.drift.calibrated("x", "numerical")
    assert spec.drift.calibrated("c", "categorical")
    assert not _drift(threshold=0.2).drift.calibrated("x", "numerical")
    assert _drift(threshold="0.2").drift.threshold == 0.2


def test_the_engines_score_with_the_calibrated_thresholds_left_to_the_test() -> None:
    fixed = _drift(threshold="calibrated", per_column={"x": {"threshold": 0.3}}).drift.fixed()
    assert fixed.threshold is None
    assert fixed.per_column["x"].threshold == 0.3


@pytest.mark.parametrize(
    ("value", "message"),
    [("soon", "'soon' is not a threshold: a number above 0, or 'calibrated'"), (0, "greater than 0")],
)
def test_a_bad_threshold_has_one_message(value: object, message: str) -> None:
    with pytest.raises(ValidationError) as caught:
        _drift(threshold=value)
    assert caught.value.error_count() == 1
    assert message in str(caught.value)
