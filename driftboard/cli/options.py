"""What every command shares: the Typer app, errors with exit codes, times, specs."""

from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console

from driftboard.jobs.load import LoadedSpec, SpecError, load_specs

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="The `driftboard` command: a thin shell over the pure functions in this package.",
)
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
