"""What every command shares: the Typer app and its help, errors with exit codes, times, specs."""

import os
import tempfile
import traceback
from datetime import UTC, datetime
from pathlib import Path
from typing import Annotated, Any, NoReturn

import typer
import typer.core
from pydantic import ValidationError
from pydantic_core import ErrorDetails
from rich.console import Console

from driftboard import __version__
from driftboard.jobs.load import LoadedSpec, SpecError, load_specs
from driftboard.settings import Settings, get_settings

HELP = """Drift monitoring for ML models in production: each window of a model's data
is scored against its reference with Evidently's tests, stored, and pushed to
Prometheus for alerting. `driftboard COMMAND --help` shows a command's options and examples.
"""
EPILOG = """First steps:
  driftboard run jobs/example-churn.yaml --at 2026-01-02T18:00:00Z
  driftboard status
  driftboard history example-churn
  driftboard report drift example-churn --out drift.html

Exit codes:
  0  done (for run: the run succeeded, drift or not)
  1  the run or the command failed; the reason is on stderr
  2  bad input: a spec, an option, an unknown model
  3  the results database is unreachable, not migrated, or its URL unusable
  4  dataset drift found (run --fail-on-drift only)

Times (--at, --start, --end) are ISO 8601, e.g. 2026-01-02T18:00:00Z or
"2026-01-02 18:00"; a time without an offset is UTC. Periods (--period) are a
number and a unit: 12h, 7d, 30d, 4w.

Environment (also read from a .env file in the working folder):
  DRIFTBOARD_DATABASE_URL     results store; default sqlite:///driftboard.db
  DRIFTBOARD_REPORTS_DIR      kept Evidently reports; default reports
  DRIFTBOARD_JOBS_DIR         specs for validate, scheduler; default jobs
  DRIFTBOARD_PUSHGATEWAY_URL  push each run's metrics there; default none
  DRIFTBOARD_PROMETHEUS_URL   `status` shows its firing alerts; default none
Every setting: README.md, Configuration.
"""
TIME_HELP = "ISO 8601, e.g. 2026-01-02T18:00:00Z; no offset means UTC"
PERIOD_HELP = "how far back from the end, e.g. 7d, 30d, 12h, 4w"

# Arguments shared by the commands that show one model over a period (history, report drift).
ModelArgument = Annotated[str, typer.Argument(metavar="MODEL", help="Model name, as in its spec.")]
PeriodOption = Annotated[str, typer.Option(metavar="PERIOD", help=f"{PERIOD_HELP.capitalize()}.")]
EndOption = Annotated[
    str | None, typer.Option(metavar="TIME", help=f"End of the period ({TIME_HELP}). Default: now.")
]


def examples(*commands: str, exits: str = "Exit codes: driftboard --help.") -> str:
    """A command's epilog: its examples, then its exit codes. Typer dedents an epilog by the
    indent its lines share; the exit-code line has none, which keeps the examples indented."""
    return "Examples:\n" + "".join(f"  {c}\n" for c in commands) + f"\n{exits}\n"


def _no_type_tag(param: Any, ctx: Any) -> str | None:
    """An option's METAVAR where one is set, never Typer's `<str>`/`<bool>` type tags."""
    return param.metavar if isinstance(param, typer.core.TyperOption) else None


# Typer prints every parameter's Python type in its help ("<bool>", "<path>"): developer talk.
typer.core.TyperOption.display_type_rich = _no_type_tag  # type: ignore[method-assign,assignment]
typer.core.TyperArgument.display_type_rich = _no_type_tag  # type: ignore[method-assign,assignment]

# No pretty tracebacks: cli.main prints what went wrong in one line (and keeps the traceback).
app = typer.Typer(
    no_args_is_help=True, add_completion=False, help=HELP, epilog=EPILOG, pretty_exceptions_enable=False
)
err = Console(stderr=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"driftboard {__version__}")
        raise typer.Exit()


@app.callback()
def main_options(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """The top-level options; each command has its own."""


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


def crash_log(exc: BaseException) -> str:
    """Write the traceback to a new file (DRIFTBOARD_CRASH_DIR, else the temp folder) and
    return its path: the terminal gets one line, a developer gets the whole story."""
    folder = os.environ.get("DRIFTBOARD_CRASH_DIR") or tempfile.gettempdir()
    handle, path = tempfile.mkstemp(prefix="driftboard-crash-", suffix=".log", dir=folder)
    with os.fdopen(handle, "w", encoding="utf-8") as out:
        out.write("".join(traceback.format_exception(exc)))
    return path
