"""The text of the generated alerts: the Alert record and the Go templates their annotations
use to print the pushed values (driftboard.prometheus.rules assembles them into rules)."""

from typing import NamedTuple

# Every run pushes it, failed or not, so it marks a reporting model even when a failed
# run's push carries no drift series: the default thresholds hang off it.
ANCHOR = "driftboard_run_last_run_timestamp_seconds"
RATIO, SCORE, PCT = 'printf "%.2f"', 'printf "%.3g"', "humanizePercentage"
TIME, DUR, NUM, COUNT = "humanizeTimestamp", "humanizeDuration", 'printf "%g"', 'printf "%.0f"'


class Alert(NamedTuple):
    expr: str
    summary: str
    description: str
    dashboard: str  # opened on the alert's model (and feature); its uid is under `dashboards:`
    variables: tuple[str, ...] = ("model",)


def value_of(promql: str, fmt: str, args: str = "$labels.model") -> str:
    """Go template printing the first value of a query (`promql` is a printf format fed
    `args`), or nothing when the query returns nothing."""
    query = f'printf "{promql}" {args} | query'
    return f"{{{{ with {query} }}}}{{{{ . | first | value | {fmt} }}}}{{{{ end }}}}"


def model_value(metric: str, fmt: str) -> str:
    return value_of(f"{metric}{{model=%q}}", fmt)


def feature_value(metric: str, fmt: str) -> str:
    return value_of(f"{metric}{{model=%q,feature=%q}}", fmt, "$labels.model $labels.feature")


def level(name: str, fmt: str) -> str:
    return model_value(f"driftboard:alert_{name}", fmt)


WINDOW = f"run window ending {model_value('driftboard_run_window_end_timestamp_seconds', TIME)}"
STATTEST_SCORE = (
    '{{ with printf "driftboard_feature_drift_score{model=%q,feature=%q}" $labels.model '
    "$labels.feature | query }}{{ with first . }}{{ .Labels.stattest }} score "
    f"{{{{ .Value | {SCORE} }}}}{{{{ end }}}}{{{{ end }}}}"
)
DRIFTED_FEATURES = (
    '{{ range $i, $s := printf "sort_desc(max by (feature) (driftboard_feature_drift_ratio'
    '{model=%q}) >= 1)" $labels.model | query }}{{ if $i }}, {{ end }}{{ $s.Labels.feature }} '
    f"({{{{ $s.Value | {RATIO} }}}}){{{{ end }}}}"
)
UNSEEN = (
    '{{ with printf "driftboard_feature_unseen_categories_ratio{model=%q,feature=%q}" '
    f"$labels.model $labels.feature | query }}}}; unseen categories in {{{{ . | first | value | "
    f"{PCT} }}}} of the rows (warns above {level('unseen_categories_ratio', PCT)}){{{{ end }}}}"
)
