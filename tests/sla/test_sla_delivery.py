"""The weekly SLA summary the scheduler delivers: last ISO week written in every format, its
Markdown posted to Slack once (the capture server stands in for Slack), a failed post retried
the next day, and the webhook URL, a secret, never in a log line."""

import logging
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import Engine

from driftboard.settings import Settings
from driftboard.sla import delivery
from tests.support.realstack import CaptureServer, free_port
from tests.support.schedproc import Scheduler, wait_for
from tests.support.sla_history import T0

SECRET_PATH = "/services/T000/B000/s3cr3t-token"
WEDNESDAY = T0 + timedelta(days=10, hours=15)  # 2026-02-11; last full week: Mon 2 – Mon 9 Feb


@pytest.fixture
def slack() -> Iterator[CaptureServer]:
    server = CaptureServer()
    yield server
    server.close()


def settings(folder: Path, **webhook: object) -> Settings:
    return Settings(sla_reports_dir=folder, **webhook)  # type: ignore[arg-type]


def test_the_week_is_written_and_posted_once(
    sla_engine: Engine, slack: CaptureServer, tmp_path: Path
) -> None:
    config = settings(tmp_path / "sla", sla_slack_webhook_url=slack.url(SECRET_PATH))
    first = delivery.deliver(sla_engine, config, WEDNESDAY)
    assert [p.name for p in first.written] == ["sla-2026-W06.html", "sla-2026-W06.md", "sla-2026-W06.json"]
    assert first.posted
    (post,) = slack.requests
    assert post.path == SECRET_PATH
    assert post.body == {"text": (tmp_path / "sla" / "sla-2026-W06.md").read_text(encoding="utf-8")}
    again = delivery.deliver(sla_engine, config, WEDNESDAY + timedelta(days=1))  # the next day's job
    assert not again.posted
    assert len(slack.requests) == 1
    assert (tmp_path / "sla" / "sla-2026-W06.posted").is_file()


def test_the_webhook_can_come_from_a_file(sla_engine: Engine, slack: CaptureServer, tmp_path: Path) -> None:
    secret = tmp_path / "webhook"
    secret.write_text(slack.url(SECRET_PATH) + "\n")
    assert delivery.deliver(
        sla_engine, settings(tmp_path / "sla", sla_slack_webhook_file=secret), WEDNESDAY
    ).posted
    assert [r.path for r in slack.requests] == [SECRET_PATH]


def test_without_a_webhook_the_reports_are_only_written(sla_engine: Engine, tmp_path: Path) -> None:
    done = delivery.deliver(sla_engine, settings(tmp_path / "sla"), WEDNESDAY)
    assert not done.posted
    assert all(p.stat().st_size > 0 for p in done.written)


@pytest.mark.slow  # the dead webhook is retried with back-off: ~4 s
def test_a_failed_post_is_logged_without_the_url_and_retried_next_time(
    sla_engine: Engine, slack: CaptureServer, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    dead = f"http://127.0.0.1:{free_port()}{SECRET_PATH}"
    with caplog.at_level(logging.INFO, logger="driftboard.sla.delivery"):
        delivery.daily(sla_engine, settings(tmp_path / "sla", sla_slack_webhook_url=dead))
    (record,) = [r for r in caplog.records if r.getMessage() == "weekly SLA report not delivered"]
    assert record.error.startswith("Slack webhook unreachable")  # type: ignore[attr-defined]
    assert "s3cr3t" not in caplog.text
    assert not list((tmp_path / "sla").glob("*.posted"))
    delivery.daily(sla_engine, settings(tmp_path / "sla", sla_slack_webhook_url=slack.url(SECRET_PATH)))
    assert len(slack.requests) == 1
    assert len(list((tmp_path / "sla").glob("*.posted"))) == 1


@pytest.mark.slow
def test_the_scheduler_delivers_at_start(fresh_store: str, slack: CaptureServer, tmp_path: Path) -> None:
    (jobs := tmp_path / "jobs").mkdir()
    secret = tmp_path / "webhook"
    secret.write_text(slack.url(SECRET_PATH))
    sched = Scheduler(
        jobs, fresh_store, tmp_path / "log", sla_reports_dir=str(tmp_path / "sla"),
        sla_slack_webhook_file=str(secret),
    )  # fmt: skip
    try:
        wait_for("the weekly post", lambda: slack.requests)
        wait_for("the log line", lambda: sched.lines("weekly SLA report written"))
    finally:
        sched.kill_group()
    assert len(list((tmp_path / "sla").glob("sla-*.md"))) == 1
    assert "s3cr3t" not in (tmp_path / "log").read_text()
