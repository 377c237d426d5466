"""The retrain hook: a POST to the deployment's retraining service after a live run that pages for
model drift (DriftboardModelDrift's rule, by the model's own levels).

Off unless both the deployment (DRIFTBOARD_RETRAIN_URL or _URL_FILE) and the model's spec
(`retrain: true`) ask for it. Called from driftboard itself rather than from Alertmanager, so
that the URL and token come from files or the environment (Alertmanager 0.25's webhook has no
url_file), a deployment without a retraining service has no receiver failing to deliver, and
the payload can name the window, the drifted features and the report. Only live windows call it
(driftboard.run.pipeline): history never retrains.
"""

import json
import logging
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Engine

from driftboard import alertconfig, outbound
from driftboard.jobs.spec import JobSpec
from driftboard.results import Evaluation, HookCall, KeptReport, RunStatus
from driftboard.settings import Settings
from driftboard.store import registry
from driftboard.store.runs import streaks

ATTEMPT_DEADLINE = 10.0  # seconds for one attempt's whole exchange; three attempts at most
log = logging.getLogger(__name__)


def _level(spec: JobSpec, field: str) -> float:
    own = getattr(spec.alerts, field)
    return alertconfig.load().default(field) if own is None else float(own)


def pages(engine: Engine, evaluation: Evaluation, spec: JobSpec) -> bool:
    """Whether DriftboardModelDrift fires on this run, by the model's own levels: critical drift
    in model_drift_runs successful runs in a row, or drift_share_severe of the features at once."""
    if evaluation.status != RunStatus.SUCCEEDED or not evaluation.scored:
        return False
    levels = registry.levels(spec)
    critical = (levels["drift_share_critical"], levels["severe_drift_ratio"])
    streak = streaks.model_drift_runs(engine, evaluation.model, evaluation.window.end, *critical)
    share = evaluation.share_drifted or 0.0
    return streak >= _level(spec, "model_drift_runs") or share >= _level(spec, "drift_share_severe")


def payload(
    evaluation: Evaluation, run_id: int, report: KeptReport | None, base: str | None
) -> dict[str, Any]:
    drifted = sorted((f for f in evaluation.scored if f.drift_detected), key=lambda f: -(f.drift_ratio or 0))
    path = report.path if report else None
    return {
        "model": evaluation.model,
        "run_id": run_id,
        "window": {"start": evaluation.window.start.isoformat(), "end": evaluation.window.end.isoformat()},
        "share_drifted": evaluation.share_drifted,
        "drifted_features": [
            {"feature": f.feature, "stattest": f.stattest, "score": f.score, "drift_ratio": f.drift_ratio}
            for f in drifted
        ],
        "report_path": path,
        "report_url": f"{base.rstrip('/')}/{path}" if base and path else None,
    }


@outbound.retried
def _post(url: str, token: str | None, body: dict[str, Any]) -> None:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    outbound.call(url, "POST", json.dumps(body).encode(), headers, deadline=ATTEMPT_DEADLINE)


def call(
    engine: Engine,
    spec: JobSpec,
    evaluation: Evaluation,
    run_id: int,
    report: KeptReport | None,
    settings: Settings,
) -> HookCall | None:
    """Call the hook if this live run pages for model drift and both the model and the
    deployment opted in. The run is already stored (the streak counts it)."""
    if not spec.retrain or not pages(engine, evaluation, spec):
        return None
    error = send(settings, payload(evaluation, run_id, report, settings.reports_url))
    return _failed(evaluation, error) if error else HookCall(called_at=datetime.now(UTC))


def send(settings: Settings, body: dict[str, Any]) -> str | None:
    """POST `body` to the deployment's hook (any trigger): why it was not delivered, or None."""
    try:
        hook = settings.retrain_hook()
    except OSError as exc:
        return f"retrain hook not called: its URL or token file is unreadable: {exc}"
    if hook is None:
        return "retrain hook not called: DRIFTBOARD_RETRAIN_URL(_FILE) is not set"
    try:
        _post(*hook, body)
    except Exception as exc:  # any kind: what triggered it is committed, the reason goes beside it
        why = str(exc) if isinstance(exc, outbound.OutboundError) else type(exc).__name__
        return f"retrain hook failed{outbound.tries(exc)}: {why}"
    return None


def _failed(evaluation: Evaluation, reason: str) -> HookCall:
    log.warning("model=%s window=%s %s", evaluation.model, evaluation.window, reason)
    return HookCall(error=reason)
