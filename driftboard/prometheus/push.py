"""Send a run's series to the Pushgateway, one group per model, with bounded retries."""

import logging
from urllib.error import URLError

from prometheus_client import delete_from_gateway, push_to_gateway, pushadd_to_gateway
from tenacity import retry, retry_if_exception_type, stop_after_attempt, wait_exponential

from driftboard.prometheus.metrics import RunContext, run_registry, status_registry
from driftboard.results import Evaluation, RunStatus

JOB = "driftboard"
log = logging.getLogger(__name__)


class PushError(RuntimeError):
    """The Pushgateway did not take the metrics after every retry."""


_retry = retry(
    retry=retry_if_exception_type((URLError, OSError)),
    stop=stop_after_attempt(3),
    wait=wait_exponential(multiplier=0.5, max=4),
    reraise=True,
)


@_retry
def _send(url: str, outcome: Evaluation, ctx: RunContext) -> None:
    key = {"model": outcome.model}
    if outcome.status == RunStatus.SUCCEEDED:
        # PUT replaces the model's whole group, so a feature dropped from the spec disappears.
        push_to_gateway(url, JOB, run_registry(outcome, ctx), grouping_key=key, timeout=10)
    else:
        # POST replaces only the status series: the last good drift series stay for the alerts.
        pushadd_to_gateway(url, JOB, status_registry(outcome, ctx), grouping_key=key, timeout=10)


def push(url: str, outcome: Evaluation, ctx: RunContext) -> None:
    try:
        _send(url, outcome, ctx)
    except (URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise PushError(f"push to the Pushgateway failed after 3 attempts: {reason}") from None


@_retry
def delete(url: str, model: str) -> None:
    """Decommission a model: its group goes, so no alert keeps firing on its last values."""
    delete_from_gateway(url, JOB, grouping_key={"model": model}, timeout=10)
