"""Durations in specs and arguments: text or seconds, positive, and bounded."""

from datetime import timedelta

import pytest

from driftboard.jobs.durations import duration_of, format_duration, parse_duration


@pytest.mark.parametrize(
    ("value", "seconds"),
    [("1h30m", 5400), (" 2d ", 172800), (90, 90), (1.5, 1.5), (timedelta(hours=1), 3600)],
)
def test_text_and_seconds_are_durations(value: object, seconds: float) -> None:
    assert duration_of(value).total_seconds() == seconds


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("0s", "must be positive"),
        (0, "must be positive"),
        (-3600, "must be positive"),
        (1.2e-154, "shorter than a second"),
        ("99999999999w", "longer than 100 years"),
        (10**12, "longer than 100 years"),
        (True, "is not a duration"),
        ([1], "is not a duration"),
        ("1 hour", "is not a duration"),
    ],
)
def test_what_is_not_a_usable_duration_says_why(value: object, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        duration_of(value)


def test_formatting_reads_back() -> None:
    assert parse_duration(format_duration(timedelta(days=8, minutes=5))) == timedelta(days=8, minutes=5)
