"""The flow of one run, end to end: window → data → results → one transaction → metrics."""

import logging
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from driftboard.errors import StoreError
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.schedule import period, window_ending
from driftboard.jobs.window import Window
from driftboard.prometheus import push
from driftboard.prometheus.metrics import RunContext
from driftboard.results import RunOutcome
from driftboard.run.evaluate import evaluate, keep_report
from driftboard.settings import Settings
from driftboard.store import connect, registry, runs

log = logging.getLogger(__name__)


def run_window(engine: Engine, loaded: LoadedSpec, window: Window, settings: Settings) -> RunOutcome:
    outcome = evaluate(loaded, window, settings.keep_reports)
    try:
        runs.save(engine, outcome, registry.upserter(loaded.spec))
        if settings.pushgateway_url:
            publish(engine, loaded, outcome, settings.pushgateway_url)
        if outcome.report is not None:  # seconds of Evidently's HTML: after the alert can fire
            keep_report(outcome, settings.reports_dir)
            runs.record_report(engine, outcome)
    except SQLAlchemyError as exc:
        raise StoreError(f"could not store the run: {connect.reason(exc, settings)}") from None
    return outcome


def publish(engine: Engine, loaded: LoadedSpec, outcome: RunOutcome, url: str) -> None:
    """Push after the commit; a failed push is recorded on the run, the results stay."""
    ctx = RunContext(
        interval_seconds=period(loaded.spec).total_seconds(),
        last_success=runs.last_success(engine, outcome.model),
        consecutive_drift=runs.consecutive_drift(engine, outcome.model, outcome.window.end),
        alerts=loaded.spec.alerts,
    )
    try:
        push.push(url, outcome, ctx)
        outcome.pushed_at = datetime.now(UTC)
    except push.PushError as exc:
        outcome.push_error = str(exc)
        log.warning("model=%s window=%s %s", outcome.model, outcome.window, exc)
    runs.record_push(engine, outcome)


def run_once(loaded: LoadedSpec, at: datetime, settings: Settings) -> RunOutcome:
    engine = connect.open_store(settings)
    try:
        return run_window(engine, loaded, window_ending(loaded.spec, at), settings)
    finally:
        engine.dispose()
