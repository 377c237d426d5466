"""Annotation queries on PostgreSQL and Prometheus, which the SDK models only for Grafana's own.

The SDK types an annotation's `target` as the built-in datasource's tag filter and has no
fields for Prometheus's title/text/tag templates. These subclasses add what Grafana 11
reads, and nothing else, so the rest of the SDK (encoding, `from_json`) keeps working.
"""

from typing import Self

from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.models import dashboard as dm

from driftboard.dashboards.common import POSTGRES, PROMETHEUS
from driftboard.dashboards.sqlquery import SqlQuery


class _SqlTarget(dm.AnnotationTarget):
    """A SQL annotation's target is a plain SQL query returning time, text and tags."""

    def __init__(self, query: SqlQuery) -> None:
        super().__init__(limit=100)  # what Grafana's editor saves; only its own datasource reads them
        self.query = query

    def to_json(self) -> dict[str, object]:
        # The built-in target's fields too: Grafana's dashboard schema requires them here.
        return {**super().to_json(), **self.query.to_json()}


class _PromAnnotation(dm.AnnotationQuery):
    def __init__(self, name: str, colour: str, expr: str, templates: tuple[str, str, str]) -> None:
        super().__init__(name=name, datasource=PROMETHEUS, enable=True, icon_color=colour, expr=expr)
        self.title_format, self.text_format, self.tag_keys = templates

    def to_json(self) -> dict[str, object]:
        # Grafana's Prometheus annotation support reads these beside `expr`.
        extra = {"titleFormat": self.title_format, "textFormat": self.text_format, "tagKeys": self.tag_keys}
        return {**super().to_json(), **extra, "step": "60s", "useValueForTime": False}


class _Built(cogbuilder.Builder[dm.AnnotationQuery]):
    def __init__(self, annotation: dm.AnnotationQuery) -> None:
        self._annotation = annotation

    def build(self) -> dm.AnnotationQuery:
        return self._annotation

    def hidden(self) -> Self:
        self._annotation.enable = False
        return self


def sql_annotation(name: str, colour: str, raw_sql: str) -> _Built:
    """`raw_sql` returns columns time, text and tags (a comma-separated string)."""
    query = SqlQuery(raw_sql=raw_sql.strip(), format_val="table", ref_id="Anno", datasource=POSTGRES)
    return _Built(
        dm.AnnotationQuery(
            name=name, datasource=POSTGRES, enable=True, icon_color=colour, target=_SqlTarget(query)
        )
    )


def prom_annotation(name: str, colour: str, expr: str, title: str, text: str, tag_keys: str) -> _Built:
    """One annotation per series; title and text are legend templates like "{{alertname}}"."""
    return _Built(_PromAnnotation(name, colour, expr, (title, text, tag_keys)))
