"""Commands on a spec's windows: validate, run, backfill, and delayed labels."""

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from driftboard.cli.options import app, err, fail, load_settings, parse_at, specs_or_exit
from driftboard.errors import StoreError
from driftboard.jobs.load import LoadedSpec

if TYPE_CHECKING:  # the commands import their modules lazily, to start fast
    from driftboard.results import WindowPerformance


@app.command()
def validate(
    paths: Annotated[list[Path] | None, typer.Argument(help="Spec files or folders.")] = None,
) -> None:
    """Check job specs; print every problem as file:line: field: message."""
    loaded = specs_or_exit(paths or [load_settings().jobs_dir])
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
        result = pipeline.run_once(loaded, parse_at(at), load_settings())
    except StoreError as exc:
        fail(str(exc), 3)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, default=str))
    else:
        from driftboard.run.terminal import print_result

        print_result(result, Console())
    if result.evaluation.status != "succeeded":
        fail(f"run failed: {result.error}")


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
    settings = load_settings()
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


@app.command()
def labels(
    spec: Annotated[Path, typer.Argument(help="Job spec file with a labels: section.")],
    at: Annotated[str | None, typer.Option(help="As of this time (ISO 8601; default now).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per window.")] = False,
) -> None:
    """Compute performance for every window of the lookback whose delayed labels have landed."""
    (loaded,) = specs_or_exit([spec])
    results = refresh_labels(loaded, parse_at(at))
    for result in results:
        row = {
            "window_end": result.window.end.isoformat(),
            "rows": result.n_rows,
            "labeled": result.n_labeled,
        }
        if as_json:
            typer.echo(json.dumps(row | result.metrics | ({"error": result.error} if result.error else {})))
        else:
            scores = (
                "  ".join(f"{k} {v:.4g}" for k, v in result.metrics.items())
                or f"not computed: {result.error}"
            )
            typer.echo(f"{row['window_end']}  {result.n_labeled}/{result.n_rows} labelled  {scores}")
    failed = sum(bool(r.error) for r in results)
    if failed:  # the others are stored; these windows keep what they had
        fail(f"{failed} window{'s' if failed > 1 else ''} could not be computed; see above")


def _label_line(result: "WindowPerformance", as_json: bool) -> str:
    row = {"window_end": result.window.end.isoformat(), "rows": result.n_rows, "labeled": result.n_labeled}
    if as_json:
        return json.dumps(row | result.metrics | ({"error": result.error} if result.error else {}))
    scores = "  ".join(f"{k} {v:.4g}" for k, v in result.metrics.items())
    return f"{row['window_end']}  {result.n_labeled}/{result.n_rows} labelled  {scores or result.error}"


def refresh_labels(loaded: LoadedSpec, at: datetime) -> "list[WindowPerformance]":
    from driftboard.errors import DataError
    from driftboard.sla import labels as delayed
    from driftboard.store import connect

    try:
        engine = connect.open_store(load_settings())
    except StoreError as exc:
        fail(str(exc), 3)
    try:
        return delayed.refresh(engine, loaded, at)
    except DataError as exc:
        fail(str(exc), 1)
    finally:
        engine.dispose()
