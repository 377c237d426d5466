"""The `driftboard` command: a thin shell over the pure functions in this package."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, NoReturn

import typer
from rich.console import Console

from driftboard.errors import StoreError
from driftboard.jobs.load import LoadedSpec, SpecError, load_specs
from driftboard.settings import get_settings

if TYPE_CHECKING:  # the commands import their modules lazily, to start fast
    from driftboard.sla.labels import WindowPerformance
    from driftboard.sla.report import Request

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
db_app = typer.Typer(no_args_is_help=True, help="Manage the results database schema (Alembic).")
app.add_typer(db_app, name="db")
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def parse_at(value: str | None, flag: str = "--at") -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{flag} {value!r} is not an ISO 8601 timestamp (e.g. 2026-01-02T18:00:00Z)", 2)
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # a bare time means UTC


def specs_or_exit(paths: list[Path]) -> list[LoadedSpec]:
    try:
        return load_specs(paths)
    except SpecError as exc:
        for problem in exc.problems:
            err.print(problem, highlight=False, soft_wrap=True, markup=False)
        raise typer.Exit(2) from None


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Spec files or folders.")] = None,
) -> None:
    """Check job specs; print every problem as file:line: field: message."""
    loaded = specs_or_exit(paths or [get_settings().jobs_dir])
    for item in loaded:
        typer.echo(f"ok  {item.path}  ({item.spec.model})")


@app.command()
def run(
    spec: Annotated[Path, typer.Argument(help="Job spec file.")],
    at: Annotated[str | None, typer.Option(help="Run the window ending at the last tick ≤ AT.")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Compute one window's drift, store it, and print the features."""
    from driftboard.run import pipeline

    if spec.is_dir():
        fail(f"{spec} is a folder: `run` takes one spec file", 2)
    (loaded,) = specs_or_exit([spec])
    try:
        result = pipeline.run_once(loaded, parse_at(at), get_settings())
    except StoreError as exc:
        fail(str(exc), 3)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, default=str))
    else:
        from driftboard.run.terminal import print_result

        print_result(result, Console())
    if result.evaluation.status != "succeeded":
        fail(f"run failed: {result.error}")


def migrate_store(direction: str, revision: str) -> str:
    from driftboard.store import connect, schema

    engine = connect.settings_engine(get_settings())
    try:
        return schema.migrate(engine, direction, revision)
    finally:
        engine.dispose()


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""

    try:
        typer.echo(migrate_store("upgrade", revision))
    except StoreError as exc:
        fail(str(exc), 3)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION ('base' for an empty database)."""

    try:
        typer.echo(migrate_store("downgrade", revision))
    except StoreError as exc:
        fail(str(exc), 3)


@db_app.command("maintain")
def db_maintain() -> None:
    """Create the coming months' partitions and apply DRIFTBOARD_RETENTION_DAYS (the scheduler: daily)."""
    from sqlalchemy.exc import SQLAlchemyError

    from driftboard.errors import describe_db_error
    from driftboard.store import connect, maintenance

    try:
        engine = connect.open_store(get_settings())
        typer.echo(maintenance.describe(maintenance.run(engine, get_settings(), datetime.now(UTC))))
    except StoreError as exc:
        fail(str(exc), 3)
    except SQLAlchemyError as exc:
        fail(describe_db_error(exc), 3)


@app.command()
def decommission(model: Annotated[str, typer.Argument(help="Model name as in its spec.")]) -> None:
    """Delete a model's metrics from the Pushgateway so its alerts resolve; history stays in the database."""
    from urllib.error import URLError

    from driftboard.prometheus import push

    url = get_settings().pushgateway_url
    if not url:
        fail("DRIFTBOARD_PUSHGATEWAY_URL is not set", 2)
    try:
        push.delete(url, model)
    except (URLError, OSError) as exc:
        fail(f"could not delete {model!r} from the Pushgateway: {getattr(exc, 'reason', exc)}")
    typer.echo(f"deleted the Pushgateway group of {model}")


# --- Grafana (issue 5): the report server, Grafana's database role, the dashboards -----------


