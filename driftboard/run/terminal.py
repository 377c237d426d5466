"""Human-readable output of a run for the terminal."""

from rich.console import Console, JustifyMethod
from rich.table import Table

from driftboard.results import FeatureOutcome, RunOutcome


def _fmt(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}g}"


def _drift_cell(feature: FeatureOutcome) -> str:
    if feature.status != "ok":
        return f"[yellow]{feature.status}[/yellow]"
    return "[bold red]DRIFT[/bold red]" if feature.drift_detected else "[green]ok[/green]"


def feature_table(outcome: RunOutcome) -> Table:
    table = Table(show_edge=False, header_style="bold")
    titles = ["feature", "type", "stattest", "score", "threshold", "drift", "nulls"]
    with_notes = any(f.reason for f in outcome.features)
    for title in [*titles, "note"] if with_notes else titles:
        justify: JustifyMethod = "right" if title in {"score", "threshold", "nulls"} else "left"
        # Only the free-text note may wrap: names and numbers are what a reader scans.
        table.add_column(title, justify=justify, no_wrap=title != "note")
    for f in sorted(outcome.features, key=lambda f: -(f.drift_ratio or 0)):
        nulls = "" if f.null_share is None else f"{f.null_share:.1%}"
        cells = [f.feature, f.column_type[:3], f.stattest or "", _fmt(f.score), _fmt(f.threshold)]
        cells += [_drift_cell(f), nulls] + ([f.reason or ""] if with_notes else [])
        table.add_row(*cells)
    return table


def print_outcome(outcome: RunOutcome, console: Console) -> None:
    s = outcome.summary()
    console.print(
        f"[bold]{outcome.model}[/bold]  window {outcome.window}  run {s['id']}  status {outcome.status}",
        highlight=False,
    )
    if outcome.features:
        console.print(feature_table(outcome))
    if outcome.status == "succeeded":
        share = outcome.share_drifted or 0.0
        verdict = "[bold red]dataset drift[/bold red]" if outcome.dataset_drift else "no dataset drift"
        console.print(f"{outcome.n_drifted} of {s['n_features']} features drifted ({share:.0%}): {verdict}")
    if outcome.report_path:
        console.print(
            f"Evidently report: {outcome.report_path} (under the reports directory)", highlight=False
        )
    if outcome.error and outcome.status == "succeeded":
        console.print(f"[yellow]warning:[/yellow] {outcome.error}", highlight=False)
