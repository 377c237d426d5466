"""`driftboard backfill`: every window in range, resumable, idempotent, on SQLite by default."""

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest
from sqlalchemy import delete, select
from typer.testing import CliRunner

from driftboard.cli import app
from driftboard.settings import get_settings
from driftboard.store import connect
from driftboard.store.models import Run
from tests.support.alerting import (
    DRIFTED_AT,
    EARLIER_DRIFTED_AT,
    NOTIFY_TIMEOUT,
    example_job,
    pagerduty_about,
)
from tests.support.cli_helpers import invoke, runs, store_env
from tests.support.realstack import PAGERDUTY_PATH, Stack, http_json, wait_until

DAY = datetime(2026, 3, 1, tzinfo=UTC)
START, END = "2026-03-01T00:00:00Z", "2026-03-01T03:00:00Z"  # three hourly windows


@pytest.fixture
def spec_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(1)
    pd.DataFrame({"x": rng.normal(size=200), "y": rng.normal(size=200)}).to_csv(
        tmp_path / "ref.csv", index=False
    )
    stamps = [DAY + timedelta(minutes=5 * i) for i in range(12 * 6)]  # six hours, 12 rows each
    current = pd.DataFrame(
        {"ts": [t.isoformat() for t in stamps], "x": rng.normal(size=72), "y": rng.normal(size=72)}
    )
    current.to_csv(tmp_path / "cur.csv", index=False)
    path = tmp_path / "hourly.yaml"
    path.write_text(
        "model: hourly\nschedule: {cron: '0 * * * *'}\ntimestamp_column: ts\n"
        "reference: {path: ref.csv}\ncurrent: {path: cur.csv}\ncolumns: {numerical: [x, y]}\n"
    )
    return path


@pytest.fixture
def store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    url = f"sqlite:///{tmp_path / 'bf.db'}"
    monkeypatch.setenv("DRIFTBOARD_DATABASE_URL", url)
    monkeypatch.setenv("DRIFTBOARD_KEEP_REPORTS", "none")
    get_settings.cache_clear()
    yield url
    get_settings.cache_clear()


def backfill(spec: Path, *extra: str, start: str = START, end: str = END) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["backfill", str(spec), "--start", start, "--end", end, *extra])
    return result.exit_code, result.output


def rows(url: str) -> dict[datetime, tuple[int, str]]:
    engine = connect.make_engine(url)
    with engine.connect() as conn:
        found = {
            end: (id_, status)
            for id_, end, status in conn.execute(select(Run.id, Run.window_end, Run.status))
        }
    engine.dispose()
    return found


def test_every_window_in_range_then_resume_then_force(spec_file: Path, store: str) -> None:
    code, output = backfill(spec_file)
    assert code == 0, output
    assert "3 succeeded, 0 failed, 0 already succeeded" in output
    assert "3/3" in output
    assert "windows/s" in output
    first = rows(store)
    assert sorted(first) == [DAY + timedelta(hours=h) for h in (1, 2, 3)]
    engine = connect.make_engine(store)
    with engine.begin() as conn:  # as if interrupted before the last window
        conn.execute(delete(Run).where(Run.window_end == DAY + timedelta(hours=3)))
    engine.dispose()
    code, output = backfill(spec_file)
    assert "1 succeeded, 0 failed, 2 already succeeded" in output
    resumed = rows(store)
    assert [resumed[DAY + timedelta(hours=h)] for h in (1, 2)] == [
        first[DAY + timedelta(hours=h)] for h in (1, 2)
    ]
    code, output = backfill(spec_file, "--force", start="2026-03-01T01:00:00Z", end="2026-03-01T02:00:00Z")
    assert (code, "1 succeeded, 0 failed, 0 already succeeded" in output) == (0, True)
    after = rows(store)
    assert set(after) == set(first)  # replaced in place: still one row per window
    assert after[DAY + timedelta(hours=2)][0] != resumed[DAY + timedelta(hours=2)][0]


