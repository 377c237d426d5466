"""The alert replay: from a model's stored runs, which alerts the generated rules would have
fired, when, for which features, and how many Slack messages and pages that makes a week
(`driftboard alerts replay`; docs/alert-replay.md).

Each run's state lands at its window's end (plus the spec's delay), as a scheduler keeping
up would push it; an alert fires from the first state it holds on until the first state it
does not (`ends_at` None: still firing at the end). Notifications follow
alerting/alertmanager.yml: grouped by alert and model, a model's drift and quality warnings
inhibited while one of its critical alerts fires or its job fails; a page is a critical group
starting to fire, a Slack message a warning group starting or changing, or resolving.
"""

from collections import Counter
from dataclasses import dataclass
from datetime import datetime

from driftboard.jobs.spec import JobSpec
from driftboard.prometheus import replayrules, replaystate
from driftboard.prometheus.replayrules import Firing
from driftboard.results import Evaluation

CRITICAL_INHIBITS = {"DriftboardFeatureDrift", "DriftboardDataQuality"}
FAILING_INHIBITS = set(replayrules.REPLAYED) - {"DriftboardJobFailing"}


@dataclass(frozen=True)
class Fired:
    alertname: str
    labels: dict[str, str]
    starts_at: datetime
    ends_at: datetime | None

    def to_json(self) -> dict[str, object]:
        end = self.ends_at.isoformat() if self.ends_at else None
        return {
            "alertname": self.alertname,
            "labels": self.labels,
            "starts_at": self.starts_at.isoformat(),
            "ends_at": end,
        }


@dataclass(frozen=True)
class Replay:
    fired: list[Fired]
    pages: Counter[str]  # ISO week ("2026-W07") -> pages
    slack: Counter[str]  # ISO week -> Slack messages


def timeline(spec: JobSpec, runs: list[Evaluation]) -> list[tuple[datetime, set[Firing]]]:
    """The firing alerts after each run, in order."""
    return [(step.at, replayrules.firing(step.samples, spec.model)) for step in replaystate.steps(spec, runs)]


def replay(spec: JobSpec, runs: list[Evaluation]) -> Replay:
    states = timeline(spec, runs)
    return Replay(_intervals(states), *_notifications(states))


def _intervals(states: list[tuple[datetime, set[Firing]]]) -> list[Fired]:
    open_: dict[Firing, datetime] = {}
    done: list[Fired] = []
    for at, alerts in states:
        for alert in set(open_) - alerts:
            done.append(_fired(alert, open_.pop(alert), at))
        for alert in alerts - set(open_):
            open_[alert] = at
    done += [_fired(alert, start, None) for alert, start in open_.items()]
    return sorted(done, key=lambda f: (f.starts_at, f.alertname, sorted(f.labels.items())))


def _fired(alert: Firing, start: datetime, end: datetime | None) -> Fired:
    name, labels = alert
    return Fired(name, dict(sorted(labels)), start, end)


def _delivered(alerts: set[Firing]) -> set[Firing]:
    """What Alertmanager lets through its inhibit rules (alerting/alertmanager.yml)."""
    critical = {dict(labels)["model"] for _, labels in alerts if dict(labels)["severity"] == "critical"}
    failing = {dict(labels)["model"] for name, labels in alerts if name == "DriftboardJobFailing"}

    def let_through(name: str, model: str) -> bool:
        return not (
            (name in CRITICAL_INHIBITS and model in critical)
            or (name in FAILING_INHIBITS and model in failing)
        )

    return {(name, labels) for name, labels in alerts if let_through(name, dict(labels)["model"])}


def _notifications(states: list[tuple[datetime, set[Firing]]]) -> tuple[Counter[str], Counter[str]]:
    """Per group, what it last announced: a new alert let through, or an announced one that
    resolved, sends a message; one that is only inhibited now stays announced, unsent."""
    pages: Counter[str] = Counter()
    slack: Counter[str] = Counter()
    announced: dict[tuple[str, str, str], set[Firing]] = {}
    for at, alerts in states:
        week = "{}-W{:02d}".format(*at.isocalendar()[:2])
        delivered = _delivered(alerts)
        for key in announced.keys() | {_group(a) for a in alerts}:
            firing = {a for a in alerts if _group(a) == key}
            before = announced.get(key, set())
            new, resolved = (firing & delivered) - before, before - firing
            if key[2] == "critical":
                pages[week] += bool(new) and not before  # later changes update the same incident
            else:
                slack[week] += bool(new or resolved)
            announced[key] = (before & firing) | (firing & delivered)
    return pages, slack


def _group(alert: Firing) -> tuple[str, str, str]:
    labels = dict(alert[1])
    return alert[0], labels["model"], labels["severity"]
