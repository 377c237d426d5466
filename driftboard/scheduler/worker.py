"""What a worker process does: one window, under its lock, through pipeline.run_window.

Everything here crosses a process boundary by pickle, so arguments and results are plain
data and store errors are re-raised as TransientError, with a message only.
"""

import functools
import multiprocessing
import os
import signal
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from driftboard.errors import StoreError, describe_db_error
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.window import Window
from driftboard.results import RunResult
from driftboard.run import pipeline
from driftboard.run.evaluate import evaluate_or_fail
from driftboard.scheduler import logfmt
from driftboard.scheduler.retry import TransientError
from driftboard.settings import LogFormat, Settings
from driftboard.store import connect, locks, runs

# Imported once in the fork server, so each worker starts with Evidently loaded (~5 s saved).
PRELOAD = ["driftboard.scheduler.preload", "driftboard.scheduler.worker"]


@dataclass(frozen=True)
class WindowResult:
    status: str  # succeeded | failed | already_done
    error: str | None
    row_id: int | None
    began: datetime  # when the worker took the window: the end of its scheduling lag
    seconds: float
    finished: datetime | None = None  # the stored run's finished_at
    push_error: str | None = None  # the metrics push failed (the run itself is stored)


def init_worker(log_format: LogFormat) -> None:
    """Workers ignore the signals the scheduler handles: it decides when a run is abandoned."""
    for sig in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(sig, signal.SIG_IGN)
    logfmt.configure(log_format)
    threading.Thread(target=_exit_with_scheduler, name="exit-with-scheduler", daemon=True).start()


def _exit_with_scheduler() -> None:
    """A scheduler killed with -9 must not leave a worker finishing its run unseen.

    The worker's parent is the fork server, which itself outlives the scheduler while
    workers run, so getppid() tells nothing. multiprocessing's parent sentinel is a pipe
    the scheduler holds open: it closes exactly when the scheduler dies.
    """
    scheduler = multiprocessing.parent_process()
    if scheduler is not None:
        scheduler.join()
        os._exit(70)  # the open transaction dies with the connection: nothing partial is stored


def warm() -> int:
    return os.getpid()


@functools.cache
def engine_for(url: str) -> Engine:
    return connect.make_engine(url)


def _run(engine: Engine, loaded: LoadedSpec, window: Window, settings: Settings, final: bool) -> RunResult:
    """A failure worth retrying is not stored, unless this is the last attempt: the window's
    row then says why it failed, once."""
    evaluation = evaluate_or_fail(loaded, window, settings.keep_reports)
    if evaluation.retryable and not final:
        raise TransientError(evaluation.error)
    return pipeline.store(engine, loaded, evaluation, settings)


def compute(
    loaded: LoadedSpec, window: Window, settings: Settings, run_id: str, final: bool, force: bool = False
) -> WindowResult:
    model, began, start = loaded.spec.model, datetime.now(UTC), time.monotonic()
    log = logfmt.run_log(__name__, model, window, run_id)
    engine = engine_for(settings.database_url.get_secret_value())
    try:
        with locks.window_lock(engine, model, window) as conn:
            if not force and runs.succeeded(conn, model, window):
                log.info("window already succeeded; not computed again")
                return WindowResult("already_done", None, None, began, time.monotonic() - start)
            log.info("computing")
            result = _run(engine, loaded, window, settings, final)
    except (SQLAlchemyError, StoreError) as exc:
        text = describe_db_error(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
        raise TransientError(f"results database: {text}") from None
    e = result.evaluation
    log.info("stored", extra={"status": e.status.value, "row_id": result.run_id, "error": result.error})
    push_error = result.delivery.error if result.delivery else None
    seconds = time.monotonic() - start
    return WindowResult(
        e.status.value, result.error, result.run_id, began, seconds, e.finished_at, push_error
    )


def recheck_late(loaded: LoadedSpec, newest: Window, settings: Settings) -> int:
    """In a worker: re-evaluate the spec's `late_windows` windows before `newest` whose rows
    changed (run/late.py); how many were replaced. Errors cross as plain RuntimeErrors."""
    from driftboard.run import late

    try:
        return len(
            late.recheck(engine_for(settings.database_url.get_secret_value()), loaded, newest, settings)
        )
    except (SQLAlchemyError, StoreError) as exc:
        text = describe_db_error(exc) if isinstance(exc, SQLAlchemyError) else str(exc)
        raise RuntimeError(f"results database: {text}") from None
