"""What every dashboard shares: datasources, queries, variables, units and alert levels."""

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.builders import prometheus, timeseries
from grafana_foundation_sdk.models import common as cm
from grafana_foundation_sdk.models import dashboard as dm
from grafana_foundation_sdk.models.prometheus import PromQueryFormat

from driftboard import alertconfig
from driftboard.dashboards.sqlquery import PLUGIN_ID, Sql, SqlFormat
from driftboard.reports.server import DEFAULT_PORT, MOUNT

# Fixed uids: provisioning/datasources/driftboard.yaml creates exactly these, and the
# generated JSON refers to nothing else, so a dashboard never depends on a Grafana's ids.
POSTGRES_UID = "driftboard-postgres"
PROMETHEUS_UID = "driftboard-prometheus"
ALERTMANAGER_UID = "driftboard-alertmanager"
# Grafana's alerting pages pick an external Alertmanager by datasource *name*.
ALERTMANAGER_NAME = "Driftboard Alertmanager"
POSTGRES = dm.DataSourceRef(type_val=PLUGIN_ID, uid=POSTGRES_UID)
PROMETHEUS = dm.DataSourceRef(type_val="prometheus", uid=PROMETHEUS_UID)
DATASOURCE_UIDS = {POSTGRES_UID: PLUGIN_ID, PROMETHEUS_UID: "prometheus", ALERTMANAGER_UID: "alertmanager"}

# Fixed uids, from alerting/config.yml's `dashboards:`, which alert links open too.
CONFIG = alertconfig.load()
UID_OVERVIEW, UID_HEATMAP, UID_FEATURE = (
    CONFIG.dashboards.overview,
    CONFIG.dashboards.heatmap,
    CONFIG.dashboards.feature,
)
UID_JOB_HEALTH, UID_SLA = CONFIG.dashboards.job_health, CONFIG.dashboards.sla
UID_PERFORMANCE = CONFIG.dashboards.performance

# alerting/config.yml's default alert levels. SQL panels judge each model by its own levels
# (sla_models); static colour steps cannot differ per model, so they use these.
LEVELS = CONFIG.thresholds

# Grafana unit ids (packages/grafana-data/src/valueFormats/categories.ts).
PERCENT, SECONDS, COUNT, RATIO, TEXT, TIME = "percentunit", "s", "short", "none", "string", "dateTimeAsIso"

DEFAULT_REPORTS_URL = f"http://localhost:{DEFAULT_PORT}{MOUNT}"


def in_var(name: str) -> str:
    """`IN (...)` of a variable's values, each quoted by Grafana as a SQL string literal."""
    return f"IN (${{{name}:sqlstring}})"


def sql(text: str, fmt: SqlFormat = "table", ref: str = "A") -> Sql:
    return Sql(POSTGRES).raw_sql(text).format(fmt).ref_id(ref)


def promql(expr: str, legend: str, ref: str = "A", instant: bool = False) -> prometheus.Dataquery:
    # Datasource and refId must be explicit: the SDK leaves both empty otherwise.
    query = prometheus.Dataquery().expr(expr).legend_format(legend).ref_id(ref).datasource(PROMETHEUS)
    return query.instant().format(PromQueryFormat.TABLE) if instant else query.range()


# Multi-value variables start at "All": Grafana then sends every option's value (no allValue
# is set on purpose, so `IN (...)` always lists real, quoted values).
ALL = dm.VariableOption(selected=True, text="All", value="$__all")


def sql_series(title: str, description: str, query: str, unit: str, width: int = 12) -> timeseries.Panel:
    """A time series from one SQL query over stored runs or windows, a point for each."""
    return (
        timeseries.Panel()
        .title(title)
        .description(description)
        .with_target(sql(query, "time_series"))
        .unit(unit)
        .show_points(cm.VisibilityMode.ALWAYS)  # one point per run or window: show each
        .span(width)
        .height(8)
    )


def model_variable(multi: bool) -> db.QueryVariable:
    return _query_variable("model", "Model", "SELECT DISTINCT model FROM runs ORDER BY 1", multi)


def feature_variable() -> db.QueryVariable:
    # Only features the selected models reported in the time range: a renamed column
    # drops out of the list instead of offering an empty drill-down.
    query = (
        f"SELECT DISTINCT feature FROM feature_results WHERE model {in_var('model')} "
        "AND $__timeFilter(window_end) ORDER BY 1"
    )
    return _query_variable("feature", "Feature", query, True).refresh(
        dm.VariableRefresh.ON_TIME_RANGE_CHANGED
    )


def _query_variable(name: str, label: str, query: str, multi: bool) -> db.QueryVariable:
    variable = (
        db.QueryVariable(name)
        .label(label)
        .datasource(POSTGRES)
        .query(query)
        .refresh(dm.VariableRefresh.ON_DASHBOARD_LOAD)
        .sort(dm.VariableSort.ALPHABETICAL_ASC)
        .multi(multi)
        .include_all(multi)
        .allow_custom_value(False)
    )
    return variable.current(ALL) if multi else variable  # a single value starts at the first option


def reports_url_variable() -> db.TextBoxVariable:
    # A text box, not a constant: the report server's address differs per deployment
    # and can then be fixed from the URL (?var-reports_url=...). It only ever reaches links.
    current = dm.VariableOption(text=DEFAULT_REPORTS_URL, value=DEFAULT_REPORTS_URL)
    variable = db.TextBoxVariable("reports_url").label("Reports URL")
    return variable.default_value(DEFAULT_REPORTS_URL).current(current)


def base(uid: str, title: str, description: str) -> db.Dashboard:
    return (
        db.Dashboard(title)
        .uid(uid)
        .description(description)
        .tags(["driftboard"])
        .time("now-7d", "now")
        .timezone("utc")  # windows and report names are UTC; local time would shift the cells
        .refresh("5m")
        .tooltip(dm.DashboardCursorSync.CROSSHAIR)
        .link(db.DashboardLink("Drift overview").url(f"/d/{UID_OVERVIEW}").keep_time(True).icon("dashboard"))
    )
