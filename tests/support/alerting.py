"""What the alerting tests share: the capture server's matchers, the alerting config's links,
the example job under a unique model name (drift from 2026-01-02 in three known features),
and an alert's own expression evaluated by the real Prometheus."""

import uuid
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from driftboard.prometheus import rules
from tests.support.realstack import ALERTING, Stack, wait_until
from tests.support.repo import REPO

CONFIG = rules.load_config(ALERTING / "config.yml")
GRAFANA, RUNBOOK = CONFIG["links"]["grafana_url"], CONFIG["links"]["runbook_url"]
NOTIFY_TIMEOUT = 15  # seen: 1.2-1.7 s from push to delivery
DRIFTED_AT, CLEAN_AT = "2026-01-02T18:00:00Z", "2026-01-01T18:00:00Z"
# The hour before DRIFTED_AT: its 12-hour window lies in the drift too, so running it first
# makes DRIFTED_AT's run the second critically drifted run in a row, the one that pages.
EARLIER_DRIFTED_AT = "2026-01-02T17:00:00Z"


def slack_about(model: str, status: str) -> Callable[[Any], bool]:
    return lambda body: (
        body["attachments"][0]["title"].startswith(f"[{status}")
        and body["attachments"][0]["title"].endswith(f" for model {model}")
    )


def pagerduty_about(model: str, action: str) -> Callable[[Any], bool]:
    return lambda body: body["event_action"] == action and body["payload"]["custom_details"]["model"] == model


def example_job(tmp_path: Path, **alerts: Any) -> tuple[Path, str]:
    """The example spec under a unique model name, with absolute data paths."""
    spec = yaml.safe_load((REPO / "jobs" / "example-churn.yaml").read_text())
    spec["model"] = f"e2e-{uuid.uuid4().hex[:8]}"
    for side in ("reference", "current"):
        spec[side]["path"] = str((REPO / "jobs" / spec[side]["path"]).resolve())
    spec["alerts"] = alerts
    path = tmp_path / "job.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path, spec["model"]


def alert_expr(name: str) -> str:
    """The generated rule's PromQL expression of alert `name`."""
    generated = yaml.safe_load((ALERTING / "rules" / "driftboard.yml").read_text())
    return str(next(r["expr"] for g in generated["groups"] for r in g["rules"] if r.get("alert") == name))


def alert_now(stack: Stack, name: str, model: str, ready: str) -> list[dict[str, Any]]:
    """What alert `name`'s expression returns for `model` once Prometheus holds `ready` (a
    PromQL query that returns something only after the run under test was scraped and the
    recording rules evaluated): a deterministic check of quiet and firing, with no waiting
    for something not to happen."""
    wait_until(lambda: stack.query(ready), NOTIFY_TIMEOUT, f"{ready} in Prometheus")
    return [r["metric"] for r in stack.query(alert_expr(name)) if r["metric"].get("model") == model]
