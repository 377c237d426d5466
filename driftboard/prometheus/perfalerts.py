"""The alert on model performance from delayed labels (docs/performance.md).

The labels refresh counts the newest labelled windows in a row that missed labels.threshold
(driftboard.store.performance_state) and pushes the spec's severity on the series: a warning
(alerting/config.yml's) unless labels.severity says critical, so the rule takes its severity
from the series rather than from the config.
"""

from driftboard.prometheus.ruletext import NUM, PCT, SCORE, TIME, Alert, model_value, value_of

PERFORMANCE = "driftboard_performance{model=%q,metric=%q}"
MODEL_METRIC = "$labels.model $labels.metric"
LABELLED_WINDOW = model_value("driftboard_performance_window_end_timestamp_seconds", TIME)
ESTIMATED = (
    '{{ with printf "driftboard_performance_estimated{model=%q,metric=%q}" $labels.model $labels.metric '
    "| query }} The estimate from the scores of the newest window is "
    f"{{{{ . | first | value | {SCORE} }}}}.{{{{ end }}}}"
)

PERFORMANCE_ALERTS = {
    "DriftboardPerformanceDegraded": Alert(
        "max by (model, metric, severity) (driftboard_performance_degraded_windows)\n"
        "  >= on (model) group_left ()\nmax by (model) (driftboard_performance_alert_windows)\n",
        "Performance of model {{ $labels.model }} is below its threshold: {{ $labels.metric }}",
        f"{{{{ $labels.metric }}}} is {value_of(PERFORMANCE, SCORE, MODEL_METRIC)} in the labelled window "
        f"ending {LABELLED_WINDOW} ({model_value('driftboard_performance_labelled_ratio', PCT)} labelled) "
        f"against threshold {model_value('driftboard_performance_threshold', SCORE)}: "
        "{{ $value }} labelled windows in a row, firing from "
        f"{model_value('driftboard_performance_alert_windows', NUM)}.{ESTIMATED}",
        "performance",
        severity="{{ $labels.severity }}",
    ),
}
