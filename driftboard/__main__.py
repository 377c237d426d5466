"""`python -m driftboard`: the same CLI as the `driftboard` command."""

from driftboard.cli import main

main()
