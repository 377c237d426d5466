"""Windows line up with the schedule's ticks, in UTC, whatever the spec's timezone."""

import threading
import time
from datetime import UTC, datetime, timedelta

import pytest
from apscheduler.schedulers.background import BackgroundScheduler

from driftboard.jobs.schedule import last_tick, period, ticks_between, trigger_for, window_ending
from driftboard.jobs.spec import JobSpec
from tests.support.helpers import spec_dict


def spec(**overrides: object) -> JobSpec:
    return JobSpec.model_validate(spec_dict(**overrides))


def at(text: str) -> datetime:
    return datetime.fromisoformat(text)


def test_interval_window_ends_on_the_last_tick() -> None:
    window = window_ending(spec(schedule={"interval": "15m"}, window="1h"), at("2026-03-29T01:37:10+00:00"))
    assert (window.start, window.end) == (at("2026-03-29T00:30:00+00:00"), at("2026-03-29T01:30:00+00:00"))


def test_window_defaults_to_the_period() -> None:
    window = window_ending(spec(schedule={"interval": "1h"}), at("2026-03-01T12:00:00+00:00"))
    assert window.end - window.start == timedelta(hours=1)
    assert window.end == at("2026-03-01T12:00:00+00:00")  # a tick exactly at `at` counts


def test_cron_in_a_local_zone_across_the_dst_change() -> None:
    # 02:00 Paris does not exist on 2026-03-29; the daily 03:00 local tick moves from 02:00 to 01:00 UTC.
    s = spec(schedule={"cron": "0 3 * * *", "timezone": "Europe/Paris"})
    window = window_ending(s, at("2026-03-29T12:00:00+00:00"))
    assert window.end == at("2026-03-29T01:00:00+00:00")
    assert window.start == at("2026-03-28T02:00:00+00:00")  # a 23-hour day
    assert window.end.tzinfo == UTC


def test_weekly_cron_period() -> None:
    assert period(spec(schedule={"cron": "30 6 * * 1"})) == timedelta(days=7)


def test_ticks_between_oldest_first() -> None:
    ticks = ticks_between(
        spec(schedule={"interval": "1h"}), at("2026-03-01T10:00:00+00:00"), at("2026-03-01T13:00:00+00:00")
    )
    assert [t.hour for t in ticks] == [11, 12, 13]


def test_naive_time_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        window_ending(spec(), datetime(2026, 3, 1))


def test_last_tick_of_a_minutely_cron_far_from_epoch() -> None:
    assert last_tick(spec(schedule={"cron": "* * * * *"}), at("2030-01-01T00:00:59+00:00")) == at(
        "2030-01-01T00:00:00+00:00"
    )


def test_interval_fires_stay_on_the_ticks_after_an_unaligned_first_firing() -> None:
    """The scheduler's start-up firing is at an arbitrary instant; the next one is the tick."""
    trigger = trigger_for(spec(schedule={"interval": "2m"}))
    started = at("2026-03-01T12:00:37+00:00")
    assert trigger.get_next_fire_time(started, started) == at("2026-03-01T12:02:00+00:00")
    tick = at("2026-03-01T12:02:00+00:00")  # fired on time, or a little late
    for now in (tick, tick + timedelta(seconds=5)):
        assert trigger.get_next_fire_time(tick, now) == at("2026-03-01T12:04:00+00:00")
    late = at("2026-03-01T12:07:30+00:00")  # a firing that was held up past later ticks
    assert trigger.get_next_fire_time(tick, late) == at("2026-03-01T12:08:00+00:00")


@pytest.mark.slow
def test_apscheduler_fires_a_started_job_on_the_ticks() -> None:
    """Through APScheduler itself: a job first run at once, then every 1 s on whole seconds."""
    fired: list[datetime] = []
    done = threading.Event()
    scheduler = BackgroundScheduler(timezone=UTC)

    def job() -> None:
        fired.append(datetime.now(UTC))
        if len(fired) == 3:
            done.set()

    time.sleep((1.6 - time.time() % 1) % 1)  # start at .6 s: between two ticks
    trigger = trigger_for(spec(schedule={"interval": "1s"}))
    scheduler.add_job(job, trigger, next_run_time=datetime.now(UTC), coalesce=True, misfire_grace_time=None)
    scheduler.start()
    try:
        assert done.wait(10)
    finally:
        scheduler.shutdown(wait=False)
    first, *later = fired
    assert first.microsecond >= 400_000  # the start-up firing, between ticks
    assert all(t.microsecond < 350_000 for t in later), later  # then on whole seconds
