"""Send a run's series to the Pushgateway, one group per model, with bounded retries."""

import logging
from collections.abc import Callable

from prometheus_client import delete_from_gateway, push_to_gateway, pushadd_to_gateway

from driftboard import outbound
from driftboard.prometheus.metrics import RunContext, run_registry, status_registry
from driftboard.results import Evaluation, RunStatus

JOB = "driftboard"
ATTEMPT_DEADLINE = 10.0  # seconds for one attempt's whole exchange; three attempts at most
log = logging.getLogger(__name__)


class PushError(RuntimeError):
    """The Pushgateway did not take the metrics after every retry."""


@outbound.retried
def _send(url: str, outcome: Evaluation, ctx: RunContext) -> None:
    key = {"model": outcome.model}
    if outcome.status == RunStatus.SUCCEEDED:
        # PUT replaces the model's whole group, so a feature dropped from the spec disappears.
        push_to_gateway(url, JOB, run_registry(outcome, ctx), grouping_key=key, handler=handler)
    else:
        # POST replaces only the status series: the last good drift series stay for the alerts.
        pushadd_to_gateway(url, JOB, status_registry(outcome, ctx), grouping_key=key, handler=handler)


def push(url: str, outcome: Evaluation, ctx: RunContext) -> None:
    """Whatever goes wrong on the way (a malformed URL, a service that is not a Pushgateway,
    one that never finishes answering) is a PushError: the caller has already committed the
    run and records the reason beside it, never instead of it."""
    deliver("push to the Pushgateway", lambda: _send(url, outcome, ctx))


def deliver(subject: str, send: Callable[[], None]) -> None:
    """Run a push (retried by outbound.retried); any failure becomes a PushError saying `subject`."""
    try:
        send()
    except Exception as exc:  # any kind: see push's docstring, nothing may undo the commit
        raise PushError(f"{subject} failed{outbound.tries(exc)}: {_reason(exc)}") from None


def handler(
    url: str, method: str, timeout: float | None, headers: list[tuple[str, str]], data: bytes
) -> Callable[[], None]:
    """prometheus_client's hook for the HTTP call: ours keeps a deadline on the whole exchange."""
    del timeout  # per socket operation only; the deadline below bounds the whole call

    def send() -> None:
        outbound.call(url, method, data, dict(headers), deadline=ATTEMPT_DEADLINE)

    return send


def _reason(exc: BaseException) -> str:
    text = str(getattr(exc, "reason", None) or exc) or type(exc).__name__
    return text if isinstance(exc, OSError) else f"{type(exc).__name__}: {text}"


@outbound.retried
def delete(url: str, model: str) -> None:
    """Decommission a model: its group goes, so no alert keeps firing on its last values."""
    delete_from_gateway(url, JOB, grouping_key={"model": model}, handler=handler)
