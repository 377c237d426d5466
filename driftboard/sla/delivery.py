"""The weekly SLA summary, delivered by the scheduler when DRIFTBOARD_SLA_REPORTS_DIR is set.

Daily (and once at start) it rewrites last ISO week's report in every format, so labels
that landed since improve it, and posts its Markdown to the Slack webhook once per week: a
`<name>.posted` file beside the report records the post, so a failed post is retried the
next day and a restart never posts twice.
"""

import json
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from apscheduler.triggers.cron import CronTrigger
from sqlalchemy import Engine
from sqlalchemy.exc import SQLAlchemyError

from driftboard import outbound
from driftboard.errors import describe_db_error
from driftboard.settings import Settings
from driftboard.sla import report

log = logging.getLogger(__name__)
JOB_ID = "driftboard:sla-weekly"  # model names cannot contain ':', so no spec's job clashes
DAILY = CronTrigger(hour=6, minute=7, timezone=UTC)  # Monday's run is the week's first
SLACK_TEXT_MAX = 39_000  # Slack truncates a message's text at 40,000 characters


class PostError(RuntimeError):
    """The webhook did not take the post; the message never holds the URL (a secret)."""


@dataclass(frozen=True)
class Delivery:
    written: list[Path]
    posted: bool  # posted to Slack by this call


def daily(engine: Engine, settings: Settings) -> None:
    """The scheduler's job: a failure is logged (never the webhook URL) and retried tomorrow."""
    try:
        done = deliver(engine, settings)
    except SQLAlchemyError as exc:
        log.error("weekly SLA report not delivered", extra={"error": describe_db_error(exc)})
        return
    except (OSError, PostError, report.ReportError) as exc:
        log.error("weekly SLA report not delivered", extra={"error": str(exc)})
        return
    names = ", ".join(p.name for p in done.written)
    log.info("weekly SLA report written", extra={"files": names, "posted": done.posted})


def deliver(engine: Engine, settings: Settings, now: datetime | None = None) -> Delivery:
    assert settings.sla_reports_dir is not None, "the job is only scheduled with a folder"
    written = report.deliver_weekly(engine, settings.sla_reports_dir, now)
    url = settings.sla_slack_webhook()
    marker = written[0].with_suffix(".posted")
    if url is None or marker.exists():
        return Delivery(written, posted=False)
    markdown = next(p for p in written if p.suffix == ".md").read_text(encoding="utf-8")
    post(url, slack_text(markdown, written[0]))
    marker.write_text(datetime.now(UTC).isoformat(), encoding="utf-8")
    return Delivery(written, posted=True)


def slack_text(markdown: str, html: Path) -> str:
    if len(markdown) <= SLACK_TEXT_MAX:
        return markdown
    return markdown[:SLACK_TEXT_MAX] + f"\n… (cut; the whole report: {html.name})"


def post(url: str, text: str) -> None:
    """Retried (outbound.retried): a webhook's brief hiccup costs no week's post."""
    body = json.dumps({"text": text}).encode()
    try:
        _post_once(url, body)
    except outbound.OutboundError as exc:  # its reason never repeats the URL
        raise PostError(f"Slack webhook unreachable{outbound.tries(exc)}: {exc}") from None


@outbound.retried
def _post_once(url: str, body: bytes) -> None:
    outbound.call(url, "POST", body, {"Content-Type": "application/json"}, deadline=10)