@app.command("serve-reports")
def serve_reports(
    host: Annotated[str, typer.Option(help="Address to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8090,
    reports_dir: Annotated[Path | None, typer.Option(help="Default: DRIFTBOARD_REPORTS_DIR.")] = None,
) -> None:
    """Serve the Evidently reports read-only under /reports/ for the dashboards' links."""
    from driftboard.reports.server import MOUNT, make_report_server

    root = reports_dir or get_settings().reports_dir
    if not root.is_dir():
        fail(f"reports directory {root} does not exist", 2)
    server = make_report_server(root, host, port)
    typer.echo(f"serving {root} at http://{host}:{server.server_port}{MOUNT}/")
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        server.server_close()


@db_app.command("grant-grafana")
def db_grant_grafana() -> None:
    """Set the password of Grafana's read-only role from $DRIFTBOARD_GRAFANA_DB_PASSWORD."""
    from sqlalchemy.exc import SQLAlchemyError

    from driftboard.errors import describe_db_error
    from driftboard.store import connect, grafana_role

    try:
        password = grafana_role.password_from_env()
        grafana_role.set_password(connect.settings_engine(get_settings()), password)
    except grafana_role.GrafanaRoleError as exc:
        fail(str(exc), 2)
    except SQLAlchemyError as exc:  # the driver's message only: never the URL and its password
        fail(describe_db_error(exc), 3)
    except StoreError as exc:
        fail(str(exc), 3)
    typer.echo(f"password of role {grafana_role.ROLE} set (stored as a SCRAM-SHA-256 verifier)")


dashboards_app = typer.Typer(no_args_is_help=True, help="Grafana dashboards as code.")
app.add_typer(dashboards_app, name="dashboards")


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


# --- Scheduler and backfill (issue 3); docs/scheduler.md --------------------------------


@app.command()
def scheduler(
    jobs: Annotated[Path | None, typer.Option(help="Folder of job specs; default: jobs_dir setting.")] = None,
) -> None:
    """Run every job spec on its schedule until SIGTERM; SIGHUP reloads the specs."""
    from driftboard.reports.server import MOUNT, ReportApp
    from driftboard.scheduler import daemon

    settings = get_settings()
    reports = ReportApp(settings.reports_dir)  # the dashboards' report links, read-only
    try:
        code = daemon.serve(settings, jobs or settings.jobs_dir, mounts={f"{MOUNT}/": reports})
    except StoreError as exc:
        fail(str(exc), 3)
    except daemon.ListenError as exc:
        fail(str(exc), 2)
    raise typer.Exit(code)


@app.command()
def backfill(
    spec: Annotated[Path, typer.Argument(help="Job spec file.")],
    start: Annotated[str, typer.Option(help="Windows ending after START ...")],
    end: Annotated[str, typer.Option(help="... up to and including END.")],
    force: Annotated[bool, typer.Option(help="Recompute windows that already succeeded.")] = False,
) -> None:
    """Compute every window in a range; re-running skips windows that already succeeded."""
    from driftboard.scheduler import backfill as bf
    from driftboard.scheduler.retry import TransientError
    from driftboard.store import connect

    (loaded,) = specs_or_exit([spec])
    windows = bf.windows_in(loaded, parse_at(start, "--start"), parse_at(end, "--end"))
    settings = get_settings()
    try:
        connect.open_store(settings).dispose()  # schema check first; SQLite upgrades itself
        with bf.progress_bar() as progress:
            tally = bf.backfill(loaded, windows, settings, force, progress)
    except StoreError as exc:
        fail(str(exc), 3)
    except TransientError as exc:
        fail(f"{exc} (gave up after retries; run the same command again to resume)", 3)
    except KeyboardInterrupt:
        fail("interrupted; run the same command again to resume", 130)
    typer.echo(tally.summary(loaded.spec.model, len(windows)))
    for window, reason in tally.failures:
        err.print(f"failed {window}: {reason}", highlight=False, soft_wrap=True, markup=False)
    if tally.failed:
        raise typer.Exit(1)


# --- The demo (issue 7) ----------------------------------------------------------------


@app.command()
def demo(
    folder: Annotated[Path, typer.Option("--dir", help="Where the demo's data and spec go.")] = Path(
        "driftboard-demo"
    ),
    end: Annotated[
        str | None, typer.Option(help="End of the demo month (default: last UTC midnight).")
    ] = None,
) -> None:
    """Generate a month of a churn model's traffic with a known drift onset, backfill it, summarize it."""
    from driftboard.demo.tour import run_demo, summary, write_sla_report
    from driftboard.scheduler import backfill as bf

    settings = get_settings()
    try:
        with bf.progress_bar() as progress:
            result = run_demo(folder, parse_at(end, "--end"), settings, progress)
    except StoreError as exc:
        fail(str(exc), 3)
    embedded = settings.database_url.get_secret_value().startswith("sqlite")
    sla_path = write_sla_report(result, settings, folder) if embedded else None  # compose has Grafana
    typer.echo("\n".join(summary(result, settings, sla_path)))
    if result.tally.failed:
        raise typer.Exit(1)


# --- SLA summaries (issue 6): the stakeholders' report, delayed labels ----------------------

report_app = typer.Typer(no_args_is_help=True, help="Reports for people.")
app.add_typer(report_app, name="report")


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
        engine = connect.open_store(get_settings())
    except StoreError as exc:
        fail(str(exc), 3)
    try:
        return report.make(engine, request)
    except report.ReportError as exc:
        fail(str(exc), 2)
    finally:
        engine.dispose()


@app.command()
def labels(
    spec: Annotated[Path, typer.Argument(help="Job spec file with a labels: section.")],
    at: Annotated[str | None, typer.Option(help="As of this time (ISO 8601; default now).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per window.")] = False,
) -> None:
    """Compute performance for every window of the lookback whose delayed labels have landed."""
    (loaded,) = specs_or_exit([spec])
    for result in refresh_labels(loaded, parse_at(at)):
        row = {
            "window_end": result.window.end.isoformat(),
            "rows": result.n_rows,
            "labeled": result.n_labeled,
        }
        if as_json:
            typer.echo(json.dumps(row | result.metrics))
        else:
            scores = "  ".join(f"{k} {v:.4g}" for k, v in result.metrics.items())
            typer.echo(f"{row['window_end']}  {result.n_labeled}/{result.n_rows} labelled  {scores}")


def refresh_labels(loaded: LoadedSpec, at: datetime) -> "list[WindowPerformance]":
    from driftboard.errors import DataError
    from driftboard.sla import labels as delayed
    from driftboard.store import connect

    try:
        engine = connect.open_store(get_settings())
    except StoreError as exc:
        fail(str(exc), 3)
    try:
        return delayed.refresh(engine, loaded, at)
    except DataError as exc:
        fail(str(exc), 1)
    finally:
        engine.dispose()


def main() -> None:
    app()
