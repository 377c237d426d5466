"""`driftboard report sla` and the weekly delivery: period in, rendered report out."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import Engine

from driftboard.jobs.durations import format_duration
from driftboard.sla import data, document, render


class ReportError(ValueError):
    """The report cannot be made as asked; the message says why."""


@dataclass(frozen=True)
class Request:
    period: timedelta
    end: datetime
    models: list[str] | None = None  # None: every registered model
    fmt: render.Format = "html"


def check_models(engine: Engine, wanted: list[str] | None) -> list[str]:
    known = data.registered(engine)
    unknown = sorted(set(wanted or []) - set(known))
    if unknown:
        listed = ", ".join(known) or "none yet: a model registers with its first run"
        raise ReportError(f"no SLA data for {', '.join(unknown)} (models: {listed})")
    return list(wanted) if wanted else known


def label(period: timedelta) -> str:
    """'30d' rather than format_duration's '4w2d': periods are read in days."""
    days, rest = divmod(period, timedelta(days=1))
    return f"{days}d" if days and not rest else format_duration(period)


def make(engine: Engine, request: Request) -> str:
    """The report of (end − period, end]; windows count once due by the time of the call."""
    models = check_models(engine, request.models)
    span = data.Span(request.end - request.period, request.end, datetime.now(UTC))
    doc = document.build(data.fetch(engine, span, models), span, label(request.period))
    return render.render(doc, request.fmt)


def last_week(now: datetime | None = None) -> tuple[datetime, str]:
    """The end of the last full ISO week (Monday 00:00 UTC) and its name, e.g. sla-2026-W06."""
    today = (now or datetime.now(UTC)).astimezone(UTC).replace(hour=0, minute=0, second=0, microsecond=0)
    end = today - timedelta(days=today.weekday())
    year, week, _ = (end - timedelta(days=1)).isocalendar()
    return end, f"sla-{year}-W{week:02d}"


def deliver_weekly(engine: Engine, folder: Path, now: datetime | None = None) -> list[Path]:
    """The last full ISO week (Monday 00:00 UTC to Monday 00:00 UTC) in every format, written as
    <folder>/sla-<year>-W<week>.<ext>; for a scheduler job or cron. Re-running rewrites them."""
    end, name = last_week(now)
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for fmt in render.FORMATS:
        path = folder / f"{name}.{fmt}"
        path.write_text(make(engine, Request(timedelta(days=7), end, None, fmt)), encoding="utf-8")
        written.append(path)
    return written
