"""Helpers of the dashboard tests: where things are, and running a dashboard query."""

from typing import Any

from sqlalchemy import Engine

from tests.support.dashboard_history import RANGE
from tests.support.grafana_macros import QueryRange, Value, expand_sql
from tests.support.repo import REPO

GENERATED = REPO / "dashboards" / "generated"
PASSWORD = "test-only-grafana-password"


class Result:
    def __init__(self, columns: list[str], rows: list[tuple[Any, ...]]) -> None:
        self.columns, self.rows = columns, rows

    def column(self, name: str) -> list[Any]:
        index = self.columns.index(name)
        return [row[index] for row in self.rows]

    def dicts(self) -> list[dict[str, Any]]:
        return [dict(zip(self.columns, row, strict=True)) for row in self.rows]


def run_sql(engine: Engine, sql: str, variables: dict[str, Value], rng: QueryRange = RANGE) -> Result:
    """A dashboard query expanded like Grafana does it, then run."""
    # A DBAPI cursor without parameters sends the text untouched (no ":name" binds, no "%"
    # formatting by SQLAlchemy or psycopg2): PostgreSQL gets it as Grafana would send it.
    raw = engine.raw_connection()
    try:
        cursor = raw.cursor()
        cursor.execute(expand_sql(sql, variables, rng))
        columns = [d[0] for d in cursor.description or []]
        return Result(columns, [tuple(row) for row in cursor.fetchall()])
    finally:
        raw.close()  # back to the pool, which rolls back
