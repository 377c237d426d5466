"""The scheduler: one APScheduler job per spec; the drift itself runs in worker processes.

A job is a thin function in a thread: plan the model's due windows from the store (catch-up),
then hand them to the process pool one at a time, oldest first, retrying transient errors.
Threads only wait, so the scheduler loop, the HTTP endpoint and signals stay responsive.
"""

import functools
import os
import threading
import uuid
from collections.abc import Callable
from datetime import UTC, datetime

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.background import BackgroundScheduler
from sqlalchemy.exc import SQLAlchemyError
from tenacity import RetryCallState

from driftboard.errors import describe_db_error
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.schedule import trigger_for
from driftboard.jobs.window import Window
from driftboard.prometheus import push
from driftboard.scheduler import catchup, labeljobs, logfmt, selfmon, upkeep, worker
from driftboard.scheduler.health import StoreHealth
from driftboard.scheduler.jobset import JobSet
from driftboard.scheduler.pool import ShuttingDown, WorkerPool
from driftboard.scheduler.retry import Interrupted, with_retries
from driftboard.settings import Settings
from driftboard.sla import delivery
from driftboard.store import connect, runs

# Job threads only wait on the process pool; with one per model in flight, windows queue
# (visibly, in driftboard_queue_depth) for a worker process, not for a thread.
JOB_THREADS = 256


