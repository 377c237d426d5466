"""The alert replay: which alerts the generated rules fire over stored runs, when, with what
notifications, and the same as Prometheus's own rule engine (promtool) on the same series."""

import re
from datetime import timedelta
from pathlib import Path

import pytest
import yaml

from driftboard.prometheus.replay import CRITICAL_INHIBITS, FAILING_INHIBITS, replay
from tests.support.promreplay import check
from tests.support.replay_story import SPEC, START, story
from tests.support.repo import REPO


def _spans(name: str) -> list[tuple[int, int | None]]:
    """(first run, run it resolved at) of each firing of `name`, as run indexes."""
    index = {START + timedelta(hours=6 * (k + 1)): k for k in range(12)}
    return [
        (index[f.starts_at], index[f.ends_at] if f.ends_at else None)
        for f in replay(SPEC, story()).fired
        if f.alertname == name
    ]


def test_model_drift_pages_after_two_critical_runs_and_resolves_after_a_good_one() -> None:
    assert _spans("DriftboardModelDrift") == [(6, 8)]  # the failed run 7 leaves the drift series


def test_feature_drift_warns_after_three_drifted_runs() -> None:
    fired = [f for f in replay(SPEC, story()).fired if f.alertname == "DriftboardFeatureDrift"]
    assert [(f.labels["feature"], f.labels["severity"]) for f in fired] == [("x", "warning")]
    assert _spans("DriftboardFeatureDrift") == [(4, 8)]


def test_quality_dead_volume_and_failing_fire_on_their_runs() -> None:
    assert _spans("DriftboardJobFailing") == [(7, 8)]
    assert _spans("DriftboardDataQuality") == [(9, 10)]
    assert _spans("DriftboardFeatureDead") == [(10, 11)]
    assert _spans("DriftboardLowVolume") == [(11, None)]  # still firing at the end


def test_notifications_follow_alertmanagers_grouping_and_inhibition() -> None:
    found = replay(SPEC, story())
    assert dict(found.pages) == {"2026-W10": 1}
    # FeatureDrift's start (run 4) and resolve (8; inhibited meanwhile, so nothing at 6),
    # JobFailing's start and resolve, DataQuality's, FeatureDead's, LowVolume's start.
    assert sum(found.slack.values()) == 9


def test_json_has_one_object_per_firing() -> None:
    first = replay(SPEC, story()).fired[0].to_json()
    assert first == {
        "alertname": "DriftboardFeatureDrift",
        "labels": {
            "alertname": "DriftboardFeatureDrift",
            "feature": "x",
            "model": "test-model",
            "severity": "warning",
        },
        "starts_at": "2026-03-03T06:00:00+00:00",
        "ends_at": "2026-03-04T06:00:00+00:00",
    }


@pytest.mark.prometheus_stack  # promtool
def test_prometheus_fires_the_same_on_the_same_series(tmp_path: Path) -> None:
    result = check(SPEC, story(), tmp_path)
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]


def test_the_inhibitions_are_alertmanagers() -> None:
    """The replay's inhibit sets are read off alerting/alertmanager.yml's rules."""
    config = yaml.safe_load((REPO / "alerting" / "alertmanager.yml").read_text())
    targets = {}
    for rule in config["inhibit_rules"]:
        source = " ".join(rule["source_matchers"])
        names = re.search(r'alertname=~"([^"]+)"', " ".join(rule["target_matchers"]))
        assert names is not None
        targets[source] = set(names[1].split("|"))
    assert targets['severity="critical" model=~".+"'] == CRITICAL_INHIBITS
    failing = next(v for k, v in targets.items() if "DriftboardJobFailing" in k)
    assert failing == FAILING_INHIBITS
