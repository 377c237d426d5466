"""Markdown rows of benchmarks/e2e_bench.py: medians, ratios, and each goal's bar beside them."""

from statistics import median
from typing import Any

from benchmarks.e2e.measure import Run, med, ratio

MB = 1_000_000


def _row(*cells: object) -> str:
    return "| " + " | ".join(str(c) for c in cells) + " |"


def _parquet(rows: int, p: dict[str, Any]) -> list[str]:
    warm, floor, cold, ref = p["warm"], p["pyarrow"], p["cold"], p["reference"]
    window = floor[0].json()["bytes"]
    budget = (1.5 * window + p["profile_bytes"]) / MB
    cold_bar = 2 * med(warm, "wall") + med(ref, "wall")
    cold_ratio = median(c.wall / (2 * w.wall + r.wall) for c, w, r in zip(cold, warm, ref, strict=True))
    return [
        _row("case", "measure", "value", "bar"),
        _row("---", "---", "---", "---"),
        _row(f"{rows:,} Parquet", "warm run, wall (median)", f"{med(warm, 'wall'):.2f} s", "≤ 3 s"),
        _row("", "pyarrow reading the window, wall (median)", f"{med(floor, 'wall'):.2f} s", ""),
        _row("", "warm ÷ pyarrow, wall (median of rounds)", f"{ratio(warm, floor):.2f}", "≤ 2"),
        _row("", "warm ÷ pyarrow, CPU (median of rounds)", f"{ratio(warm, floor, 'cpu'):.2f}", ""),
        _row("", "warm peak RSS", f"{med(warm, 'peak_mb'):,.0f} MB", f"≤ {budget:,.0f} MB"),
        _row("", "pyarrow peak RSS", f"{med(floor, 'peak_mb'):,.0f} MB", ""),
        _row(
            "",
            "window in Arrow / profile file",
            f"{window / MB:,.0f} MB / {p['profile_bytes'] / MB:,.0f} MB",
            "",
        ),
        _row(
            "",
            "cold run, wall (median)",
            f"{med(cold, 'wall'):.2f} s",
            f"≤ {cold_bar:.2f} s (2 × warm + reading the reference)",
        ),
        _row("", "pyarrow reading the reference, wall (median)", f"{med(ref, 'wall'):.2f} s", ""),
        _row("", "cold ÷ (2 × warm + reference), wall (median of rounds)", f"{cold_ratio:.2f}", "≤ 1"),
        _row("", "cold peak RSS", f"{med(cold, 'peak_mb'):,.0f} MB", ""),
    ]


def _postgres(pg: dict[str, list[Run]]) -> list[str]:
    sql, copy = pg["sql"], pg["copy"]
    return [
        _row("PostgreSQL", "warm run through ADBC, wall (median)", f"{med(sql, 'wall'):.2f} s", ""),
        _row("", "COPY (query) TO STDOUT into Arrow, wall (median)", f"{med(copy, 'wall'):.2f} s", ""),
        _row("", "run ÷ COPY, wall (median of rounds)", f"{ratio(sql, copy):.2f}", "≤ 2"),
        _row(
            "", "run / COPY peak RSS", f"{med(sql, 'peak_mb'):,.0f} MB / {med(copy, 'peak_mb'):,.0f} MB", ""
        ),
    ]


def _evidently(rows: int, e: dict[str, Any]) -> list[str]:
    report, ours = e["report"], e["ours"]
    finished = report.code == 0
    wall = f"{report.wall:.1f} s" if finished else f"did not finish ({report.output[-200:]!r})"
    return [
        _row(f"{rows:,} Evidently", "pandas + DataDriftPreset report, wall", wall, ""),
        _row("", "its peak RSS", f"{report.peak_mb:,.0f} MB", ""),
        _row(
            "", "driftboard cold run (reads and profiles the reference), wall", f"{e['cold'].wall:.2f} s", ""
        ),
        _row("", "driftboard warm run, wall", f"{ours.wall:.2f} s", ""),
        _row(
            "",
            "Evidently ÷ driftboard warm, wall",
            f"{report.wall / ours.wall:.0f}×" if finished else "-",
            "",
        ),
        _row(
            "",
            "Evidently ÷ driftboard cold, wall",
            f"{report.wall / e['cold'].wall:.0f}×" if finished else "-",
            "",
        ),
        _row(
            "", "max abs score difference", f"{e['max_abs_diff']:.1e} over {e['compared']} columns", "≤ 1e-9"
        ),
    ]


def report(result: dict[str, Any]) -> str:
    lines: list[str] = []
    rows = result["rows"]
    if "parquet" in result:
        lines += _parquet(rows, result["parquet"])
    if "postgres" in result:
        lines += _postgres(result["postgres"])
    if "evidently" in result:
        if not lines:
            lines += [_row("case", "measure", "value", "bar"), _row("---", "---", "---", "---")]
        lines += _evidently(rows, result["evidently"])
    return "\n".join(lines)
