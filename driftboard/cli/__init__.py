"""The `driftboard` command: a thin shell over the stages, one module per group of commands.

Each module registers its commands on the one Typer app (cli.options.app): importing them
here, in this order, is what builds the command and orders its `--help`.
"""

# isort: off
from driftboard.cli import windows
from driftboard.cli import state
from driftboard.cli import history
from driftboard.cli import serving
from driftboard.cli import database
from driftboard.cli import reporting
from driftboard.cli import alerting

# isort: on
from driftboard.cli.options import app, crash_log, err
from driftboard.cli.serving import serve_reports

__all__ = [
    "alerting",
    "app",
    "database",
    "history",
    "main",
    "reporting",
    "serve_reports",
    "serving",
    "state",
    "windows",
]


def main() -> None:
    """Every command behind one guard: what no command expected is one line and exit 1 (the
    documented "the command failed"), and its traceback goes to a file, for developers. Usage
    errors (exit 2), typer.Exit and Ctrl-C are click's, handled before they reach here."""
    try:
        app()
    except Exception as exc:
        line = f"unexpected {type(exc).__name__}: {exc} (traceback in {crash_log(exc)})"
        err.print(f"[red]error:[/red] {line}", highlight=False, soft_wrap=True, markup=True)
        raise SystemExit(1) from None
