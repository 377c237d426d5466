"""The drift heatmap's view of dead features and schema changes (DriftboardFeatureDead,
DriftboardSchemaChanged): which features went unscored in the range and why, and each run's
schema changes as columns of its runs table."""

from grafana_foundation_sdk.builders import table

from driftboard.dashboards import common as c
from driftboard.dashboards import style as s

# runs.schema_changes is {"missing": [..], "added": [..], "dtype_changed": {name: {..}}}.
SCHEMA_COLUMNS = """(SELECT string_agg(m, ', ') FROM json_array_elements_text(schema_changes -> 'missing') m)
         AS missing_columns,
       (SELECT string_agg(a, ', ') FROM json_array_elements_text(schema_changes -> 'added') a)
         AS added_columns,
       (SELECT string_agg(d, ', ') FROM json_object_keys(schema_changes -> 'dtype_changed') d)
         AS dtype_changed"""

UNSCORED = f"""
SELECT feature, status, count(*) AS runs, min(window_end) AS first_run, max(window_end) AS last_run,
       (array_agg(reason ORDER BY window_end DESC))[1] AS latest_reason
FROM feature_results
WHERE model {c.in_var("model")} AND feature {c.in_var("feature")} AND $__timeFilter(window_end)
  AND status <> 'ok'
GROUP BY feature, status
ORDER BY last_run DESC, feature"""

FEATURE_ROW = s.dashboard_url(
    c.UID_FEATURE, "${model:queryparam}", "var-feature=${__data.fields.feature:percentencode}"
)
CELL_COLOURS = {"skipped": "#8e8e8e", "error": "purple"}


def unscored() -> table.Panel:
    return (
        table.Panel()
        .title("Features not scored")
        .description(
            "Per feature and status in the range: the runs that could not score it (the heatmap's "
            "'skipped' and 'error' cells), the first and last of them, and the latest run's reason."
        )
        .with_target(c.sql(UNSCORED))
        .unit(c.COUNT)
        .span(24)
        .height(6)
        .override_by_name(*s.link_column("feature", "Drill down: ${__data.fields.feature}", FEATURE_ROW))
        .override_by_name(*s.column("status", unit=c.TEXT, mappings=s.text_colours(CELL_COLOURS)))
        .override_by_name(*s.column("first_run", unit=c.TIME))
        .override_by_name(*s.column("last_run", unit=c.TIME))
        .override_by_name(*s.column("latest_reason", unit=c.TEXT, display="latest reason"))
    )
