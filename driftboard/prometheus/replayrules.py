"""The generated alert rules (alerting/rules/driftboard.yml), evaluated in Python on what the
Pushgateway holds after one run: the same series, comparisons and label sets, so a replay
fires as Prometheus does (tests/prometheus/test_replay.py checks it against promtool's rule
engine over the demo month). Levels are the recording rules' driftboard:alert_*: the pushed
override, else alerting/config.yml's default.

Replayed: the alerts a model's results decide. Not replayed: JobStale, MetricsAbsent and the
push and Pushgateway alerts, which depend on wall-clock time and the stack's health.
"""

from collections.abc import Iterator

from driftboard import alertconfig
from driftboard.prometheus.replaystate import Series

Labels = frozenset[tuple[str, str]]
Firing = tuple[str, Labels]  # alertname, labels (severity included)
State = dict[Series, float]
REPLAYED = (
    "DriftboardModelDrift",
    "DriftboardFeatureDrift",
    "DriftboardDataQuality",
    "DriftboardFeatureDead",
    "DriftboardSchemaChanged",
    "DriftboardLowVolume",
    "DriftboardJobFailing",
)


def series(state: State, name: str, **match: str) -> Iterator[tuple[dict[str, str], float]]:
    for (found, labels), value in state.items():
        as_dict = dict(labels)
        if found == name and all(as_dict.get(k) == v for k, v in match.items()):
            yield as_dict, value


def by(state: State, name: str, keys: tuple[str, ...], **match: str) -> dict[tuple[str, ...], float]:
    """`max by (keys) (name{match})`."""
    out: dict[tuple[str, ...], float] = {}
    for labels, value in series(state, name, **match):
        key = tuple(labels.get(k, "") for k in keys)
        out[key] = max(out.get(key, value), value)
    return out


def level(state: State, model: str, field: str) -> float:
    pushed = by(state, alertconfig.override_metric(alertconfig.LEVELS[field]), ("model",)).get((model,))
    return pushed if pushed is not None else alertconfig.load().default(field)


def firing(state: State, model: str) -> set[Firing]:
    """Every replayed alert firing on this state (for: 0s, as alerting/config.yml sets them)."""
    severity = {name: alert.severity for name, alert in alertconfig.load().alerts.items()}
    found: set[tuple[str, tuple[tuple[str, str], ...]]] = set()
    for check in (_model_drift, _feature_drift, _data_quality, _dead, _schema, _volume, _failing):
        found |= {(name, tuple(labels)) for name, labels in check(state, model)}
    return {(n, frozenset({*labels, ("alertname", n), ("severity", severity[n])})) for n, labels in found}


Found = Iterator[tuple[str, list[tuple[str, str]]]]


def _model_drift(state: State, model: str) -> Found:
    runs = by(state, "driftboard_model_drift_consecutive_runs", ("model",), model=model).get((model,))
    share = by(state, "driftboard_run_drifted_features_ratio", ("model",), model=model).get((model,))
    if (runs is not None and runs >= level(state, model, "model_drift_runs")) or (
        share is not None and share >= level(state, model, "drift_share_severe")
    ):
        yield "DriftboardModelDrift", [("model", model)]


def _feature_drift(state: State, model: str) -> Found:
    runs = by(state, "driftboard_feature_drift_consecutive_runs", ("model", "feature"), model=model)
    for (_, feature), value in runs.items():
        if value >= level(state, model, "feature_drift_runs"):
            yield "DriftboardFeatureDrift", [("model", model), ("feature", feature)]


def _data_quality(state: State, model: str) -> Found:
    keys = ("model", "feature")
    nulls = by(state, "driftboard_feature_null_ratio", keys, model=model)
    ref = by(state, "driftboard_feature_reference_null_ratio", keys, model=model)
    unseen = by(state, "driftboard_feature_unseen_categories_ratio", keys, model=model)
    rise = {
        k
        for k in nulls.keys() & ref.keys()
        if nulls[k] - ref[k] >= level(state, model, "null_ratio_increase")
    }
    new = {k for k, v in unseen.items() if v > level(state, model, "unseen_categories_ratio")}
    for _, feature in rise | new:
        yield "DriftboardDataQuality", [("model", model), ("feature", feature)]


def _dead(state: State, model: str) -> Found:
    keys = ("model", "feature", "status", "reason")
    for (_, feature, status, reason), value in by(
        state, "driftboard_feature_status", keys, model=model
    ).items():
        if status != "ok" and value == 1:
            yield (
                "DriftboardFeatureDead",
                [("model", model), ("feature", feature), ("status", status), ("reason", reason)],
            )


def _schema(state: State, model: str) -> Found:
    added = by(state, "driftboard_run_schema_changes", ("model",), model=model, change="added").get(
        (model,), 0
    )
    changed = by(state, "driftboard_feature_dtype_changed", ("model", "feature"), model=model)
    dead = {
        labels["feature"]
        for labels, _ in series(state, "driftboard_feature_status", model=model)
        if labels["status"] != "ok"
    }
    if added > 0 or any(feature not in dead for _, feature in changed):
        yield "DriftboardSchemaChanged", [("model", model)]


def _volume(state: State, model: str) -> Found:
    rows = by(state, "driftboard_run_rows", ("model",), model=model, dataset="current").get((model,))
    expected = by(state, "driftboard_run_expected_rows", ("model",), model=model).get((model,))
    if (
        rows is not None
        and expected is not None
        and rows < level(state, model, "low_volume_ratio") * expected
    ):
        yield "DriftboardLowVolume", [("model", model)]


def _failing(state: State, model: str) -> Found:
    if by(state, "driftboard_run_success", ("model",), model=model).get((model,)) == 0:
        yield "DriftboardJobFailing", [("model", model)]
