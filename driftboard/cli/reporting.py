"""Output for people: SLA reports, the Grafana dashboards, the demo."""

import os
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from driftboard.cli.options import (
    EndOption,
    ModelArgument,
    PeriodOption,
    app,
    err,
    examples,
    fail,
    load_settings,
    parse_at,
)
from driftboard.errors import StoreError

if TYPE_CHECKING:  # the commands import their modules lazily, to start fast
    from driftboard.sla.report import Request

report_app = typer.Typer(no_args_is_help=True, help="Reports for people.")
app.add_typer(report_app, name="report")
dashboards_app = typer.Typer(no_args_is_help=True, help="Grafana dashboards as code.")
app.add_typer(dashboards_app, name="dashboards")


@report_app.command("sla")
def report_sla(
    period: Annotated[str, typer.Option(help="Length of the period, e.g. 7d, 30d, 4w.")] = "30d",
    model: Annotated[list[str] | None, typer.Option(help="Only this model (repeatable).")] = None,
    fmt: Annotated[str, typer.Option("--format", help="html, md or json.")] = "html",
    out: Annotated[Path | None, typer.Option(help="Write here instead of standard output.")] = None,
    end: Annotated[str | None, typer.Option(help="End of the period (ISO 8601; default now).")] = None,
) -> None:
    """SLA summary per model: freshness, job success, healthy time, incidents, error budgets."""
    from driftboard.jobs.durations import parse_duration
    from driftboard.sla import render, report

    if fmt not in render.FORMATS:
        fail(f"--format {fmt!r}: use one of {', '.join(render.FORMATS)}", 2)
    try:
        length = parse_duration(period)
    except ValueError as exc:
        fail(f"--period: {exc}", 2)
    text = sla_report(report.Request(length, parse_at(end), model, fmt))
    if out is None:
        typer.echo(text, nl=False)
    else:
        out.write_text(text, encoding="utf-8")
        err.print(f"wrote {out}", highlight=False)


def sla_report(request: "Request") -> str:
    from driftboard.sla import report
    from driftboard.store import connect

    try:
        engine = connect.open_store(load_settings())
    except StoreError as exc:
        fail(str(exc), 3)
    try:
        return report.make(engine, request)
    except report.ReportError as exc:
        fail(str(exc), 2)
    finally:
        engine.dispose()


@report_app.command(
    "drift",
    epilog=examples(
        "driftboard report drift example-churn --end 2026-01-03 --out drift.html",
        "driftboard report drift churn --period 7d --out churn.html --reports-url http://localhost:8090/reports",
        exits="Exit codes: 0 written; 2 unknown model or bad option; 3 results database unusable.",
    ),
)
def report_drift(
    model: ModelArgument,
    period: PeriodOption = "30d",
    end: EndOption = None,
    out: Annotated[
        Path | None, typer.Option(metavar="FILE", help="Write the page here. Default: standard output.")
    ] = None,
    reports_url: Annotated[
        str | None,
        typer.Option(
            metavar="URL",
            help="Link Evidently reports under this URL (e.g. `driftboard serve-reports`'s). "
            "Default: relative paths from the page to DRIFTBOARD_REPORTS_DIR.",
        ),
    ] = None,
) -> None:
    """One model's drift as a self-contained HTML page: heatmap, per-feature sparklines of score
    against threshold, data-quality flags and links to the kept Evidently reports."""
    from driftboard.cli.history import load_grid
    from driftboard.reports import driftpage

    base = reports_url or relative_base(load_settings().reports_dir, out)
    html = driftpage.render(load_grid(model, period, end), base)
    if out is None:
        typer.echo(html, nl=False)
        return
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        out.write_text(html, encoding="utf-8")
    except OSError as exc:
        fail(f"cannot write {out}: {exc.strerror or exc}", 1)
    err.print(f"wrote {out}", highlight=False)


def relative_base(reports_dir: Path, out: Path | None) -> str:
    """The reports folder as seen from the page's folder, so the links work offline."""
    page_dir = (out.parent if out else Path()).resolve()
    return Path(os.path.relpath(reports_dir.resolve(), page_dir)).as_posix()


@dashboards_app.command("build")
def dashboards_build(
    check: Annotated[bool, typer.Option(help="Exit 1 when regenerating would change the files.")] = False,
    out: Annotated[Path, typer.Option(help="Folder of dashboard JSON.")] = Path("dashboards/generated"),
) -> None:
    """Render the dashboards to sorted-key JSON (run from the repository root)."""
    from driftboard.dashboards.build import main as build_main

    code = build_main([f"--out={out}", *(["--check"] if check else [])])
    if code:
        raise typer.Exit(code)


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--dir", help="Where the demo's data and spec go.")] = Path(
        "driftboard-demo"
    ),
    end: Annotated[
        str | None, typer.Option(help="End of the demo month (default: last UTC midnight).")
    ] = None,
    pace: Annotated[
        float,
        typer.Option(
            min=0,
            help="Seconds to wait after each window, so that a Prometheus scraping the Pushgateway "
            "that often sees every window and fires each incident's alerts (the stack scrapes every 15 s).",
        ),
    ] = 0.0,
) -> None:
    """Generate a month of a churn model's traffic with a known drift onset, backfill it, summarize it."""
    from driftboard.demo.tour import run_demo, summary, write_sla_report
    from driftboard.scheduler import backfill as bf

    settings = load_settings()
    try:
        with bf.progress_bar() as progress:
            result = run_demo(folder, parse_at(end, "--end"), settings, progress, pace)
    except StoreError as exc:
        fail(str(exc), 3)
    embedded = settings.database_url.get_secret_value().startswith("sqlite")
    sla_path = write_sla_report(result, settings, folder) if embedded else None  # compose has Grafana
    typer.echo("\n".join(summary(result, settings, sla_path)))
    if result.tally.failed:
        raise typer.Exit(1)
