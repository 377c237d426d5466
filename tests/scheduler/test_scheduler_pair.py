"""Two scheduler processes on one PostgreSQL store: every window runs exactly once."""

import time
from datetime import timedelta
from pathlib import Path

import pytest

from driftboard.store import connect, schema
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.schedproc import (
    Scheduler,
    consecutive,
    runs,
    spec_text,
    stored_per_window,
    wait_for,
    window_key,
    write_data,
)

pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # two scheduler processes on one database

MODELS = ("p", "q")


def test_two_schedulers_run_every_window_exactly_once(tmp_path: Path) -> None:
    url = create_pg_database()
    engine = connect.make_engine(url)
    schema.upgrade(engine)
    write_data(tmp_path / "data")
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    for model in MODELS:
        (jobs / f"{model}.yaml").write_text(spec_text(model, "2s", tmp_path / "data"))
    pair: list[Scheduler] = []
    try:
        pair.append(Scheduler(jobs, url, tmp_path / "scheduler1.log"))
        # Two ticks later, while the first is still importing Evidently: each starts from its
        # own "current window", and the window between them must not be lost.
        time.sleep(4.5)
        pair.append(Scheduler(jobs, url, tmp_path / "scheduler2.log"))
        wait_for("5 windows of each model", lambda: all(len(runs(engine, m)) >= 5 for m in MODELS), 120)
        assert [s.stop() for s in pair] == [0, 0]
        for model in MODELS:
            rows = runs(engine, model)
            assert consecutive(rows, timedelta(seconds=2)), [row["window_end"] for row in rows]
            stored = stored_per_window(*pair, model=model)
            assert stored == {window_key(row): 1 for row in rows}, stored  # each computed by one of them
    finally:
        for sched in pair:
            sched.kill_group()
        engine.dispose()
        drop_pg_database(url)
