"""Which windows a model's next firing computes: the ones due that have no run in the store.

Rules (docs/scheduler.md):
- A model with no run in the store starts with the current window only; older history
  is computed on purpose with `driftboard backfill`, never as a surprise at first start.
- Otherwise, among the newest `catchup_max_windows` windows (the horizon), not older than
  the model's first recorded window, every window without a row runs, oldest first: those
  after the newest recorded one, and holes left before it (a crash, two schedulers that
  started with different windows). Failed windows have a row: they keep their reason and
  are not repeated automatically; `driftboard backfill` re-runs them.
- Windows after the newest recorded one but older than the horizon are recorded as one
  `skipped` row spanning them, with the reason: never silently dropped.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine

from driftboard.jobs.schedule import last_tick, trigger_for, window_ending
from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.store import runs

TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class History:
    first: datetime | None  # end of the model's oldest recorded window
    newest: datetime | None  # end of its newest recorded window
    recorded: frozenset[datetime] = frozenset()  # ends of recorded windows, at least the horizon's


@dataclass(frozen=True)
class Plan:
    windows: list[Window] = field(default_factory=list)  # oldest first
    gap: Window | None = None  # windows beyond the limit, to be recorded as skipped


def ticks_back(spec: JobSpec, now: datetime, first: datetime, count: int) -> list[datetime]:
    """Up to `count` ticks at or after `first`, up to `now`, oldest first, walking back."""
    ticks: list[datetime] = []
    tick = window_ending(spec, now).end
    while tick >= first and len(ticks) < count:
        ticks.append(tick)
        tick = last_tick(spec, tick - TICK)
    return ticks[::-1]


def plan(spec: JobSpec, now: datetime, history: History, limit: int) -> Plan:
    if history.first is None or history.newest is None:
        return Plan([window_ending(spec, now)])
    ends = ticks_back(spec, now, history.first, limit + 1)
    horizon = ends[-limit:]
    windows = [window_ending(spec, end) for end in horizon if end not in history.recorded]
    if len(ends) <= limit or ends[0] <= history.newest:
        return Plan(windows)
    first_missed = trigger_for(spec).get_next_fire_time(None, history.newest + TICK).astimezone(UTC)
    return Plan(windows, Window(window_ending(spec, first_missed).start, ends[0]))


def history(engine: Engine, spec: JobSpec, now: datetime, limit: int) -> History:
    """What `plan` needs from the store: two bounds and the recorded windows of the horizon."""
    first, newest = runs.window_bounds(engine, spec.model)
    if first is None or newest is None:
        return History(None, None)
    horizon = ticks_back(spec, now, first, limit)
    return History(first, newest, runs.recorded_ends(engine, spec.model, horizon[0] if horizon else first))


def gap_reason(spec: JobSpec, gap: Window, limit: int) -> str:
    return (
        f"catch-up limit: more than {limit} windows were missed (catchup_max_windows); the ones "
        f"from {gap.start.isoformat()} to {gap.end.isoformat()} were not computed. "
        f"Compute them with: driftboard backfill <spec> --start {gap.start.isoformat()} "
        f"--end {gap.end.isoformat()}"
    )
