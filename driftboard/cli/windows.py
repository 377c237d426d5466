"""Commands on a spec's windows: validate, run, backfill, and delayed labels."""

import json
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from driftboard.cli.options import TIME_HELP, app, err, examples, fail, load_settings, parse_at, specs_or_exit
from driftboard.errors import StoreError
from driftboard.jobs.load import LoadedSpec

if TYPE_CHECKING:  # the commands import their modules lazily, to start fast
    from driftboard.results import WindowPerformance
    from driftboard.sla.publish import Refreshed

DRIFT_EXIT = 4  # run --fail-on-drift: the run found dataset drift

VALIDATE_EXAMPLES = examples(
    "driftboard validate                        # every spec in DRIFTBOARD_JOBS_DIR (jobs/)",
    "driftboard validate jobs/churn.yaml --data  # and open its data: columns, types, timestamps",
    exits="Exit codes: 0 every spec is valid; 2 a problem was found (each printed on stderr).",
)


@app.command(epilog=VALIDATE_EXAMPLES)
def validate(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            metavar="[SPEC|FOLDER]...", help="Spec files or folders; default DRIFTBOARD_JOBS_DIR."
        ),
    ] = None,
    data: Annotated[
        bool,
        typer.Option(
            "--data",
            help="Also open each source (schema or first rows only) and check that the declared columns "
            "and the timestamp column are there, with usable types.",
        ),
    ] = False,
) -> None:
    """Check job specs; print every problem as file:line: field: message (exit 2 on any)."""
    loaded = specs_or_exit(paths or [load_settings().jobs_dir])
    problems = check_data(loaded) if data else []
    for item in loaded:
        if not any(p.startswith(f"{item.path}:") for p in problems):
            typer.echo(f"ok  {item.path}  ({item.spec.model})")
    for problem in problems:
        err.print(problem, highlight=False, soft_wrap=True, markup=False)
    if problems:
        raise typer.Exit(2)


def check_data(loaded: list[LoadedSpec]) -> list[str]:
    from driftboard.data import columncheck

    return [problem for item in loaded for problem in columncheck.check_spec(item)]


RUN_EXAMPLES = examples(
    "driftboard run jobs/example-churn.yaml --at 2026-01-02T18:00:00Z",
    "driftboard run jobs/churn.yaml --json | jq .run.n_drifted",
    "driftboard run jobs/churn.yaml --fail-on-drift   # exit 4 on dataset drift",
    exits="Exit codes: 0 the run succeeded, drift or not; 1 it failed (the reason is stored and printed); "
    f"2 bad spec or option; 3 results database unusable; {DRIFT_EXIT} dataset drift with --fail-on-drift.",
)


@app.command(epilog=RUN_EXAMPLES)
def run(
    spec: Annotated[Path, typer.Argument(metavar="SPEC", help="Job spec file (YAML).")],
    at: Annotated[
        str | None,
        typer.Option(
            metavar="TIME",
            help=f"Run the window ending at the last scheduled tick at or before TIME ({TIME_HELP}). "
            "Default: now.",
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print one JSON object (run and features) instead of a table.")
    ] = False,
    fail_on_drift: Annotated[
        bool,
        typer.Option(
            "--fail-on-drift",
            help=f"Exit {DRIFT_EXIT} when the run finds dataset drift (for CI and orchestrators).",
        ),
    ] = False,
) -> None:
    """Compute one window's drift, store it, and print it feature by feature.

    The window is the spec's schedule period (or its `window:`) ending at the last tick at or before --at.
    """
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

        print_result(result, Console(), loaded.spec)
    if result.evaluation.status != "succeeded":
        fail(f"run failed: {result.error}")
    if fail_on_drift and result.evaluation.dataset_drift:
        share = result.evaluation.share_drifted or 0.0
        fail(f"dataset drift: {result.evaluation.n_drifted} features drifted ({share:.0%})", DRIFT_EXIT)


BACKFILL_EXAMPLES = examples(
    "driftboard backfill jobs/churn.yaml --start 2026-01-01 --end 2026-02-01",
    "driftboard backfill jobs/churn.yaml --start 2026-01-01T00:00Z --end 2026-01-08T00:00Z --force",
    exits="Exit codes: 0 every window succeeded; 1 some failed (listed); 2 bad spec or option; "
    "3 results database unusable (run again to resume).",
)


@app.command(epilog=BACKFILL_EXAMPLES)
def backfill(
    spec: Annotated[Path, typer.Argument(metavar="SPEC", help="Job spec file (YAML).")],
    start: Annotated[str, typer.Option(metavar="TIME", help=f"Windows ending after TIME ({TIME_HELP}) ...")],
    end: Annotated[str, typer.Option(metavar="TIME", help="... up to and including TIME.")],
    force: Annotated[bool, typer.Option(help="Recompute windows that already succeeded.")] = False,
) -> None:
    """Compute every window in a range, with a progress bar; windows that already succeeded are skipped."""
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


@app.command(epilog=examples("driftboard labels jobs/churn.yaml", "driftboard labels jobs/churn.yaml --json"))
def labels(
    spec: Annotated[Path, typer.Argument(metavar="SPEC", help="Job spec file with a labels: section.")],
    at: Annotated[
        str | None, typer.Option(metavar="TIME", help=f"As of TIME ({TIME_HELP}). Default: now.")
    ] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object per window.")] = False,
) -> None:
    """Compute performance for every window of the lookback whose delayed labels have landed."""
    (loaded,) = specs_or_exit([spec])
    refreshed = refresh_labels(loaded, parse_at(at))
    results = refreshed.results
    for problem in (refreshed.push_error, refreshed.retrain.error if refreshed.retrain else None):
        if problem:  # stored all the same: said once, as a run's push_error
            err.print(f"warning: {problem}", highlight=False, soft_wrap=True, markup=False)
    for result in results:
        typer.echo(_label_line(result, as_json))
    failed = sum(bool(r.error) for r in results)
    if failed:  # the others are stored; these windows keep what they had
        fail(f"{failed} window{'s' if failed > 1 else ''} could not be computed; see above")


def _label_line(result: "WindowPerformance", as_json: bool) -> str:
    row = {"window_end": result.window.end.isoformat(), "rows": result.n_rows, "labeled": result.n_labeled}
    if as_json:
        extra = {"error": result.error} if result.error else {}
        classes = {"per_class": result.per_class} if result.per_class else {}
        return json.dumps(row | result.metrics | classes | extra)
    scores = "  ".join(f"{k} {v:.4g}" for k, v in result.metrics.items()) or f"not computed: {result.error}"
    return f"{row['window_end']}  {result.n_labeled}/{result.n_rows} labelled  {scores}"


def refresh_labels(loaded: LoadedSpec, at: datetime) -> "Refreshed":
    """The refreshed windows, the push of the newest performance and the retrain hook's call."""
    from driftboard.errors import DataError
    from driftboard.sla import publish
    from driftboard.store import connect

    settings = load_settings()
    try:
        engine = connect.open_store(settings)
    except StoreError as exc:
        fail(str(exc), 3)
    try:
        return publish.refresh(engine, loaded, settings, at)
    except DataError as exc:
        fail(str(exc), 1)
    finally:
        engine.dispose()
