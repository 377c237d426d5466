"""Which windows a model's next firing computes: the ones missed since its newest recorded run.

Rules (docs/scheduler.md):
- A model with no run in the store starts with the current window only; older history
  is computed on purpose with `driftboard backfill`, never as a surprise at first start.
- Otherwise every window that ended after the newest recorded window (succeeded, failed
  or skipped) runs, oldest first. Failed windows keep their reason and are not repeated
  automatically; `driftboard backfill` re-runs them.
- Past `catchup_max_windows`, the newest ones run and the older ones are recorded as one
  `skipped` row spanning the gap, with the reason: never silently dropped.
"""

from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import Engine, func, select

from driftboard import store
from driftboard.locks import window_lock
from driftboard.models import Run
from driftboard.results import RunOutcome
from driftboard.schedule import Window, last_tick, trigger_for, window_ending
from driftboard.spec import JobSpec

TICK = timedelta(microseconds=1)


@dataclass(frozen=True)
class Plan:
    windows: list[Window] = field(default_factory=list)  # oldest first
    gap: Window | None = None  # windows beyond the limit, to be recorded as skipped


def _newest_ticks(spec: JobSpec, after: datetime, latest: datetime, count: int) -> list[datetime]:
    """Up to `count` ticks in (after, latest], oldest first, walking back from `latest`."""
    ticks: list[datetime] = []
    tick = latest
    while tick > after and len(ticks) < count:
        ticks.append(tick)
        tick = last_tick(spec, tick - TICK)
    return ticks[::-1]


def plan(spec: JobSpec, now: datetime, anchor: datetime | None, limit: int) -> Plan:
    latest = window_ending(spec, now)
    if anchor is None:
        return Plan([latest])
    ends = _newest_ticks(spec, anchor, latest.end, limit + 1)
    windows = [window_ending(spec, end) for end in ends]
    if len(windows) <= limit:
        return Plan(windows)
    first_end = trigger_for(spec).get_next_fire_time(None, anchor + TICK).astimezone(UTC)
    return Plan(windows[1:], Window(window_ending(spec, first_end).start, windows[0].end))


def anchor(engine: Engine, model: str) -> datetime | None:
    """End of the newest recorded window of the model, whatever its status."""
    with engine.connect() as conn:
        return conn.scalar(select(func.max(Run.window_end)).where(Run.model == model))


def last_success(engine: Engine, model: str) -> datetime | None:
    query = select(func.max(Run.finished_at)).where(Run.model == model, Run.status == "succeeded")
    with engine.connect() as conn:
        return conn.scalar(query)


def gap_reason(spec: JobSpec, gap: Window, limit: int) -> str:
    return (
        f"catch-up limit: more than {limit} windows were missed (catchup_max_windows); the ones "
        f"from {gap.start.isoformat()} to {gap.end.isoformat()} were not computed. "
        f"Compute them with: driftboard backfill <spec> --start {gap.start.isoformat()} "
        f"--end {gap.end.isoformat()}"
    )


def record_gap(engine: Engine, model: str, gap: Window, reason: str) -> bool:
    """Store the gap as one skipped run; False if a scheduler already recorded it."""
    with window_lock(engine, model, gap) as conn:
        if conn.scalar(select(Run.id).where(Run.model == model, Run.window_end == gap.end)):
            return False
        now = datetime.now(UTC)
        store.save(engine, RunOutcome(model, gap, "skipped", now, now, error=reason))
        return True
