"""`python -m driftboard` is the `driftboard` command."""

from driftboard.cli import main

main()
