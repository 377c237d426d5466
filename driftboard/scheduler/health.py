"""/healthz: the scheduler is running and its store answers, checked afresh on each request."""

from sqlalchemy import create_engine, text
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.pool import NullPool

from driftboard.errors import describe_db_error


class StoreHealth:
    def __init__(self, url: str) -> None:
        # A new connection per check (no pool): a pooled one could hide a store that is gone,
        # and a short connect timeout keeps a probe from hanging on an unresponsive host.
        postgres = url.startswith("postgresql")
        self.engine = create_engine(
            url, poolclass=NullPool, connect_args={"connect_timeout": 3} if postgres else {}
        )

    def database(self) -> str:
        try:
            with self.engine.connect() as conn:
                conn.execute(text("SELECT 1"))
        except SQLAlchemyError as exc:
            return describe_db_error(exc)
        return "ok"

    def check(self, running: bool) -> tuple[bool, dict[str, str]]:
        database = self.database()
        return running and database == "ok", {
            "scheduler": "running" if running else "stopped",
            "database": database,
        }

    def close(self) -> None:
        self.engine.dispose()
