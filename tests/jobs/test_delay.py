"""`delay:`: the window ending at T is evaluated at T + delay, by the scheduler and by `run`."""

from datetime import UTC, datetime, timedelta

from driftboard.jobs.schedule import due, firing_for, trigger_for, window_ending
from driftboard.jobs.spec import JobSpec
from driftboard.scheduler import catchup
from tests.support.helpers import spec_dict

HOURLY = JobSpec.model_validate(spec_dict(schedule={"interval": "1h"}, delay="15m"))
NOW = datetime(2026, 3, 1, 12, 10, tzinfo=UTC)


def test_the_job_fires_the_delay_after_each_tick() -> None:
    fire = firing_for(HOURLY).get_next_fire_time(None, NOW)
    assert fire == datetime(2026, 3, 1, 12, 15, tzinfo=UTC)
    following = firing_for(HOURLY).get_next_fire_time(fire, fire + timedelta(seconds=1))
    assert following == datetime(2026, 3, 1, 13, 15, tzinfo=UTC)
    assert trigger_for(HOURLY).get_next_fire_time(None, NOW) == datetime(2026, 3, 1, 13, tzinfo=UTC)


def test_a_window_waits_for_its_delay() -> None:
    assert window_ending(HOURLY, due(HOURLY, NOW)).end == datetime(2026, 3, 1, 11, tzinfo=UTC)
    later = NOW + timedelta(minutes=5)
    assert window_ending(HOURLY, due(HOURLY, later)).end == datetime(2026, 3, 1, 12, tzinfo=UTC)


def test_catch_up_plans_only_windows_whose_delay_passed() -> None:
    nine = datetime(2026, 3, 1, 9, tzinfo=UTC)
    history = catchup.History(nine, nine, frozenset({nine}))
    planned = catchup.plan(HOURLY, due(HOURLY, NOW), history, 10)
    assert [w.end.hour for w in planned.windows] == [10, 11]


def test_without_a_delay_nothing_moves() -> None:
    plain = JobSpec.model_validate(spec_dict(schedule={"interval": "1h"}))
    assert due(plain, NOW) == NOW
    assert firing_for(plain).get_next_fire_time(None, NOW) == datetime(2026, 3, 1, 13, tzinfo=UTC)
