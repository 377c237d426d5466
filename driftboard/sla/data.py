"""Run the SLA queries over one period and return plain rows: what the report renders."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Connection, Engine, bindparam, select, text

from driftboard.sla import queries
from driftboard.store.models import MonitoredModel, UTCDateTime

Row = dict[str, Any]
QUERIES: dict[str, Callable[[queries.Dialect, queries.Period], str]] = {
    "summary": queries.summary,
    "reasons": queries.reasons,
    "incidents": queries.incidents,
    "worst_features": queries.worst_features,
    "heatmap": queries.heatmap,
}
# Result columns holding timestamps: SQLite returns its stored text for computed columns.
TIMES = ("onset", "detected_at", "alerted_at", "ended_at")


@dataclass(frozen=True)
class Span:
    """The period (start, end], and the moment that decides which windows are due."""

    start: datetime
    end: datetime
    now: datetime


def registered(engine: Engine) -> list[str]:
    with engine.connect() as conn:
        return list(conn.scalars(select(MonitoredModel.model).order_by(MonitoredModel.model)))


def statement(sql: str, name: str) -> Any:
    when = UTCDateTime()
    clause = text(sql).bindparams(
        bindparam("models", expanding=True), bindparam("start", type_=when), bindparam("end", type_=when)
    )
    return clause.columns(**dict.fromkeys(TIMES, when)) if name == "incidents" else clause


def plain(row: Row) -> Row:
    """Decimal (PostgreSQL numeric) as float, so both backends give the same Python values."""
    return {k: float(v) if isinstance(v, Decimal) else v for k, v in row.items()}


def fetch(engine: Engine, span: Span, models: list[str] | None = None) -> dict[str, list[Row]]:
    """Every query's rows for the models (default: every registered model)."""
    dialect = queries.DIALECTS[engine.dialect.name]
    params = {"start": span.start, "end": span.end, "now": span.now.timestamp()}
    params["models"] = models if models is not None else registered(engine)
    if not params["models"]:
        return {name: [] for name in QUERIES}
    with engine.connect() as conn:
        return {
            name: rows(conn, name, build(dialect, queries.BOUND), params) for name, build in QUERIES.items()
        }


def rows(conn: Connection, name: str, sql: str, params: dict[str, Any]) -> list[Row]:
    return [plain(dict(r)) for r in conn.execute(statement(sql, name), params).mappings()]