class Scheduler:
    def __init__(self, settings: Settings, jobs: JobSet) -> None:
        self.settings, self.jobs = settings, jobs
        self.engine = connect.open_store(settings)
        self.store_health = StoreHealth(settings.database_url.get_secret_value())
        self.stopping = threading.Event()
        self.pool = WorkerPool(settings.scheduler_workers or os.cpu_count() or 1, settings.log_format)
        self.backlog: dict[str, int] = {}
        # Held while one of a model's windows runs: decommissioning waits on it (see _decommission).
        self.running: dict[str, threading.Lock] = {}
        self.running_guard = threading.Lock()
        selfmon.track_queue_depth(lambda: self.pool.waiting() + sum(self.backlog.copy().values()))
        self.aps = BackgroundScheduler(executors={"default": ThreadPoolExecutor(JOB_THREADS)}, timezone=UTC)
        self.log = logfmt.run_log(__name__)

    def start(self) -> None:
        self.aps.start()
        self.reload()
        upkeep.schedule(self.aps, functools.partial(upkeep.daily, self.engine, self.settings))
        if self.settings.sla_reports_dir is not None:
            job = functools.partial(delivery.daily, self.engine, self.settings)
            upkeep.schedule(self.aps, job, delivery.DAILY, delivery.JOB_ID, "weekly SLA report")
        threading.Thread(target=self.pool.warm, name="warm-pool", daemon=True).start()

    def reload(self) -> None:
        changes = self.jobs.reload()
        for problem in changes.problems:
            self.log.error("invalid job spec", extra={"problem": problem})
        selfmon.SPEC_PROBLEMS.set(len(changes.problems))
        for model in changes.removed:
            self.aps.remove_job(model)
            labeljobs.unschedule(self.aps, model)
            selfmon.job_unloaded(model)
            self._decommission(model)
        for loaded in changes.added + changes.changed:
            self._schedule(loaded, first=loaded in changes.added)
        sizes = (len(self.jobs.by_model), len(changes.added), len(changes.changed), len(changes.removed))
        self.log.info(
            "jobs loaded", extra=dict(zip(("jobs", "added", "changed", "removed"), sizes, strict=True))
        )

    def _running(self, model: str) -> threading.Lock:
        with self.running_guard:
            return self.running.setdefault(model, threading.Lock())

    def _decommission(self, model: str) -> None:
        """A removed spec's Pushgateway group goes too, so its alerts resolve instead of lingering.

        A window of the model already past its check in `fire` would push after a delete made
        now, bringing the group back: the delete waits for it, on a thread so that a reload
        never waits for a run.
        """
        if self.settings.pushgateway_url:
            threading.Thread(
                target=self._delete_group, args=[model], name="decommission", daemon=True
            ).start()

    def _delete_group(self, model: str) -> None:
        with self._running(model):
            try:
                push.delete(str(self.settings.pushgateway_url), model)
            except OSError as exc:  # URLError is an OSError; `driftboard decommission` retries by hand
                self.log.warning(
                    "could not delete the model's metrics", extra={"model": model, "error": str(exc)}
                )

    def _schedule(self, loaded: LoadedSpec, first: bool) -> None:
        """A new job fires at once, to catch up; misfires are moot since each firing catches up."""
        model = loaded.spec.model
        when = {"next_run_time": datetime.now(UTC)} if first else {}
        self.aps.add_job(
            self.fire,
            trigger_for(loaded.spec),
            args=[model],
            id=model,
            name=model,
            replace_existing=True,
            coalesce=True,
            max_instances=1,
            misfire_grace_time=None,
            **when,
        )
        labeljobs.schedule(self.aps, loaded, self.refresh_labels, first)
        try:
            success = runs.last_success(self.engine, model)
        except SQLAlchemyError:  # the gauge waits for the next success; the job runs regardless
            success = None
        selfmon.job_loaded(model, success.timestamp() if success else None)

    def fire(self, model: str) -> None:
        loaded = self.jobs.get(model)
        if loaded is None or self.stopping.is_set():
            return
        try:
            windows = self._plan(loaded)
        except SQLAlchemyError as exc:
            self.log.error(
                "results database unreachable; the next firing catches up",
                extra={"model": model, "error": describe_db_error(exc)},
            )
            return
        self.backlog[model] = len(windows)
        try:
            for window in windows:
                with self._running(model):  # checked and run under it: see _decommission
                    if self.stopping.is_set() or self.jobs.get(model) is not loaded:
                        break  # shutting down, or a reload removed or changed the spec
                    self.backlog[model] -= 1
                    self.run_window(loaded, window)
        finally:
            self.backlog.pop(model, None)

    def refresh_labels(self, model: str) -> None:
        loaded = self.jobs.get(model)
        if loaded is None or self.stopping.is_set():
            return
        try:
            windows = self.pool.run(labeljobs.compute, loaded, self.settings)
        except ShuttingDown:
            return
        except Exception as exc:  # the next refresh recomputes the whole lookback
            selfmon.LABEL_REFRESHES.labels(model=model, status="failed").inc()
            self.log.error("delayed labels not refreshed", extra={"model": model, "error": str(exc)})
            return
        selfmon.LABEL_REFRESHES.labels(model=model, status="succeeded").inc()
        self.log.info("delayed labels refreshed", extra={"model": model, "windows": windows})

    def _plan(self, loaded: LoadedSpec) -> list[Window]:
        spec, limit = loaded.spec, self.settings.catchup_max_windows
        now = datetime.now(UTC)
        plan = catchup.plan(spec, now, catchup.history(self.engine, spec, now, limit), limit)
        if plan.gap:
            reason = catchup.gap_reason(spec, plan.gap, limit)
            if runs.record_skipped(self.engine, spec.model, plan.gap, reason):
                selfmon.RUNS.labels(model=spec.model, status="skipped").inc()
                logfmt.run_log(__name__, spec.model, plan.gap).warning("catch-up limit; windows skipped")
        return plan.windows

    def run_window(self, loaded: LoadedSpec, window: Window) -> None:
        model, run_id = loaded.spec.model, uuid.uuid4().hex[:12]
        log = logfmt.run_log(__name__, model, window, run_id)

        def attempt(number: int, final: bool) -> worker.WindowResult:
            return self.pool.run(worker.compute, loaded, window, self.settings, run_id, final)

        try:
            result = with_retries(
                attempt, self.settings, self.stopping, functools.partial(_retrying, model, log)
            )
        except (ShuttingDown, Interrupted):
            log.info("not finished: shutting down; the next start catches it up")
        except Exception as exc:
            selfmon.RUNS.labels(model=model, status="not_stored").inc()
            log.error(
                "window not stored; a later firing catches it up", extra={"error": str(exc) or repr(exc)}
            )
        else:
            self._observe(model, window, result, log)

    def _observe(self, model: str, window: Window, result: worker.WindowResult, log: logfmt.RunLog) -> None:
        lag = (result.began - window.end).total_seconds()
        selfmon.record_result(model, result.status, result.seconds, lag, result.finished)
        if result.push_error:
            selfmon.record_push_failure(model)
        level = "info" if result.status != "failed" else "warning"
        getattr(log, level)(
            "run finished",
            extra={
                "status": result.status,
                "row_id": result.row_id,
                "seconds": round(result.seconds, 3),
                "error": result.error,
            },
        )

    def health(self) -> tuple[bool, dict[str, str]]:
        return self.store_health.check(self.aps.running and not self.stopping.is_set())

    def stop(self, closed: Callable[[], None] = lambda: None) -> int:
        """No new runs; running ones get the shutdown timeout. Returns how many were abandoned.
        `closed` is called once no new run can start: a log line that says so is then true."""
        self.stopping.set()
        self.aps.shutdown(wait=False)
        abandoned = self.pool.shutdown(self.settings.shutdown_timeout_seconds, closed)
        self.store_health.close()
        return abandoned


def _retrying(model: str, log: logfmt.RunLog, state: RetryCallState) -> None:
    selfmon.RETRIES.labels(model=model).inc()
    wait = state.next_action.sleep if state.next_action else 0.0
    error = state.outcome.exception() if state.outcome else None
    extra = {"attempt": state.attempt_number, "retry_in": round(wait, 2), "error": str(error)}
    log.warning("transient error; retrying", extra=extra)
