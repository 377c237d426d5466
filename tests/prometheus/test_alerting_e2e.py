"""End to end: contract metrics pushed to the real Pushgateway, scraped and evaluated by the
real Prometheus with the repository's rules, routed and inhibited by the real Alertmanager
with the repository's config, delivered to a capture server standing in for Slack,
PagerDuty (and any webhook receiver). Each test uses its own model names.
"""

from __future__ import annotations

import functools
import json
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from prometheus_client import CollectorRegistry, Gauge, delete_from_gateway, push_to_gateway

from tests.support.alerting import CONFIG, GRAFANA, NOTIFY_TIMEOUT, RUNBOOK, pagerduty_about, slack_about
from tests.support.realstack import (
    PAGERDUTY_PATH,
    PAGERDUTY_ROUTING_KEY,
    SLACK_PATH,
    WEBHOOK_PATH,
    Stack,
    http_json,
    wait_until,
)

SEVERITY = {name: alert["severity"] for name, alert in CONFIG["alerts"].items()}


@dataclass(frozen=True)
class Feature:
    ratio: float  # drift ratio, >= 1 means drifted
    consecutive_runs: int = 0
    score: float = 0.05
    threshold: float = 0.1
    null_ratio: float = 0.0


CLEAN = Feature(ratio=0.3)


def unique(prefix: str) -> str:
    return f"{prefix}-{uuid.uuid4().hex[:8]}"


def push_run(stack: Stack, model: str, features: dict[str, Feature], drift_runs: int = 0) -> None:
    """Push one successful run of `model` the way the core package does (PUT of its group);
    `drift_runs`: critically drifted runs in a row up to this one, as the store counts them."""
    registry = CollectorRegistry()  # fresh per push: a PUT must carry exactly this run

    def gauge(name: str, *labels: str) -> Gauge:
        return Gauge(name, "driftboard e2e test push", ["model", *labels], registry=registry)

    score, threshold = (
        gauge(f"driftboard_feature_drift_{n}", "feature", "stattest") for n in ("score", "threshold")
    )
    per_feature = {
        n: gauge(f"driftboard_feature_{n}", "feature")
        for n in (
            "drift_ratio",
            "drift_detected",
            "drift_consecutive_runs",
            "null_ratio",
            "reference_null_ratio",
        )
    }
    for name, f in features.items():
        score.labels(model, name, "psi").set(f.score)
        threshold.labels(model, name, "psi").set(f.threshold)
        for metric, value in (
            ("drift_ratio", f.ratio),
            ("drift_detected", f.ratio >= 1),
            ("drift_consecutive_runs", f.consecutive_runs),
            ("null_ratio", f.null_ratio),
            ("reference_null_ratio", 0.0),
        ):
            per_feature[metric].labels(model, name).set(float(value))
    drifted = sum(f.ratio >= 1 for f in features.values())
    now = time.time()
    run = {
        "drifted_features_ratio": drifted / len(features),
        "drifted_features": drifted,
        "features": len(features),
        "dataset_drift": drifted / len(features) >= 0.5,
        "duration_seconds": 1.5,
        "success": 1,
        "last_run_timestamp_seconds": now,
        "last_success_timestamp_seconds": now,
        "window_end_timestamp_seconds": now,
    }
    for name, value in run.items():
        gauge(f"driftboard_run_{name}").labels(model).set(float(value))
    rows = gauge("driftboard_run_rows", "dataset")
    rows.labels(model, "reference").set(5000)
    rows.labels(model, "current").set(1000)
    gauge("driftboard_schedule_interval_seconds").labels(model).set(3600)
    gauge("driftboard_model_drift_consecutive_runs").labels(model).set(drift_runs)
    push_to_gateway(stack.pushgateway, job="driftboard", registry=registry, grouping_key={"model": model})


