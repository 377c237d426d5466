"""The alerts Prometheus has firing now (its /api/v1/alerts), for `driftboard status`."""

import json
from dataclasses import dataclass

from driftboard import outbound


class AlertsUnavailable(RuntimeError):
    """Prometheus did not answer, or not with its alerts API's JSON."""


@dataclass(frozen=True)
class Firing:
    name: str
    severity: str
    model: str | None  # None: about the whole stack (e.g. DriftboardPushgatewayDown)
    feature: str | None
    summary: str


def firing_alerts(prometheus_url: str, timeout: float = 5.0) -> list[Firing]:
    """Every alert in state `firing` (not `pending`), by model, name and feature."""
    url = prometheus_url.rstrip("/") + "/api/v1/alerts"
    try:
        alerts = json.loads(outbound.call(url, deadline=timeout).body)["data"]["alerts"]
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise AlertsUnavailable(f"Prometheus at {prometheus_url} gave no alerts: {_why(exc)}") from None
    found = [_firing(a) for a in alerts if a.get("state") == "firing"]
    return sorted(found, key=lambda f: (f.model or "", f.name, f.feature or ""))


def _firing(alert: dict[str, dict[str, str]]) -> Firing:
    labels, notes = alert.get("labels", {}), alert.get("annotations", {})
    return Firing(
        labels.get("alertname", "?"),
        labels.get("severity", ""),
        labels.get("model"),
        labels.get("feature"),
        notes.get("summary", "").strip(),
    )


def _why(exc: Exception) -> str:
    return str(getattr(exc, "reason", None) or exc) or type(exc).__name__
