"""The scheduler's late-rows job in a worker: a count of replaced windows, or the store's
problem as one plain error that crosses the process boundary (the scheduler logs it)."""

from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import SecretStr

from driftboard.jobs.load import load_spec
from driftboard.jobs.window import Window
from driftboard.scheduler import worker
from driftboard.settings import Settings
from tests.support.databases import migrated
from tests.support.helpers import WINDOW_END, write_job

NEWEST = Window(WINDOW_END - timedelta(hours=1), WINDOW_END)


def _settings(url: str, tmp_path: Path) -> Settings:
    return Settings(database_url=SecretStr(url), cache_dir=tmp_path / "cache")


def test_nothing_stored_yet_replaces_nothing(tmp_path: Path) -> None:
    loaded = load_spec(write_job(tmp_path, late_windows=3))
    url = migrated(f"sqlite:///{tmp_path / 'd.db'}")
    assert worker.recheck_late(loaded, NEWEST, _settings(url, tmp_path)) == 0


def test_an_unusable_store_is_one_plain_error(tmp_path: Path) -> None:
    loaded = load_spec(write_job(tmp_path, late_windows=1))
    url = f"sqlite:///{tmp_path / 'missing' / 'd.db'}"
    with pytest.raises(RuntimeError, match=r"^results database: "):
        worker.recheck_late(loaded, NEWEST, _settings(url, tmp_path))
