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

# isort: on
from driftboard.cli.options import app
from driftboard.cli.serving import serve_reports

__all__ = ["app", "database", "history", "main", "reporting", "serve_reports", "serving", "state", "windows"]


def main() -> None:
    app()
