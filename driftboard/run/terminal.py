"""Human-readable output of a run for the terminal."""

from typing import Any

from rich.console import Console, JustifyMethod
from rich.table import Table

from driftboard.results import Evaluation, FeatureOutcome, FeatureStatus, RunResult, RunStatus


def _fmt(value: float | None, digits: int = 4) -> str:
    return "" if value is None else f"{value:.{digits}g}"


def _drift_cell(feature: FeatureOutcome) -> str:
    if feature.status != FeatureStatus.OK:  # the reason class, as DriftboardFeatureDead labels it
        kind = f" ({feature.reason_class})" if feature.reason_class else ""
        return f"[yellow]{feature.status}{kind}[/yellow]"
    return "[bold red]DRIFT[/bold red]" if feature.drift_detected else "[green]ok[/green]"


def feature_table(evaluation: Evaluation) -> Table:
    table = Table(show_edge=False, header_style="bold")
    titles = ["feature", "type", "stattest", "score", "threshold", "drift", "nulls"]
    with_notes = any(f.reason for f in evaluation.features)
    for title in [*titles, "note"] if with_notes else titles:
        justify: JustifyMethod = "right" if title in {"score", "threshold", "nulls"} else "left"
        # Only the free-text note may wrap: names and numbers are what a reader scans.
        table.add_column(title, justify=justify, no_wrap=title != "note")
    for f in sorted(evaluation.features, key=lambda f: -(f.drift_ratio or 0)):
        nulls = "" if f.null_share is None else f"{f.null_share:.1%}"
        cells = [f.feature, f.column_type[:3], f.stattest or "", _fmt(f.score), _fmt(f.threshold)]
        cells += [_drift_cell(f), nulls] + ([f.reason or ""] if with_notes else [])
        table.add_row(*cells)
    return table


def print_result(result: RunResult, console: Console) -> None:
    e, s = result.evaluation, result.summary()
    console.print(
        f"[bold]{e.model}[/bold]  window {e.window}  run {result.run_id}  status {e.status}", highlight=False
    )
    if e.features:
        console.print(feature_table(e))
    if e.status == RunStatus.SUCCEEDED:
        share = e.share_drifted or 0.0
        verdict = "[bold red]dataset drift[/bold red]" if e.dataset_drift else "no dataset drift"
        console.print(f"{e.n_drifted} of {s['n_features']} features drifted ({share:.0%}): {verdict}")
    for line in schema_lines(e.schema_changes):
        console.print(f"[yellow]schema:[/yellow] {line}", highlight=False)
    if s["report_path"]:
        console.print(f"Evidently report: {s['report_path']} (under the reports directory)", highlight=False)
    if result.error and e.status == RunStatus.SUCCEEDED:
        console.print(f"[yellow]warning:[/yellow] {result.error}", highlight=False)
    if not result.live:
        console.print("history: a later window is stored, so this one was not pushed", highlight=False)
    if result.retrain:
        done = result.retrain.error or "retrain hook called"
        console.print(
            done if result.retrain.called_at else f"[yellow]warning:[/yellow] {done}", highlight=False
        )


def schema_lines(changes: dict[str, Any] | None) -> list[str]:
    """The run's schema changes, one line per kind, as DriftboardSchemaChanged and
    DriftboardFeatureDead see them; none when nothing changed."""
    changes = changes or {}
    lines = [f"{label}: {', '.join(changes[key])}" for key, label in SCHEMA_LABELS if changes.get(key)]
    dtypes = changes.get("dtype_changed") or {}
    changed = [f"{name} ({d['reference']} → {d['current']})" for name, d in dtypes.items()]
    return lines + ([f"dtype changed: {', '.join(changed)}"] if changed else [])


SCHEMA_LABELS = (("missing", "missing declared columns"), ("added", "undeclared columns added"))
