"""The worker's window: a failure worth retrying is stored only by its last attempt, and a bug
in the evaluation is stored as a failed run instead of escaping (so no firing repeats it)."""

import socket
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.spec import JobSpec
from driftboard.jobs.window import Window
from driftboard.run import evaluate as evaluate_module
from driftboard.scheduler import worker
from driftboard.scheduler.retry import TransientError
from driftboard.settings import Settings
from tests.support.cli_helpers import runs
from tests.support.databases import migrated

END = datetime(2026, 3, 1, tzinfo=UTC)
WINDOW = Window(END - timedelta(hours=1), END)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _unreachable_source(tmp_path: Path) -> LoadedSpec:
    url = f"postgresql+psycopg2://postgres@127.0.0.1:{_closed_port()}/x"
    source = {"sql": {"url": url, "query": "SELECT 1"}}
    spec = {
        "model": "w",
        "schedule": {"interval": "1h"},
        "timestamp_column": "ts",
        "reference": source,
        "current": source,
        "columns": {"numerical": ["x"]},
    }
    return LoadedSpec(tmp_path / "w.yaml", JobSpec.model_validate(spec))


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    url = migrated(f"sqlite:///{tmp_path / 'w.db'}")
    return Settings(database_url=SecretStr(url), reports_dir=tmp_path / "reports", keep_reports="none")


def test_a_retryable_failure_is_stored_by_the_last_attempt_only(tmp_path: Path, settings: Settings) -> None:
    loaded = _unreachable_source(tmp_path)
    with pytest.raises(TransientError, match="source database unavailable"):
        worker.compute(loaded, WINDOW, settings, "r1", final=False)
    url = settings.database_url.get_secret_value()
    assert runs(url) == []  # nothing stored: the next attempt may succeed
    result = worker.compute(loaded, WINDOW, settings, "r1", final=True)
    assert result.status == "failed"
    assert [(r["status"], r["error"]) for r in runs(url)] == [("failed", result.error)]


def test_a_crash_in_the_evaluation_is_stored_as_a_failed_run(
    tmp_path: Path, settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object) -> None:
        raise ZeroDivisionError("a bug")

    monkeypatch.setattr(evaluate_module, "evaluate", crash)
    result = worker.compute(_unreachable_source(tmp_path), WINDOW, settings, "r2", final=False)
    assert result.status == "failed"
    assert result.error == "unexpected error: ZeroDivisionError: a bug"
    assert [r["status"] for r in runs(settings.database_url.get_secret_value())] == ["failed"]
