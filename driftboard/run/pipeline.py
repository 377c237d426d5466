"""The flow of one run, end to end: window → data → results → one transaction → metrics → report.

Each step returns its own result and changes none of the earlier ones: the Evaluation is
stored as it is, the push and the kept report only add to the stored row.
"""

import logging
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import Engine
from sqlalchemy.exc import DataError, IntegrityError, SQLAlchemyError

from driftboard import alertconfig
from driftboard.errors import StoreError, describe_db_error
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.schedule import due, period, window_ending
from driftboard.jobs.window import Window
from driftboard.results import Delivery, Evaluation, HookCall, KeptReport, RunResult
from driftboard.run.evaluate import evaluate_or_fail, failed, keep_report
from driftboard.settings import Settings
from driftboard.store import connect, registry, runs
from driftboard.store.runs import streaks

if TYPE_CHECKING:  # the push (prometheus_client) and the hook (tenacity) are imported when used
    from driftboard.prometheus.metrics import RunContext

log = logging.getLogger(__name__)


def run_window(engine: Engine, loaded: LoadedSpec, window: Window, settings: Settings) -> RunResult:
    return store(engine, loaded, evaluate_or_fail(loaded, window, settings.keep_reports), settings)


def store(engine: Engine, loaded: LoadedSpec, evaluation: Evaluation, settings: Settings) -> RunResult:
    """Commit, then push, then build the kept report (seconds of Evidently's HTML never delay
    the results or the alert), then call the retrain hook, which links the report.

    Only a live window (the model's newest stored; README.md, Alerting) is pushed or retrains:
    a backfill or `run --at` of an older window stores its results and leaves the live
    Pushgateway group, hence the alerts, as they are."""
    try:
        evaluation, run_id = _saved(engine, loaded, evaluation)
        live = runs.is_newest(engine, evaluation.model, evaluation.window)
        delivery = publish(engine, loaded, evaluation, run_id, settings.pushgateway_url) if live else None
        report = _report(engine, evaluation, run_id, settings)
        hook = _retrain(engine, loaded, evaluation, run_id, report, settings) if live else None
    except SQLAlchemyError as exc:
        raise StoreError(f"could not store the run: {connect.reason(exc, settings)}") from None
    return RunResult(evaluation, run_id, delivery, report, hook, live)


def _saved(engine: Engine, loaded: LoadedSpec, evaluation: Evaluation) -> tuple[Evaluation, int]:
    """Store the run; when the store refuses its values (too long, a duplicate), store it as
    failed with the reason instead: the same rows would be refused again, so retrying (as for
    an unreachable store) would never end."""
    try:
        return evaluation, runs.save(engine, evaluation, registry.upserter(loaded.spec))
    except (DataError, IntegrityError) as exc:
        reason = f"results not stored: the store refused them: {describe_db_error(exc)}"
        refused = failed(evaluation.model, evaluation.window, evaluation.started_at, reason)
        return refused, runs.save(engine, refused, registry.upserter(loaded.spec))


def publish(
    engine: Engine, loaded: LoadedSpec, evaluation: Evaluation, run_id: int, url: str | None
) -> Delivery | None:
    """Push after the commit; a failed push is recorded on the run, the results stay."""
    if not url:
        return None
    from driftboard.prometheus import push

    ctx = context(engine, loaded, evaluation)
    try:
        push.push(url, evaluation, ctx)
        delivery = Delivery(pushed_at=datetime.now(UTC))
    except push.PushError as exc:
        delivery = Delivery(error=str(exc))
        log.warning("model=%s window=%s %s", evaluation.model, evaluation.window, exc)
    runs.record_push(engine, run_id, delivery)
    return delivery


def context(engine: Engine, loaded: LoadedSpec, evaluation: Evaluation) -> "RunContext":
    """What the push needs from the runs stored before this one, by the model's own levels."""
    from driftboard.prometheus.metrics import RunContext

    model, end = evaluation.model, evaluation.window.end
    levels = registry.levels(loaded.spec)
    critical = (levels["drift_share_critical"], levels["severe_drift_ratio"])
    return RunContext(
        interval_seconds=period(loaded.spec).total_seconds(),
        last_success=runs.last_success(engine, model),
        consecutive_drift=streaks.consecutive_drift(engine, model, end),
        alerts=loaded.spec.alerts,
        model_drift_runs=streaks.model_drift_runs(engine, model, end, *critical),
        expected_rows=streaks.expected_rows(engine, model, end, alertconfig.load().volume_baseline_runs),
    )


def _retrain(
    engine: Engine,
    loaded: LoadedSpec,
    evaluation: Evaluation,
    run_id: int,
    report: KeptReport | None,
    settings: Settings,
) -> HookCall | None:
    """The retrain hook, for a model whose spec opted in (retrain.call's own first test)."""
    if not loaded.spec.retrain:
        return None
    from driftboard.run import retrain

    return retrain.call(engine, loaded.spec, evaluation, run_id, report, settings)


def _report(engine: Engine, evaluation: Evaluation, run_id: int, settings: Settings) -> KeptReport | None:
    if evaluation.report is None:
        return None
    kept = keep_report(evaluation, settings.reports_dir)
    runs.record_report(engine, run_id, kept)
    return kept


def run_once(loaded: LoadedSpec, at: datetime, settings: Settings) -> RunResult:
    engine = connect.open_store(settings)
    try:
        return run_window(engine, loaded, window_ending(loaded.spec, due(loaded.spec, at)), settings)
    finally:
        engine.dispose()
