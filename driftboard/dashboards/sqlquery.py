"""The PostgreSQL datasource's query, which grafana-foundation-sdk has no builder for.

This follows the SDK's documented extension mechanism: a `Dataquery` variant with
`to_json`/`from_json`, a builder, and a registration so `Dashboard.from_json` reads our
generated JSON back into this class instead of an opaque `UnknownDataquery`.
"""

from typing import Any, Literal, Self

from grafana_foundation_sdk.cog import builder as cogbuilder
from grafana_foundation_sdk.cog import runtime as cogruntime
from grafana_foundation_sdk.cog import variants as cogvariants
from grafana_foundation_sdk.models import dashboard

PLUGIN_ID = "grafana-postgresql-datasource"  # Grafana 10+; older versions used "postgres"
SqlFormat = Literal["table", "time_series"]


class SqlQuery(cogvariants.Dataquery):
    """A raw-SQL target: what Grafana's code editor saves for the PostgreSQL datasource."""

    def __init__(
        self,
        raw_sql: str = "",
        format_val: SqlFormat = "table",
        ref_id: str = "",
        datasource: dashboard.DataSourceRef | None = None,
    ) -> None:
        self.raw_sql = raw_sql
        self.format_val = format_val
        self.ref_id = ref_id
        self.datasource = datasource

    def to_json(self) -> dict[str, object]:
        payload: dict[str, object] = {
            "rawSql": self.raw_sql,
            "format": self.format_val,
            # Both flags tell Grafana's editor to show the SQL as written, not the builder.
            "rawQuery": True,
            "editorMode": "code",
            "refId": self.ref_id,
        }
        if self.datasource is not None:
            payload["datasource"] = self.datasource
        return payload

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Self:
        ref = data.get("datasource")
        return cls(
            raw_sql=data.get("rawSql", ""),
            format_val=data.get("format", "table"),
            ref_id=data.get("refId", ""),
            datasource=dashboard.DataSourceRef.from_json(ref) if ref is not None else None,
        )


class Sql(cogbuilder.Builder[SqlQuery]):
    """Fluent builder in the SDK's style: `Sql(ds).raw_sql("...").ref_id("A")`."""

    def __init__(self, datasource: dashboard.DataSourceRef) -> None:
        self._internal = SqlQuery(datasource=datasource)

    def build(self) -> SqlQuery:
        return self._internal

    def raw_sql(self, sql: str) -> Self:
        self._internal.raw_sql = sql.strip()
        return self

    def format(self, format_val: SqlFormat) -> Self:
        self._internal.format_val = format_val
        return self

    def ref_id(self, ref_id: str) -> Self:
        self._internal.ref_id = ref_id
        return self


def register() -> None:
    """Teach the SDK's runtime to decode targets of our plugin id (idempotent)."""
    cogruntime.register_dataquery_variant(
        cogruntime.DataqueryConfig(identifier=PLUGIN_ID, from_json_hook=SqlQuery.from_json)
    )