def notifications_about(stack: Stack, alertname: str, model: str) -> list[Any]:
    """Every Slack message, PagerDuty event or webhook call that carries this alert."""
    title = f"{alertname} for model {model}"
    return [
        r.body
        for r in stack.capture.requests
        if title in json.dumps(r.body)
        or (
            r.path == WEBHOOK_PATH
            and any(
                a["labels"].get("alertname") == alertname and a["labels"].get("model") == model
                for a in r.body["alerts"]
            )
        )
    ]


def assert_stays_empty(check: Callable[[], list[Any]], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        assert not check(), what
        time.sleep(0.1)


def flush_with_canary(stack: Stack) -> None:
    """Wait until everything pushed before now has gone all the way through.

    A canary warning pushed now is scraped, evaluated and delivered no earlier than what
    was pushed before it: once its Slack message is in, theirs would be too.
    """
    canary = unique("canary")
    push_run(stack, canary, {"f": Feature(ratio=1.5, consecutive_runs=3), "g": CLEAN, "h": CLEAN})
    stack.capture.wait_for(SLACK_PATH, slack_about(canary, "FIRING"), NOTIFY_TIMEOUT, canary)
    delete_from_gateway(stack.pushgateway, job="driftboard", grouping_key={"model": canary})


def test_feature_drift_warning_goes_to_slack_and_resolves(alerting_stack: Stack) -> None:
    stack, model = alerting_stack, unique("warn")
    # 2 of 5 drifted: under the critical share of 50%, which would inhibit the warning.
    features = {
        "age": Feature(ratio=1.5, consecutive_runs=3, score=0.15),
        "income": CLEAN,
        "region": CLEAN,
        "city": CLEAN,
        "tenure": Feature(ratio=1.2, consecutive_runs=2),
    }
    push_run(stack, model, features)

    body = stack.capture.wait_for(
        SLACK_PATH, slack_about(model, "FIRING"), NOTIFY_TIMEOUT, f"Slack warning for {model}"
    ).body
    attachment = body["attachments"][0]
    dashboard = f"{GRAFANA}/d/driftboard-feature?var-model={model}&var-feature=age"
    assert attachment["title"] == f"[FIRING:1] DriftboardFeatureDrift for model {model}"
    assert attachment["title_link"] == dashboard
    assert attachment["color"] == "danger"
    text = attachment["text"]
    assert f"*Feature age of model {model} drifted in 3 consecutive runs*" in text
    assert "psi score 0.15 against threshold 0.1, drift ratio 1.50" in text
    assert "tenure" not in text  # 2 runs: under the default of 3
    assert f"<{dashboard}|Dashboard> | <{RUNBOOK}#driftboardfeaturedrift|Runbook>" in text
    assert not stack.capture.find(PAGERDUTY_PATH, pagerduty_about(model, "trigger"))

    push_run(stack, model, dict.fromkeys(features, CLEAN))
    resolved = stack.capture.wait_for(
        SLACK_PATH, slack_about(model, "RESOLVED"), NOTIFY_TIMEOUT, f"Slack resolve for {model}"
    ).body["attachments"][0]
    assert resolved["title"] == f"[RESOLVED] DriftboardFeatureDrift for model {model}"
    assert resolved["color"] == "good"


def test_critical_drift_pages_and_resolves(alerting_stack: Stack) -> None:
    stack, model = alerting_stack, unique("crit")
    features = {
        "a": Feature(ratio=4.2, consecutive_runs=1),
        "b": Feature(ratio=1.5),
        "c": Feature(ratio=1.2),
        "d": CLEAN,
    }
    push_run(stack, model, features, drift_runs=2)

    trigger = stack.capture.wait_for(
        PAGERDUTY_PATH, pagerduty_about(model, "trigger"), NOTIFY_TIMEOUT, f"PagerDuty trigger for {model}"
    ).body
    heatmap = f"{GRAFANA}/d/driftboard-heatmap?var-model={model}"
    runbook = f"{RUNBOOK}#driftboardmodeldrift"
    assert trigger["routing_key"] == PAGERDUTY_ROUTING_KEY
    payload = trigger["payload"]
    assert payload["severity"] == "critical"
    assert payload["summary"] == (
        f"[FIRING:1] DriftboardModelDrift for model {model}: Model {model} has critical data drift"
    )
    details = payload["custom_details"]
    assert "75% of the features drifted" in details["firing"]
    assert "Drifted features (drift ratio): a (4.20), b (1.50), c (1.20)." in details["firing"]
    assert f"Dashboard: {heatmap} Runbook: {runbook}" in details["firing"]
    assert details["num_firing"] == "1"
    assert trigger["client_url"] == heatmap
    assert trigger["links"] == [
        {"href": heatmap, "text": "Grafana dashboard"},
        {"href": runbook, "text": "Runbook"},
    ]

    assert not stack.capture.find(SLACK_PATH, slack_about(model, "FIRING"))

    push_run(stack, model, dict.fromkeys(features, CLEAN))
    resolve = stack.capture.wait_for(
        PAGERDUTY_PATH, pagerduty_about(model, "resolve"), NOTIFY_TIMEOUT, f"PagerDuty resolve for {model}"
    ).body
    assert resolve["dedup_key"] == trigger["dedup_key"]


def test_stable_model_sends_nothing(alerting_stack: Stack) -> None:
    stack, model = alerting_stack, unique("stable")
    push_run(stack, model, {"a": Feature(ratio=0.9, consecutive_runs=0), "b": CLEAN})
    flush_with_canary(stack)

    # Prometheus did see the model (it has thresholds), and nothing fired for it.
    assert stack.query(f'driftboard:alert_feature_drift_runs{{model="{model}"}}')
    assert not stack.query(f'ALERTS{{model="{model}"}}')
    assert not [r for r in stack.capture.requests if model in json.dumps(r.body)]


def test_critical_drift_suppresses_the_models_warnings(alerting_stack: Stack) -> None:
    stack, model = alerting_stack, unique("inhibit")
    features = {
        "a": Feature(ratio=4.2, consecutive_runs=1),
        "b": Feature(ratio=1.5),
        "c": Feature(ratio=1.2),
        "d": CLEAN,
    }
    push_run(stack, model, features, drift_runs=2)
    stack.capture.wait_for(
        PAGERDUTY_PATH, pagerduty_about(model, "trigger"), NOTIFY_TIMEOUT, f"PagerDuty trigger for {model}"
    )

    # The next run adds a feature drift warning and a data-quality warning.
    push_run(
        stack, model, {**features, "a": Feature(ratio=4.2, consecutive_runs=3, null_ratio=0.5)}, drift_runs=3
    )

    def suppressed() -> bool:
        alerts = {a["labels"]["alertname"]: a["status"] for a in stack.alertmanager_alerts(model=model)}
        return all(
            alerts.get(name, {}).get("state") == "suppressed" and alerts[name]["inhibitedBy"]
            for name in ("DriftboardFeatureDrift", "DriftboardDataQuality")
        )

    wait_until(suppressed, NOTIFY_TIMEOUT, f"warnings of {model} suppressed in Alertmanager")
    flush_with_canary(stack)
    assert_stays_empty(
        lambda: stack.capture.find(SLACK_PATH, slack_about(model, "")),
        1.0,
        f"a warning of {model} reached Slack despite its critical drift",
    )


# One case per inhibit rule of alerting/alertmanager.yml, posted straight to Alertmanager:
# (sources, targets that must be muted by exactly those sources, controls that must still
# be delivered). Models 0, 1, 2 are unique per run; the combinations are chosen so that no
# other rule mutes a target (which would hide a broken rule) or a control.
Alerts = list[tuple[str, int | None]]
INHIBITIONS: dict[str, tuple[Alerts, Alerts, Alerts]] = {
    "critical drift mutes the model's drift warnings, not its job warnings": (
        [("DriftboardModelDrift", 0)],
        [("DriftboardFeatureDrift", 0), ("DriftboardDataQuality", 0)],
        # Dead features, schema changes and low volume are likely the drift's cause: never muted by it.
        [("DriftboardPushFailing", 0), ("DriftboardFeatureDrift", 1), ("DriftboardFeatureDead", 0)],
    ),
    **{
        f"{source} mutes the model's drift alerts": (
            [(source, 0), (source, 1)],
            [
                ("DriftboardModelDrift", 0),
                ("DriftboardFeatureDrift", 1),
                ("DriftboardDataQuality", 1),
                ("DriftboardFeatureDead", 0),
                ("DriftboardSchemaChanged", 1),
                ("DriftboardLowVolume", 0),
            ],
            [("DriftboardModelDrift", 2)],
        )
        for source in ("DriftboardJobFailing", "DriftboardJobStale", "DriftboardMetricsAbsent")
    },
    "a down Pushgateway mutes every model's job alerts": (
        [("DriftboardPushgatewayDown", None)],
        [("DriftboardMetricsAbsent", 0), ("DriftboardJobStale", 1), ("DriftboardPushFailing", 2)],
        [("DriftboardFeatureDrift", 2)],
    ),
}


def post_alerts(stack: Stack, alerts: list[tuple[str, str]], ends_in: timedelta) -> None:
    now = datetime.now(UTC)
    http_json(
        f"{stack.alertmanager_url}/api/v2/alerts",
        "POST",
        [
            {
                "labels": {
                    "alertname": name,
                    "severity": SEVERITY[name],
                    **({"model": model} if model else {}),
                },
                "annotations": {"summary": f"e2e {name}"},
                "startsAt": now.isoformat(),
                "endsAt": (now + ends_in).isoformat(),
            }
            for name, model in alerts
        ],
    )


def am_alert(stack: Stack, alertname: str, model: str) -> dict[str, Any]:
    found = stack.alertmanager_alerts(alertname=alertname, **({"model": model} if model else {}))
    return found[0] if found else {"status": {}}


def all_active(stack: Stack, alerts: list[tuple[str, str]]) -> list[dict[str, Any]] | None:
    found = [am_alert(stack, *alert) for alert in alerts]
    return found if all(a["status"].get("state") == "active" for a in found) else None


@pytest.mark.parametrize("case", list(INHIBITIONS))
def test_inhibit_rule(alerting_stack: Stack, case: str) -> None:
    stack, models = alerting_stack, [unique(f"inh{i}") for i in range(3)]  # codespell:ignore
    sources, targets, controls = (
        [(name, "" if i is None else models[i]) for name, i in group] for group in INHIBITIONS[case]
    )
    post_alerts(stack, sources, timedelta(minutes=5))
    try:
        found = wait_until(
            functools.partial(all_active, stack, sources), NOTIFY_TIMEOUT, "sources active in Alertmanager"
        )
        source_fingerprints = {a["fingerprint"] for a in found}
        post_alerts(stack, targets + controls, timedelta(minutes=5))
        for name, model in controls:
            wait_until(
                functools.partial(notifications_about, stack, name, model),
                NOTIFY_TIMEOUT,
                f"control {name} of {model} delivered",
            )
        for name, model in targets:
            status = am_alert(stack, name, model)["status"]
            assert status.get("state") == "suppressed", (name, model, status)
            assert status["inhibitedBy"], (name, model, status)
            assert set(status["inhibitedBy"]) <= source_fingerprints, (name, model, status)
        assert_stays_empty(
            lambda: [t for t in targets if notifications_about(stack, *t)],
            1.0,
            "an inhibited alert was delivered",
        )
    finally:
        post_alerts(stack, sources + targets + controls, timedelta(0))  # resolve them all
