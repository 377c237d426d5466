"""`driftboard demo`: write the demo model's month, backfill it, and show what happened."""

from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from rich.progress import Progress
from sqlalchemy import Engine

from driftboard.demo import generate, ondisk
from driftboard.jobs.load import LoadedSpec, load_specs
from driftboard.scheduler import backfill
from driftboard.settings import Settings
from driftboard.store import connect, runs


@dataclass
class DemoResult:
    loaded: LoadedSpec
    story: generate.Story
    tally: backfill.Tally
    windows: int


def run_demo(
    folder: Path, end: datetime, settings: Settings, progress: Progress, pace: float = 0.0
) -> DemoResult:
    """Regenerate the month ending at `end` and recompute every window (force: a demo is a reset),
    waiting `pace` seconds after each so that a Prometheus scraping that often sees each one."""
    story = generate.story_ending(end)
    (loaded,) = load_specs([ondisk.write(story, folder)])
    connect.open_store(settings).dispose()  # schema first; the embedded SQLite migrates itself
    windows = backfill.windows_in(loaded, story.start, story.end)
    # An Evidently HTML report costs ~10 s against ~0.5 s for the scores: the month is scored
    # without them, then the last window is run again with the configured report policy.
    quiet = settings.model_copy(update={"keep_reports": "none"})
    tally = backfill.backfill(loaded, windows[:-1], quiet, force=True, progress=progress, pause=pace)
    last = backfill.backfill(loaded, windows[-1:], settings, force=True, progress=progress)
    return DemoResult(loaded, story, _merged(tally, last), len(windows))


def _merged(a: backfill.Tally, b: backfill.Tally) -> backfill.Tally:
    return backfill.Tally(
        a.succeeded + b.succeeded, a.failed + b.failed, a.already_done + b.already_done,
        a.retries + b.retries, a.failures + b.failures,
    )  # fmt: skip


def daily_grid(engine: Engine, story: generate.Story) -> dict[str, str]:
    """Per feature, one character per day: not scored (✗: all null or missing), drifted (█),
    null burst (▒), clean (·), no data ( ); a day shows its worst window."""
    marks: dict[str, list[str]] = {}
    for r in runs.feature_history(engine, generate.MODEL):
        day = (r.window_end - timedelta(microseconds=1) - story.start).days
        row = marks.setdefault(r.feature, [" "] * story.days)
        if 0 <= day < story.days:
            row[day] = max(row[day], _mark(r), key=" ·▒█✗".index)
    return {feature: "".join(row) for feature, row in sorted(marks.items())}


def _mark(r: runs.FeatureRow) -> str:
    if r.status != "ok":
        return "✗"
    return "█" if r.drift_detected else "▒" if (r.null_share or 0.0) > 0.2 else "·"


def write_sla_report(result: DemoResult, settings: Settings, folder: Path) -> Path:
    """The month's SLA summary as one self-contained HTML file next to the demo's data."""
    from driftboard.sla import report

    engine = connect.make_engine(settings.database_url.get_secret_value())
    request = report.Request(timedelta(days=result.story.days), result.story.end, [generate.MODEL], "html")
    path = folder / "sla-report.html"
    path.write_text(report.make(engine, request), encoding="utf-8")
    engine.dispose()
    return path


def summary(result: DemoResult, settings: Settings, sla_path: Path | None) -> list[str]:
    story, spec = result.story, result.loaded
    engine = connect.make_engine(settings.database_url.get_secret_value())
    grid = daily_grid(engine, story)
    engine.dispose()
    return [
        result.tally.summary(spec.spec.model, result.windows),
        f"\nDrift by day, {story.start:%Y-%m-%d} to {story.end:%Y-%m-%d}"
        " (█ drifted, ▒ nulls > 20 %, ✗ not scored: all null or missing, · clean):",
        *(f"  {feature:<24}{row}" for feature, row in grid.items()),
        f"\nThe story: {generate.DEAD_FEATURE} is all null on day 12 ({story.dead_day[0]:%Y-%m-%d}); "
        f"{', '.join(generate.DRIFTED)} drift from day 20 ({story.onset:%Y-%m-%d}); "
        f"{generate.NULL_BURST_FEATURE} loses half its values on day 25; "
        f"the {generate.DROPPED_COLUMN} column is dropped from day 28 ({story.dropped_from:%Y-%m-%d}).",
        "Where to look next:",
        f"  driftboard run {spec.path} --at {story.end.isoformat()}   # the last window, feature by feature",
        f"  Evidently report of the last window: {settings.reports_dir / spec.spec.model}/",
        *([f"  SLA report of the month: {sla_path}"] if sla_path else []),
        f"  Grafana (docker compose up -d): the Drift heatmap dashboard, model {generate.MODEL}",
    ]
