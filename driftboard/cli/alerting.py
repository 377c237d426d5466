"""`driftboard alerts replay`: which alerts a model's stored results would have fired, and
the Slack messages and pages per week they make (driftboard/prometheus/replay.py)."""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.table import Table

from driftboard.cli.options import app, examples, fail, load_settings, parse_at, specs_or_exit
from driftboard.errors import StoreError

if TYPE_CHECKING:  # imported lazily, to start fast
    from driftboard.prometheus.replay import Replay

alerts_app = typer.Typer(no_args_is_help=True, help="What the alert rules make of stored results.")
app.add_typer(alerts_app, name="alerts")


@alerts_app.command(
    "replay",
    epilog=examples(
        "driftboard alerts replay jobs/churn.yaml --start 2026-01-01 --end 2026-02-01",
        "driftboard alerts replay jobs/churn.yaml --start 2026-01-01 --end 2026-02-01 --json | jq .alertname",
        exits="Exit codes: 0 replayed; 2 bad spec or option; 3 results database unusable.",
    ),
)
def replay(
    spec: Annotated[Path, typer.Argument(help="The model's job spec (its alerts: levels apply).")],
    start: Annotated[str, typer.Option(help="Replay runs whose window ends after this.")],
    end: Annotated[str, typer.Option(help="…and at or before this.")],
    as_json: Annotated[bool, typer.Option("--json", help="One JSON object per line, per firing.")] = False,
) -> None:
    """Replay the generated alert rules, with alerting/config.yml and the spec's overrides, over
    the model's stored runs: every firing with its labels, start and end, then the Slack messages
    and pages per ISO week. Tune levels here before they go live (docs/alert-replay.md)."""
    from driftboard.prometheus.replay import replay as run_replay
    from driftboard.store import connect
    from driftboard.store.runs import stored

    (loaded,) = specs_or_exit([spec])
    first, last = parse_at(start, "--start"), parse_at(end, "--end")
    if first >= last:
        fail("--start must be before --end", 2)
    try:
        engine = connect.open_store(load_settings())
    except StoreError as exc:
        fail(str(exc), 3)
    try:
        found = run_replay(loaded.spec, stored.evaluations(engine, loaded.spec.model, first, last))
    finally:
        engine.dispose()
    if as_json:
        for fired in found.fired:
            typer.echo(json.dumps(fired.to_json()))
    else:
        show(found, Console(highlight=False))


def show(found: "Replay", console: Console) -> None:
    table = Table(show_edge=False, header_style="bold")
    for title in ("alert", "labels", "starts at", "ends at"):
        table.add_column(title, no_wrap=title != "labels")
    for f in found.fired:
        labels = ", ".join(f"{k}={v}" for k, v in f.labels.items() if k not in {"alertname", "model"})
        table.add_row(
            f.alertname, labels, f.starts_at.isoformat(), f.ends_at.isoformat() if f.ends_at else "firing"
        )
    console.print(table if found.fired else "no alert would have fired")
    weeks = sorted(found.pages.keys() | found.slack.keys())
    for week in weeks:
        console.print(f"{week}: {found.pages[week]} pages, {found.slack[week]} Slack messages")
    console.print(f"total: {sum(found.pages.values())} pages, {sum(found.slack.values())} Slack messages")
