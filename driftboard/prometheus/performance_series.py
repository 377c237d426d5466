"""A model's performance series, pushed after each labels refresh to a Pushgateway group of its
own ({model, signal="performance"}): a drift run's PUT replaces the model's drift group, which
would otherwise wipe them. Only the newest window of each kind is pushed, as for drift
(driftboard.store.performance_state picks it from the store).

    driftboard_performance{model, metric}                   realised, newest labelled window
    driftboard_performance_labelled_ratio{model}            that window's labelled share
    driftboard_performance_window_end_timestamp_seconds{model}
    driftboard_performance_estimated{model, metric}          estimated from scores, newest window
    driftboard_performance_estimated_window_end_timestamp_seconds{model}
    driftboard_performance_threshold{model, metric}          labels.threshold of labels.metric
    driftboard_performance_degraded_windows{model, metric, severity}
    driftboard_performance_alert_windows{model}              labels.alert_windows
"""

from prometheus_client import CollectorRegistry, delete_from_gateway, push_to_gateway

from driftboard import outbound
from driftboard.prometheus.metrics import gauge
from driftboard.prometheus.push import JOB, deliver, handler
from driftboard.results import PerformanceSnapshot

SIGNAL = "performance"


def registry(state: PerformanceSnapshot) -> CollectorRegistry:
    reg, model = CollectorRegistry(), state.model
    if (realised := state.realised) is not None:
        values = gauge(
            reg,
            "driftboard_performance",
            "Realised metric of the newest labelled window",
            ("model", "metric"),
        )
        for metric, value in realised.metrics.items():
            values.labels(model, metric).set(value)
        gauge(reg, "driftboard_performance_labelled_ratio", "Labelled share of that window").labels(
            model
        ).set(realised.labelled_share)
        gauge(reg, "driftboard_performance_window_end_timestamp_seconds", "End of that window").labels(
            model
        ).set(realised.window.end.timestamp())
    if (estimated := state.estimated) is not None:
        doc = "Metric estimated from the scores of the newest window"
        values = gauge(reg, "driftboard_performance_estimated", doc, ("model", "metric"))
        for metric, value in estimated.metrics.items():
            values.labels(model, metric).set(value)
        end = gauge(
            reg, "driftboard_performance_estimated_window_end_timestamp_seconds", "End of that window"
        )
        end.labels(model).set(estimated.window.end.timestamp())
    _alerting(reg, state)
    return reg


def _alerting(reg: CollectorRegistry, state: PerformanceSnapshot) -> None:
    if state.threshold is None:
        return  # nothing to judge against: no alert series
    model = state.model
    doc = "labels.threshold of labels.metric"
    gauge(reg, "driftboard_performance_threshold", doc, ("model", "metric")).labels(model, state.metric).set(
        state.threshold
    )
    doc = "Newest realised windows in a row on the wrong side of the threshold"
    streak = gauge(reg, "driftboard_performance_degraded_windows", doc, ("model", "metric", "severity"))
    streak.labels(model, state.metric, state.severity).set(state.degraded_windows)
    doc = "Windows in a row before DriftboardPerformanceDegraded fires (labels.alert_windows)"
    gauge(reg, "driftboard_performance_alert_windows", doc).labels(model).set(state.alert_windows)


@outbound.retried
def _send(url: str, state: PerformanceSnapshot) -> None:
    key = {"model": state.model, "signal": SIGNAL}
    push_to_gateway(url, JOB, registry(state), grouping_key=key, handler=handler)  # PUT: the whole group


def push(url: str, state: PerformanceSnapshot) -> None:
    """As drift's push: any failure is a PushError with the reason; the store keeps the results."""
    deliver("push of performance to the Pushgateway", lambda: _send(url, state))


@outbound.retried
def delete(url: str, model: str) -> None:
    """Decommission: the model's performance group goes too."""
    delete_from_gateway(url, JOB, grouping_key={"model": model, "signal": SIGNAL}, handler=handler)