def test_failed_windows_are_reported_and_set_the_exit_code(spec_file: Path, store: str) -> None:
    # Data stops at 06:00: the windows ending at 07:00 and 08:00 have no rows.
    code, output = backfill(spec_file, start="2026-03-01T05:00:00Z", end="2026-03-01T08:00:00Z")
    assert code == 1
    assert "1 succeeded, 2 failed" in output
    assert "no rows in window" in output
    assert sorted(status for _, status in rows(store).values()) == ["failed", "failed", "succeeded"]


def test_default_store_is_the_embedded_sqlite_file(
    spec_file: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)  # the default URL is sqlite:///driftboard.db, in the working dir
    monkeypatch.delenv("DRIFTBOARD_DATABASE_URL", raising=False)
    monkeypatch.setenv("DRIFTBOARD_KEEP_REPORTS", "none")
    get_settings.cache_clear()
    try:
        code, output = backfill(spec_file, start="2026-03-01T00:00:00Z", end="2026-03-01T01:00:00Z")
    finally:
        get_settings.cache_clear()
    assert (code, "1 succeeded" in output) == (0, True), output
    assert len(rows(f"sqlite:///{tmp_path / 'driftboard.db'}")) == 1


def group_of(stack: Stack, model: str) -> dict[str, Any]:
    """The model's group on the Pushgateway, as its API shows it (no scrape in between)."""
    groups = http_json(f"{stack.pushgateway_url}/api/v1/metrics")["data"]
    (group,) = [g for g in groups if g["labels"].get("model") == model]
    return dict(group)


def firing(stack: Stack, model: str) -> list[tuple[str, str, str]]:
    return sorted(
        (a["labels"]["alertname"], a["fingerprint"], a["startsAt"])
        for a in stack.alertmanager_alerts(model=model)
    )


def test_a_backfill_leaves_the_live_group_and_alertmanager_alone(
    alerting_stack: Stack, tmp_path: Path, sqlite_url: str
) -> None:
    stack, (job, model) = alerting_stack, example_job(tmp_path)
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_PUSHGATEWAY_URL": stack.pushgateway_url}
    for at in (EARLIER_DRIFTED_AT, DRIFTED_AT):  # the second critical run in a row pages
        assert invoke(["run", str(job), "--at", at], env).code == 0
    stack.capture.wait_for(PAGERDUTY_PATH, pagerduty_about(model, "trigger"), NOTIFY_TIMEOUT, "the page")
    live, alerts = group_of(stack, model), wait_until(lambda: firing(stack, model), NOTIFY_TIMEOUT, "alerts")

    # Clean windows of the day before: pushed, they would replace the group and resolve the page.
    start, end = "2026-01-01T16:00:00Z", "2026-01-01T18:00:00Z"
    done = invoke(["backfill", str(job), "--start", start, "--end", end], env)
    assert done.code == 0, done.stdout + done.stderr
    history = [r for r in runs(sqlite_url) if r["window_end"] < datetime(2026, 1, 2, tzinfo=UTC)]
    assert [(r["status"], r["n_drifted"], r["pushed_at"], r["push_error"]) for r in history] == [
        ("succeeded", 0, None, None)
    ] * 2

    # A canary pushed after the backfill pages once everything pushed before it went through.
    (tmp_path / "canary").mkdir()
    canary_job, canary = example_job(tmp_path / "canary")
    for at in (EARLIER_DRIFTED_AT, DRIFTED_AT):
        assert invoke(["run", str(canary_job), "--at", at], env).code == 0
    stack.capture.wait_for(PAGERDUTY_PATH, pagerduty_about(canary, "trigger"), NOTIFY_TIMEOUT, "the canary")
    assert group_of(stack, model) == live
    assert firing(stack, model) == alerts
    assert not stack.capture.find(PAGERDUTY_PATH, pagerduty_about(model, "resolve"))
