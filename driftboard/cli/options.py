"""What every command shares: the Typer app, errors with exit codes, times, specs."""

from datetime import UTC, datetime
from pathlib import Path
from typing import NoReturn

import typer
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from rich.console import Console

from driftboard.jobs.load import LoadedSpec, SpecError, load_specs
from driftboard.settings import Settings, get_settings

app = typer.Typer(
    no_args_is_help=True,
    add_completion=False,
    help="The `driftboard` command: a thin shell over the pure functions in this package.",
)
err = Console(stderr=True)


def fail(message: str, code: int = 1) -> NoReturn:
    err.print(f"[red]error:[/red] {message}", highlight=False, soft_wrap=True)
    raise typer.Exit(code)


# Interval schedules count from 1970 (jobs.schedule.EPOCH); a window must also have a start.
EARLIEST, LATEST = datetime(1970, 1, 2, tzinfo=UTC), datetime(9000, 1, 1, tzinfo=UTC)


def parse_at(value: str | None, flag: str = "--at") -> datetime:
    if value is None:
        return datetime.now(UTC)
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        fail(f"{flag} {value!r} is not an ISO 8601 timestamp (e.g. 2026-01-02T18:00:00Z)", 2)
    at = at if at.tzinfo else at.replace(tzinfo=UTC)  # a bare time means UTC
    if not EARLIEST <= at < LATEST:
        fail(f"{flag} {value!r} is out of range ({EARLIEST:%Y-%m-%d} to {LATEST:%Y})", 2)
    return at


def load_settings() -> Settings:
    """The settings, or one line naming the variable that is wrong (exit 2), not a traceback."""
    try:
        return get_settings()
    except ValidationError as exc:
        fail("; ".join(_setting_problem(e) for e in exc.errors(include_url=False)), 2)


def _setting_problem(error: ErrorDetails) -> str:
    name = "DRIFTBOARD_" + "_".join(str(part) for part in error["loc"]).upper()
    return f"{name}: {error['msg']}"


def specs_or_exit(paths: list[Path]) -> list[LoadedSpec]:
    try:
        return load_specs(paths)
    except SpecError as exc:
        for problem in exc.problems:
            err.print(problem, highlight=False, soft_wrap=True, markup=False)
        raise typer.Exit(2) from None
