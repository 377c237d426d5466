"""`driftboard history MODEL`: the features × runs grid in the terminal, worst feature first,
coloured by the drift ratio on the Grafana heatmap's scale (driftboard.colours)."""

import json
from datetime import datetime
from typing import TYPE_CHECKING, Annotated

import typer
from rich.console import Console
from rich.text import Text

from driftboard.cli.options import (
    EndOption,
    ModelArgument,
    PeriodOption,
    app,
    examples,
    fail,
    load_settings,
    parse_at,
)
from driftboard.colours import NO_DATA_HEX, Step, legend, ratio_scale, step_of
from driftboard.errors import StoreError

if TYPE_CHECKING:  # imported lazily, to start fast
    from driftboard.reports.driftgrid import Grid

LABEL_WIDTH, WORST_WIDTH = 28, 8
RUN_MARKS = {"succeeded": ("·", "#8E8E8E"), "failed": ("✕", "#F2495C"), "skipped": ("-", "#8E8E8E")}


@app.command(
    epilog=examples(
        "driftboard history example-churn --end 2026-01-03",
        "driftboard history churn --period 7d",
        "driftboard history churn --json | jq '.features[0]'",
        exits="Exit codes: 0 shown; 2 unknown model or bad option; 3 results database unusable.",
    )
)
def history(
    model: ModelArgument,
    period: PeriodOption = "30d",
    end: EndOption = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the grid as one JSON object.")] = False,
) -> None:
    """Features × runs of one model over a period, worst feature first, each cell its drift ratio in
    the colours of the Grafana heatmap."""
    grid = load_grid(model, period, end)
    if as_json:
        typer.echo(json.dumps(as_document(grid), indent=2))
    else:
        draw(grid, Console(highlight=False))


def period_bounds(period: str, end: str | None) -> tuple[datetime, datetime]:
    from driftboard.jobs.durations import parse_duration

    try:
        length = parse_duration(period)
    except ValueError as exc:
        fail(f"--period: {exc}", 2)
    last = parse_at(end, "--end")
    return last - length, last


def load_grid(model: str, period: str, end: str | None) -> "Grid":
    """The model's grid over the period; exit 2 naming the known models when it has no runs at all."""
    from driftboard.reports import driftgrid
    from driftboard.store import connect
    from driftboard.store.runs import timeline

    start, last = period_bounds(period, end)
    try:
        engine = connect.open_store(load_settings())
    except StoreError as exc:
        fail(str(exc), 3)
    try:
        known = timeline.known_models(engine)
        if model not in known:
            fail(f"no runs of model {model!r} are stored; known: {', '.join(known) or 'none'}", 2)
        return driftgrid.build(engine, model, start, last)
    finally:
        engine.dispose()


def as_document(grid: "Grid") -> dict[str, object]:
    return {
        "model": grid.model, "start": grid.start.isoformat(), "end": grid.end.isoformat(),
        "runs": [{"window_end": r.window_end.isoformat(), "status": r.status} for r in grid.runs],
        "features": [{"feature": f, "worst": grid.worst(f), "ratios": ratios(grid, f)}
                     for f in grid.features],
    }  # fmt: skip


def ratios(grid: "Grid", feature: str) -> list[float | None]:
    return [c.drift_ratio if c else None for c in grid.row(feature)]


def columns(n_runs: int, width: int) -> list[range]:
    """Which runs each printed column covers: one run each, or equal slices when they do not fit."""
    n_cols = max(1, min(n_runs, width))
    return [range(i * n_runs // n_cols, (i + 1) * n_runs // n_cols) for i in range(n_cols)]


def cell(ratios: list[float | None], scale: tuple[Step, ...]) -> Text:
    """A column's mark: its worst ratio's colour, or a dot when no run in it scored the feature."""
    scored = [r for r in ratios if r is not None]
    if not scored:
        return Text("·", style=NO_DATA_HEX)
    return Text("█", style=step_of(max(scored), scale).hex)


def draw(grid: "Grid", out: Console) -> None:
    if not grid.runs:
        out.print(
            f"{grid.model}: no runs between {grid.start:%Y-%m-%d %H:%M} and {grid.end:%Y-%m-%d %H:%M} UTC"
        )
        return
    slices = columns(len(grid.runs), max(10, out.width - LABEL_WIDTH - WORST_WIDTH - 2))
    per = "one column per run" if len(slices) == len(grid.runs) else "a column is the worst of ~"
    per += "" if len(slices) == len(grid.runs) else f"{len(grid.runs) / len(slices):.1f} runs"
    first, last = grid.runs[0].window_end, grid.runs[-1].window_end
    out.print(f"[bold]{grid.model}[/bold]: {len(grid.runs)} runs, windows ending {first:%Y-%m-%d %H:%M} to "
              f"{last:%Y-%m-%d %H:%M} UTC ({per}); worst feature first")  # fmt: skip
    scale = ratio_scale()
    out.print(_row("runs", [_run_mark(grid, s) for s in slices], ""))
    for feature in grid.features:
        row, worst = ratios(grid, feature), grid.worst(feature)
        marks = [cell([row[i] for i in s], scale) for s in slices]
        out.print(_row(feature, marks, "" if worst is None else f"{worst:.2f}"))
    out.print(_legend(scale))


def _run_mark(grid: "Grid", runs: range) -> Text:
    statuses = {grid.runs[i].status for i in runs}
    worst = next((s for s in ("failed", "skipped", "succeeded") if s in statuses), "succeeded")
    mark, colour = RUN_MARKS[worst]
    return Text(mark, style=colour)


def _row(label: str, marks: list[Text], worst: str) -> Text:
    name = label if len(label) <= LABEL_WIDTH else label[: LABEL_WIDTH - 1] + "…"
    return Text.assemble(f"{name:<{LABEL_WIDTH}} ", *marks, f" {worst:>{WORST_WIDTH - 1}}")


def _legend(scale: tuple[Step, ...]) -> Text:
    parts: list[str | tuple[str, str]] = ["drift ratio (score against threshold): "]
    for words, step in legend(scale):
        parts += [("█", step.hex), f" {words} {step.meaning}  "]
    parts += [("·", NO_DATA_HEX), " not scored (skipped or failed)  runs: ✕ failed, - skipped"]
    return Text.assemble(*parts)
