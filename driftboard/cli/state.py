"""`driftboard status`: every model's newest window, its drifted features, its data-quality
flags and, with DRIFTBOARD_PROMETHEUS_URL, the alerts firing for it."""

import json
from datetime import UTC, datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console

from driftboard.cli.options import app, err, examples, fail, load_settings
from driftboard.errors import StoreError

if TYPE_CHECKING:  # imported lazily, to start fast
    from driftboard.prometheus.firing import Firing
    from driftboard.reports.verdict import Verdict

# Worst word first: a status "drift, stale" is shown in the colour of "stale".
STYLE = {"critical": "bold red", "failed": "red", "stale": "magenta", "drift": "yellow", "ok": "green"}
SHOWN = 5  # features named per line; the rest counted


@app.command(
    epilog=examples(
        "driftboard status",
        "DRIFTBOARD_PROMETHEUS_URL=http://localhost:9090 driftboard status",
        "driftboard status --json | jq '.models[] | select(.status != \"ok\") | .model'",
        exits="Exit codes: 0 shown (whatever the models' state); 3 results database unusable.",
    )
)
def status(
    as_json: Annotated[bool, typer.Option("--json", help="Print one JSON object.")] = False,
) -> None:
    """Every model's newest window and status, its drifted features and data-quality flags, and its
    firing alerts when DRIFTBOARD_PROMETHEUS_URL is set."""
    from driftboard.reports.verdict import judge
    from driftboard.store import connect
    from driftboard.store.runs import modelstate

    try:
        engine = connect.open_store(load_settings())
    except StoreError as exc:
        fail(str(exc), 3)
    now = datetime.now(UTC)
    try:
        verdicts = [judge(state, now) for state in modelstate.model_states(engine)]
    finally:
        engine.dispose()
    alerts = firing_or_none()
    if as_json:
        typer.echo(json.dumps(as_document(verdicts, alerts), indent=2))
    else:
        show(verdicts, alerts, Console(highlight=False))


def firing_or_none() -> "list[Firing] | None":
    """Firing alerts when Prometheus is configured; None (and a warning) when it does not answer."""
    from driftboard.prometheus.firing import AlertsUnavailable, firing_alerts

    url = load_settings().prometheus_url
    if not url:
        return None
    try:
        return firing_alerts(url)
    except AlertsUnavailable as exc:
        err.print(f"[yellow]warning:[/yellow] {exc}", highlight=False, soft_wrap=True)
        return None


def as_document(verdicts: "list[Verdict]", alerts: "list[Firing] | None") -> dict[str, object]:
    def firing(model: str | None) -> list[dict[str, str | None]] | None:
        if alerts is None:
            return None
        return [
            {"alert": a.name, "severity": a.severity, "feature": a.feature}
            for a in alerts
            if a.model == model
        ]

    models = [v.to_json() | {"firing": firing(v.model)} for v in verdicts]
    return {"models": models, "firing_without_model": firing(None)}


def show(verdicts: "list[Verdict]", alerts: "list[Firing] | None", out: Console) -> None:
    if not verdicts:
        out.print("No runs stored yet: `driftboard run SPEC` or `driftboard scheduler` makes some.")
    for v in verdicts:
        style = next((STYLE[word] for word in STYLE if word in v.status.split(", ")), "bold")
        window = f"{v.window_start:%Y-%m-%d %H:%M} → {v.window_end:%Y-%m-%d %H:%M} UTC"
        out.print(f"[bold]{v.model}[/bold]  [{style}]{v.status}[/{style}]  window {window}")
        for line in details(v, alerts):
            out.print(f"  {line}", markup=False, soft_wrap=True)
    for a in alerts or []:
        if a.model is None:
            out.print(f"firing: {a.name} ({a.severity}) {a.summary}", markup=False)


def details(v: "Verdict", alerts: "list[Firing] | None") -> list[str]:
    lines = [f"failed: {v.error}"] if "failed" in v.status.split(", ") else []
    if v.scored_window_end is not None and v.scored_window_end != v.window_end:
        lines.append(
            f"features below are from the last successful window, ending {v.scored_window_end:%Y-%m-%d %H:%M}"
        )
    named = ", ".join(f"{f} {r:.2f}" for f, r in v.drifted[:SHOWN])
    more = f", and {len(v.drifted) - SHOWN} more" if len(v.drifted) > SHOWN else ""
    lines.append(f"drifted {len(v.drifted)} of {v.n_scored}" + (f": {named}{more}" if v.drifted else ""))
    lines += [f"data quality: {feature}: {flag}" for feature, flag in v.quality]
    if alerts is not None:
        mine = [a for a in alerts if a.model == v.model]
        lines += [f"firing: {a.name} ({a.severity})" + (f" {a.feature}" if a.feature else "") for a in mine]
        lines += [] if mine else ["firing: none"]
    return lines
