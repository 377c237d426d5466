"""Human-readable output of a run for the terminal."""

from rich.console import Console
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
    for title in ("feature", "type", "stattest", "score", "threshold", "drift", "nulls", "note"):
        table.add_column(title, justify="right" if title in {"score", "threshold", "nulls"} else "left")
    for f in sorted(outcome.features, key=lambda f: -(f.drift_ratio or 0)):
        nulls = "" if f.null_share is None else f"{f.null_share:.1%}"
        note = f.reason or ""
        table.add_row(
            f.feature,
            f.column_type,
            f.stattest or "",
            _fmt(f.score),
            _fmt(f.threshold),
            _drift_cell(f),
            nulls,
            note,
        )
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
