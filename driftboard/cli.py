"""The `driftboard` command: a thin shell over the pure functions in this package."""

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, NoReturn

import typer
from rich.console import Console

from driftboard.settings import get_settings
from driftboard.specload import LoadedSpec, SpecError, load_spec, load_specs

app = typer.Typer(no_args_is_help=True, add_completion=False, help=__doc__)
db_app = typer.Typer(no_args_is_help=True, help="Manage the results database schema (Alembic).")
app.add_typer(db_app, name="db")
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


def parse_at(value: str | None) -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        fail(f"--at {value!r} is not an ISO 8601 timestamp (e.g. 2026-01-02T18:00:00Z)", 2)
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
    from driftboard import pipeline

    try:
        loaded = load_spec(spec)
    except SpecError as exc:
        fail("\n".join(exc.problems), 2)
    try:
        outcome = pipeline.run_once(loaded, parse_at(at), get_settings())
    except pipeline.StoreError as exc:
        fail(str(exc), 3)
    if as_json:
        typer.echo(json.dumps(outcome.to_json(), indent=2, default=str))
    else:
        from driftboard.render import print_outcome

        print_outcome(outcome, Console())
    if outcome.status != "succeeded":
        fail(f"run failed: {outcome.error}")


@db_app.command("upgrade")
def db_upgrade(revision: Annotated[str, typer.Argument()] = "head") -> None:
    """Apply migrations up to REVISION (default: head)."""
    from driftboard import pipeline

    try:
        typer.echo(pipeline.migrate(get_settings(), "upgrade", revision))
    except pipeline.StoreError as exc:
        fail(str(exc), 3)


@db_app.command("downgrade")
def db_downgrade(revision: Annotated[str, typer.Argument()]) -> None:
    """Revert migrations down to REVISION ('base' for an empty database)."""
    from driftboard import pipeline

    try:
        typer.echo(pipeline.migrate(get_settings(), "downgrade", revision))
    except pipeline.StoreError as exc:
        fail(str(exc), 3)


def main() -> None:
    app()


# --- Scheduler and backfill (issue 3); docs/scheduler.md --------------------------------


def _parse_time(value: str, flag: str) -> datetime:
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{flag} {value!r} is not an ISO 8601 timestamp (e.g. 2026-01-02T18:00:00Z)", 2)
    return at if at.tzinfo else at.replace(tzinfo=UTC)  # a bare time means UTC


@app.command()
def scheduler(
    jobs: Annotated[Path | None, typer.Option(help="Folder of job specs; default: jobs_dir setting.")] = None,
) -> None:
    """Run every job spec on its schedule until SIGTERM; SIGHUP reloads the specs."""
    from driftboard import daemon, pipeline

    settings = get_settings()
    try:
        code = daemon.serve(settings, jobs or settings.jobs_dir)
    except pipeline.StoreError as exc:
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
    from driftboard import backfill as bf
    from driftboard import pipeline
    from driftboard.retry import TransientError

    try:
        loaded = load_spec(spec)
    except SpecError as exc:
        fail("\n".join(exc.problems), 2)
    windows = bf.windows_in(loaded, _parse_time(start, "--start"), _parse_time(end, "--end"))
    settings = get_settings()
    try:
        pipeline.open_store(settings).dispose()  # schema check first; SQLite upgrades itself
        with bf.progress_bar() as progress:
            tally = bf.backfill(loaded, windows, settings, force, progress)
    except pipeline.StoreError as exc:
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
