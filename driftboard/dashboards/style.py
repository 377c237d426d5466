"""How panels look and link: thresholds, colours, table columns, links between dashboards."""

from typing import Any

from grafana_foundation_sdk.builders import dashboard as db
from grafana_foundation_sdk.models import dashboard as dm

from driftboard.colours import ratio_scale
from driftboard.dashboards.common import LEVELS

TIME_RANGE = "${__url_time_range}"
REPORT = "${reports_url}/${__data.fields.report_path}"  # on a table with a report_path column


def thresholds(base: str, *steps: tuple[float, str]) -> db.ThresholdsConfig:
    levels = [dm.Threshold(value=None, color=base)] + [dm.Threshold(value=v, color=c) for v, c in steps]
    return db.ThresholdsConfig().mode(dm.ThresholdsMode.ABSOLUTE).steps(levels)


def ratio_thresholds() -> db.ThresholdsConfig:
    """driftboard.colours' scale, which `driftboard history` and the HTML drift report share."""
    base, *steps = ratio_scale()
    return thresholds(base.colour, *((s.start, s.colour) for s in steps if s.start is not None))


def share_thresholds() -> db.ThresholdsConfig:
    return thresholds("green", (1e-9, "yellow"), (LEVELS.drift_share_critical_ratio, "red"))


def by_threshold() -> db.FieldColor:
    return db.FieldColor().mode(dm.FieldColorModeId.THRESHOLDS)


def text_colours(colours: dict[str, str]) -> list[dm.ValueMapping]:
    return [
        dm.ValueMap(
            options={k: dm.ValueMappingResult(color=c, index=i) for i, (k, c) in enumerate(colours.items())}
        )
    ]


# The heatmap's cells of features a run could not score: below every drift ratio (never
# negative), each mapped to its own word and colour, apart from the ratio scale's colours.
SKIPPED_CELL, ERROR_CELL = -1, -2


def dead_cells() -> list[dm.ValueMapping]:
    return [
        dm.ValueMap(
            options={
                str(SKIPPED_CELL): dm.ValueMappingResult(text="skipped", color="#8e8e8e", index=0),
                str(ERROR_CELL): dm.ValueMappingResult(text="error", color="purple", index=1),
            }
        )
    ]


STATUS_COLOURS = {
    "ok": "green",
    "warning": "yellow",
    "critical": "red",
    "stale": "purple",
    "failing": "orange",
}


def link(title: str, url: str, new_tab: bool = False) -> db.DashboardLink:
    return db.DashboardLink(title).url(url).target_blank(new_tab)


def dashboard_url(uid: str, *params: str) -> str:
    """A link into another driftboard dashboard that keeps the current time range."""
    return f"/d/{uid}?" + "&".join([*params, TIME_RANGE])


# A table column's overrides; short names for the properties we set most.
Override = tuple[str, list[dm.DynamicConfigValue]]
_PROPERTY_IDS = {"display": "displayName", "cell": "custom.cellOptions", "width": "custom.width"}


def link_column(name: str, title: str, url: str, new_tab: bool = False, **props: Any) -> Override:
    """A table column whose cells link to `url` (which may use ${__data.fields.<column>})."""
    return column(name, links=[{"title": title, "url": url, "targetBlank": new_tab}], **props)


def column(name: str, **props: Any) -> Override:
    """Field overrides for one table column, e.g. column("share", unit=PERCENT)."""
    return name, [dm.DynamicConfigValue(id_val=_PROPERTY_IDS.get(k, k), value=v) for k, v in props.items()]
