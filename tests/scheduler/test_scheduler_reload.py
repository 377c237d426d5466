"""SIGHUP: an added spec starts, a removed one stops, a changed one takes its new schedule,
and a broken one is reported while its previous version keeps running."""

import re
import signal
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from driftboard.store import connect, schema
from tests.support.databases import create_pg_database, drop_pg_database
from tests.support.schedproc import Scheduler, runs, spec_text, wait_for, write_data

pytestmark = [pytest.mark.slow, pytest.mark.postgres]  # a scheduler process, reloaded with SIGHUP


def test_sighup_reloads_added_removed_changed_and_broken_specs(tmp_path: Path) -> None:
    url = create_pg_database()
    engine = connect.make_engine(url)
    schema.upgrade(engine)
    data = tmp_path / "data"
    write_data(data)
    jobs = tmp_path / "jobs"
    jobs.mkdir()
    for model in ("kept", "removed", "changed"):
        (jobs / f"{model}.yaml").write_text(spec_text(model, "4s", data))
    sched = None
    try:
        sched = Scheduler(jobs, url, tmp_path / "scheduler.log")
        wait_for(
            "a window of each model",
            lambda: all(runs(engine, m) for m in ("kept", "removed", "changed")),
            120,
        )
        (jobs / "kept.yaml").write_text(
            spec_text("kept", "4s", data).replace("interval: 4s", "interval: banana")
        )
        (jobs / "removed.yaml").unlink()
        (jobs / "changed.yaml").write_text(spec_text("changed", "5s", data))
        (jobs / "added.yaml").write_text(spec_text("added", "4s", data))
        sched.signal(signal.SIGHUP)
        reloaded = datetime.now(UTC)
        wait_for("the reload", lambda: len(sched.lines("jobs loaded")) == 2 or sched.exited())

        def settled() -> bool:
            kept = [r for r in runs(engine, "kept") if r["window_end"] > reloaded]
            changed = [
                r
                for r in runs(engine, "changed")
                if r["window_end"] - r["window_start"] == timedelta(seconds=5)
            ]
            return bool(kept) and bool(changed) and len(runs(engine, "added")) >= 2

        wait_for("kept, changed and added to run after the reload", settled, 120)
        info = {
            m: sched.metric("driftboard_scheduler_job_info", model=m)
            for m in ("kept", "removed", "changed", "added")
        }
        assert sched.stop() == 0
        removed_ends = [r["window_end"] for r in runs(engine, "removed")]
    finally:
        if sched:
            sched.kill_group()
        engine.dispose()
        drop_pg_database(url)
    problems = sched.lines("invalid job spec")
    assert any("kept.yaml" in line and re.search(r"schedule\.interval", line) for line in problems)
    assert any("keeping the previous version of 'kept'" in line for line in problems)
    assert max(removed_ends) <= reloaded  # nothing of it was planned after the reload
    assert info == {"kept": 1, "removed": None, "changed": 1, "added": 1}


def test_a_spec_typo_never_stops_the_scheduler(tmp_path: Path) -> None:
    """Issue 21's reproduction: a blank timezone used to raise a TypeError that killed the
    scheduler on SIGHUP, and kept it from starting at all. It is reported and skipped."""
    url = create_pg_database()
    engine = connect.make_engine(url)
    schema.upgrade(engine)
    data, jobs = tmp_path / "data", tmp_path / "jobs"
    write_data(data)
    jobs.mkdir()
    (jobs / "good.yaml").write_text(spec_text("good", "2s", data))
    typo = spec_text("typo", "2s", data).replace(
        "schedule: {interval: 2s}", 'schedule: {cron: "* * * * *", timezone: }'
    )
    started: list[Scheduler] = []
    try:
        first = Scheduler(jobs, url, tmp_path / "first.log")
        started.append(first)
        wait_for("a window of the good model", lambda: bool(runs(engine, "good")), 120)
        (jobs / "typo.yaml").write_text(typo)
        first.signal(signal.SIGHUP)
        wait_for("the reload", lambda: len(first.lines("jobs loaded")) == 2 or first.exited())
        assert first.metric("driftboard_job_spec_problems") == 1
        assert first.stop() == 0
        second = Scheduler(jobs, url, tmp_path / "second.log")  # starts with the typo present
        started.append(second)
        done = len(runs(engine, "good"))
        wait_for("the good model to go on", lambda: len(runs(engine, "good")) > done or second.exited(), 120)
        assert second.stop() == 0
    finally:
        for sched in started:
            sched.kill_group()
        engine.dispose()
        drop_pg_database(url)
    for sched in started:
        problems = sched.lines("invalid job spec")
        assert any("typo.yaml" in line and "the timezone is blank" in line for line in problems), problems
