"""Alerts on the data itself rather than its drift: dead features, schema changes, low volume.

One incident reaches people once: a declared column that is dropped, or whose new type
cannot be scored, is DriftboardFeatureDead's (per feature); DriftboardSchemaChanged covers
only what leaves every feature scored (added columns, a declared column's new type that
still converts).
"""

from driftboard.prometheus.ruletext import COUNT, PCT, WINDOW, Alert, level, model_value, value_of

DEAD = 'driftboard_feature_status{status!="ok"}'
# In a template's printf "...": quotes escaped for Go.
STILL_SCORED_DTYPES = (
    "max by (model, feature) (driftboard_feature_dtype_changed{model=%q}) "
    'unless on (model, feature) driftboard_feature_status{model=%q,status!=\\"ok\\"}'
)
ADDED = value_of('driftboard_run_schema_changes{model=%q,change=\\"added\\"}', COUNT)
DTYPE_CHANGES = (
    f'{{{{ with printf "{STILL_SCORED_DTYPES}" $labels.model $labels.model | query }}}}; declared '
    "columns whose type changed (still scored): {{ range $i, $s := . }}{{ if $i }}, {{ end }}"
    "{{ $s.Labels.feature }}{{ end }}{{ end }}"
)
REASONS = (
    "missing: dropped from the current data; all_null: no value in the window; wrong_type: "
    "values that are not of the declared type; duplicated: the column appears twice; "
    "reference: the reference data lacks it or has no value of it; test_failed: the drift "
    "test failed on it"
)

DATA_ALERTS = {
    "DriftboardFeatureDead": Alert(
        f"max by (model, feature, status, reason) ({DEAD}) == 1\n",
        "Feature {{ $labels.feature }} of model {{ $labels.model }} could not be scored "
        "({{ $labels.reason }})",
        f"In the {WINDOW} the feature was {{{{ $labels.status }}}}, reason class "
        f"{{{{ $labels.reason }}}} ({REASONS}). Neither drift nor data quality of it is judged "
        "while it is dead; the run's stored reason says exactly why (`driftboard history`, "
        "the heatmap's cells).",
        "heatmap",
    ),
    "DriftboardSchemaChanged": Alert(
        "# A dropped declared column, or a new type that cannot be scored, is\n"
        "# DriftboardFeatureDead's: each incident reaches people once.\n"
        'max by (model) (driftboard_run_schema_changes{change="added"}) > 0\nor on (model)\n'
        "count by (model) (\n  max by (model, feature) (driftboard_feature_dtype_changed)\n"
        f"  unless on (model, feature) {DEAD}\n)\n",
        "The schema of model {{ $labels.model }}'s current data changed",
        f"In the {WINDOW}: {ADDED} columns the spec does not declare appeared{DTYPE_CHANGES}. "
        "The run's schema_changes name them all (`driftboard run --json`, the heatmap's runs table).",
        "heatmap",
    ),
    "DriftboardLowVolume": Alert(
        'max by (model) (driftboard_run_rows{dataset="current"})\n  < on (model)\n'
        "driftboard:alert_low_volume_ratio\n  * on (model) max by (model) (driftboard_run_expected_rows)\n",
        'The latest window of model {{ $labels.model }} holds only {{ $value | printf "%.0f" }} rows',
        f"In the {WINDOW}: {{{{ $value | {COUNT} }}}} rows against a median of "
        f"{model_value('driftboard_run_expected_rows', COUNT)} in the model's recent windows "
        f"(warns under {level('low_volume_ratio', PCT)} of it). A partial load, a new filter or "
        "a lost partition upstream; the drift scores of a thin window are noisy.",
        "job_health",
    ),
}
