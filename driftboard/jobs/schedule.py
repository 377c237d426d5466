"""Turn a spec's schedule into APScheduler triggers and UTC windows."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window

# Interval schedules tick on multiples of the interval counted from this instant, so every
# process (and every backfill) agrees on the same window boundaries.
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def trigger_for(spec: JobSpec) -> BaseTrigger:
    """The schedule's ticks: the ends of its windows."""
    sched = spec.schedule
    if sched.cron is not None:
        return CronTrigger.from_crontab(sched.cron, timezone=ZoneInfo(sched.timezone))
    assert sched.interval is not None
    return every(sched.interval)


def firing_for(spec: JobSpec) -> BaseTrigger:
    """When the scheduler runs the job: `spec.delay` after each tick, when its window is due."""
    ticks = trigger_for(spec)
    return Delayed(ticks, spec.delay) if spec.delay else ticks


def due(spec: JobSpec, now: datetime) -> datetime:
    """The latest window end whose window may be evaluated at `now` (its delay has passed)."""
    return now - spec.delay if spec.delay else now


class Delayed(BaseTrigger):  # type: ignore[misc]
    """Another trigger's fire times, each `delay` later."""

    def __init__(self, ticks: BaseTrigger, delay: timedelta) -> None:
        self.ticks, self.delay = ticks, delay

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        previous = previous_fire_time - self.delay if previous_fire_time else None
        tick: datetime | None = self.ticks.get_next_fire_time(previous, now - self.delay)
        return tick + self.delay if tick is not None else None


def every(period: timedelta) -> "AlignedInterval":
    """Ticks at multiples of `period` counted from EPOCH, whatever instant the job started."""
    return AlignedInterval(seconds=period.total_seconds(), start_date=EPOCH, timezone=UTC)


# APScheduler 3 ships no type hints: its classes are Any to mypy, so the subclass is allowed here.
class AlignedInterval(IntervalTrigger):  # type: ignore[misc]
    """An interval trigger whose every fire time is a tick of the EPOCH-aligned grid.

    APScheduler's own adds the interval to the previous fire time. The scheduler fires each
    job once at start-up, to catch up, at whatever instant that is; every later firing then
    stayed that far behind the window ends (measured: 107 s late on a 120 s interval, up to a
    whole interval: 59 minutes on an hourly one).
    """

    def get_next_fire_time(self, previous_fire_time: datetime | None, now: datetime) -> datetime | None:
        after = (
            now if previous_fire_time is None else max(now, previous_fire_time + timedelta(microseconds=1))
        )
        fire: datetime | None = super().get_next_fire_time(None, after)
        return fire


def _next_fire(trigger: BaseTrigger, after: datetime) -> datetime:
    fire: datetime | None = trigger.get_next_fire_time(None, after)
    if fire is None:  # only happens for triggers with an end date, which specs cannot set
        raise ValueError("schedule has no further fire times")
    return fire.astimezone(UTC)


def last_tick(spec: JobSpec, at: datetime) -> datetime:
    """The latest scheduled time at or before `at`."""
    trigger = trigger_for(spec)
    lookback = timedelta(minutes=1)
    while (tick := _next_fire(trigger, at - lookback)) > at:
        lookback *= 2  # widen until a tick falls in range: O(log period) probes
    while (following := _next_fire(trigger, tick + timedelta(microseconds=1))) <= at:
        tick = following
    return tick


def period(spec: JobSpec) -> timedelta:
    """The schedule's period: the interval, or the gap between two recent cron ticks."""
    if spec.schedule.interval is not None:
        return spec.schedule.interval
    end = last_tick(spec, datetime.now(UTC))
    start = last_tick(spec, end - timedelta(microseconds=1))
    return end - start


def window_ending(spec: JobSpec, at: datetime) -> Window:
    """The window that ends at the last scheduled time at or before `at`."""
    if at.tzinfo is None:
        raise ValueError("times must be timezone-aware")
    end = last_tick(spec, at.astimezone(UTC))
    if spec.window is not None:
        return Window(end - spec.window, end)
    return Window(last_tick(spec, end - timedelta(microseconds=1)), end)


def ticks_between(spec: JobSpec, start: datetime, end: datetime) -> list[datetime]:
    """Every scheduled time in (start, end], oldest first (for catch-up and backfill)."""
    trigger, ticks = trigger_for(spec), []
    tick = _next_fire(trigger, start + timedelta(microseconds=1))
    while tick <= end:
        ticks.append(tick)
        tick = _next_fire(trigger, tick + timedelta(microseconds=1))
    return ticks
