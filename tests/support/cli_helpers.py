"""Run the `driftboard` command in-process against a chosen store."""

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from typer.testing import CliRunner

from driftboard.cli import app
from driftboard.settings import get_settings
from driftboard.store import connect
from driftboard.store.models import FeatureResult, Run


@dataclass
class Result:
    code: int
    stdout: str
    stderr: str

    def json(self) -> Any:
        return json.loads(self.stdout)


def invoke(args: list[str], env: dict[str, str]) -> Result:
    get_settings.cache_clear()  # settings are read once per process; tests change them
    try:
        result = CliRunner().invoke(app, args, env=env, catch_exceptions=False)
    finally:
        get_settings.cache_clear()
    return Result(result.exit_code, result.stdout, result.stderr)


def store_env(url: str, tmp_path: Path) -> dict[str, str]:
    return {"DRIFTBOARD_DATABASE_URL": url, "DRIFTBOARD_REPORTS_DIR": str(tmp_path / "reports")}


def counts(url: str) -> tuple[int, int]:
    engine = connect.make_engine(url)
    with engine.connect() as conn:
        runs = conn.scalar(select(func.count()).select_from(Run))
        features = conn.scalar(select(func.count()).select_from(FeatureResult))
    engine.dispose()
    return int(runs or 0), int(features or 0)


def runs(url: str) -> list[dict[str, Any]]:
    engine = connect.make_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(select(Run).order_by(Run.id)).mappings().all()
    engine.dispose()
    return [dict(r) for r in rows]
