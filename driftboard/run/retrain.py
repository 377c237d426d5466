"""The retrain hook: a POST to the deployment's retraining service after a live run at critical drift.

Off unless both the deployment (DRIFTBOARD_RETRAIN_URL or _URL_FILE) and the model's spec
(`retrain: true`) ask for it. Called from driftboard itself rather than from Alertmanager, so
that the URL and token come from files or the environment (Alertmanager 0.25's webhook has no
url_file), a deployment without a retraining service has no receiver failing to deliver, and
the payload can name the window, the drifted features and the report. Only live windows call it
(driftboard.run.pipeline): history never retrains.
"""

import json
import logging
import urllib.request
from datetime import UTC, datetime
from typing import Any
from urllib.error import HTTPError, URLError

from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from driftboard.jobs.spec import JobSpec
from driftboard.results import Evaluation, HookCall, KeptReport, RunStatus
from driftboard.settings import Settings
from driftboard.store import registry

log = logging.getLogger(__name__)


def critical(evaluation: Evaluation, spec: JobSpec) -> bool:
    """Critical as the alerts judge it, by the model's own levels (alerting/config.yml's defaults)."""
    if evaluation.status != RunStatus.SUCCEEDED or not evaluation.scored:
        return False
    levels = registry.levels(spec)
    share = evaluation.share_drifted or 0.0
    severe = any((f.drift_ratio or 0.0) >= levels["severe_drift_ratio"] for f in evaluation.scored)
    return share >= levels["drift_share_critical"] or severe


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


@retry(
    retry=retry_if_exception_type(OSError),  # URLError and HTTPError are OSErrors
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.5, max=4),
    reraise=True,
)
def _post(url: str, token: str | None, body: dict[str, Any]) -> None:
    headers = {"Content-Type": "application/json", **({"Authorization": f"Bearer {token}"} if token else {})}
    request = urllib.request.Request(url, json.dumps(body).encode(), headers, method="POST")
    urllib.request.urlopen(request, timeout=10).close()


def _reason(exc: OSError) -> str:
    """Why the call failed, without the URL (it may carry a secret)."""
    if isinstance(exc, HTTPError):
        return f"HTTP {exc.code}"
    return str(exc.reason if isinstance(exc, URLError) else exc.strerror or exc)


def call(
    spec: JobSpec, evaluation: Evaluation, run_id: int, report: KeptReport | None, settings: Settings
) -> HookCall | None:
    """Call the hook if this live run is critical and both the model and the deployment opted in."""
    if not spec.retrain or not critical(evaluation, spec):
        return None
    try:
        hook = settings.retrain_hook()
    except OSError as exc:
        return _failed(evaluation, f"retrain hook not called: its URL or token file is unreadable: {exc}")
    if hook is None:
        return _failed(evaluation, "retrain hook not called: DRIFTBOARD_RETRAIN_URL(_FILE) is not set")
    try:
        _post(*hook, payload(evaluation, run_id, report, settings.reports_url))
    except OSError as exc:
        return _failed(evaluation, f"retrain hook failed after 3 attempts: {_reason(exc)}")
    return HookCall(called_at=datetime.now(UTC))


def _failed(evaluation: Evaluation, reason: str) -> HookCall:
    log.warning("model=%s window=%s %s", evaluation.model, evaluation.window, reason)
    return HookCall(error=reason)
