"""Compute every window of a spec in a time range: resumable, idempotent, with progress.

Windows that already succeeded are skipped unless forced, so an interrupted backfill
continues where it stopped; a window is stored in one transaction, so it is either all
there or not at all. The same lock as the scheduler's keeps the two from racing.
"""

import functools
import threading
import time
import uuid
from dataclasses import dataclass, field
from datetime import datetime

from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.text import Text
from tenacity import RetryCallState

from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.schedule import ticks_between, window_ending
from driftboard.jobs.window import Window
from driftboard.scheduler import worker
from driftboard.scheduler.retry import with_retries
from driftboard.settings import Settings
from driftboard.store import runs


@dataclass
class Tally:
    succeeded: int = 0
    failed: int = 0
    already_done: int = 0
    retries: int = 0
    failures: list[tuple[Window, str]] = field(default_factory=list)

    def summary(self, model: str, total: int) -> str:
        return (
            f"{model}: {total} windows: {self.succeeded} succeeded, {self.failed} failed, "
            f"{self.already_done} already succeeded (skipped), {self.retries} retries"
        )


class RateColumn(ProgressColumn):
    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        return Text(f"{speed:.2f} windows/s" if speed else "– windows/s", style="progress.data.speed")


def progress_bar() -> Progress:
    return Progress(
        TextColumn("[bold]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(),
        TextColumn("elapsed"),
        TimeElapsedColumn(),
        TextColumn("ETA"),
        TimeRemainingColumn(),
    )


def windows_in(loaded: LoadedSpec, start: datetime, end: datetime) -> list[Window]:
    """Every window that ends after `start` and at or before `end`, oldest first."""
    return [window_ending(loaded.spec, tick) for tick in ticks_between(loaded.spec, start, end)]


def _one(
    loaded: LoadedSpec, window: Window, settings: Settings, force: bool, run_id: str, number: int, final: bool
) -> worker.WindowResult:
    return worker.compute(loaded, window, settings, run_id, final, force)


def _count_retry(tally: Tally, state: RetryCallState) -> None:
    tally.retries += 1


def backfill(
    loaded: LoadedSpec,
    windows: list[Window],
    settings: Settings,
    force: bool,
    progress: Progress,
    pause: float = 0.0,
) -> Tally:
    """`pause`: seconds to wait after each computed window (the demo's --pace)."""
    engine = worker.engine_for(settings.database_url.get_secret_value())
    done = set() if force else runs.succeeded_windows(engine, loaded.spec.model, windows)
    tally, never = Tally(), threading.Event()
    task = progress.add_task(loaded.spec.model, total=len(windows))
    for window in windows:
        if window in done:
            tally.already_done += 1
        else:
            call = functools.partial(_one, loaded, window, settings, force, uuid.uuid4().hex[:12])
            _add(tally, window, with_retries(call, settings, never, functools.partial(_count_retry, tally)))
            time.sleep(pause)
        progress.advance(task)
    return tally


def _add(tally: Tally, window: Window, result: worker.WindowResult) -> None:
    if result.status == "succeeded":
        tally.succeeded += 1
    elif result.status == "already_done":
        tally.already_done += 1
    else:
        tally.failed += 1
        tally.failures.append((window, result.error or "unknown error"))
