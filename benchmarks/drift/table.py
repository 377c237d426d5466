"""The drift benchmark's Markdown tables: times and ratios, then memory and score agreement."""

import math
from typing import Any

MB = 1e6
Scores = dict[str, float]


def secs(x: float) -> str:
    return f"{x:.3f} s" if x < 10 else f"{x:.1f} s"


def mb(x: float) -> str:
    return f"{x / MB:,.0f} MB"


def max_diff(ours: Scores, theirs: Scores) -> str:
    """Largest |difference| over the columns both scored, NaN equal to NaN; '-' when none."""
    if not theirs:
        return "-"
    assert set(ours) == set(theirs), set(ours) ^ set(theirs)
    gaps = [
        0.0 if math.isnan(a) and math.isnan(b) else abs(a - b)
        for a, b in ((ours[k], theirs[k]) for k in ours)
    ]
    return f"{max(gaps):.1e}"


def report_time(r: dict[str, Any]) -> str:
    rep = r["report"]
    return secs(rep["seconds"]) if rep["finished"] else f"did not finish in {rep['seconds']:.0f} s"


def ratio(r: dict[str, Any], of: float, key: str = "seconds") -> str:
    rep = r["report"]
    if of <= 0:  # a run shorter than the clock's resolution (CPU time of a tiny case)
        return "n/a"
    return f"{rep[key] / of:,.0f}×" if rep["finished"] else f"≥ {rep[key] / of:,.0f}×"


TIME_HEAD = (
    "case | driftboard cold | driftboard warm | numpy, reference prepared | numpy from scratch "
    "| Evidently functions | Evidently report | report ÷ warm | report ÷ warm, CPU time | report ÷ cold "
    "| warm ÷ numpy prepared "
    "| warm per 1M current values | 1 thread ÷ 2 | CPU ÷ wall (warm) | kept HTML report"
)


def time_row(r: dict[str, Any]) -> str:
    t = r["times"]
    cold, warm, prepared = t["cold"]["seconds"], t["fast"]["seconds"], t["numpy_prepared"]["seconds"]
    cells = [
        r["case"].label,
        secs(cold),
        secs(warm),
        secs(prepared),
        secs(t["numpy_full"]["seconds"]),
        secs(t["evidently_functions"]["seconds"]),
        report_time(r),
        ratio(r, warm),
        ratio(r, t["fast"]["cpu"], "cpu"),
        ratio(r, cold),
        f"{warm / prepared:.2f}",
        secs(warm / (r["case"].current_rows * max(r["case"].columns, 1)) * 1e6),
        f"{t['fast_1_thread']['seconds'] / warm:.2f}",
        f"{t['warm_cpu']:.2f}",
        secs(t["kept_report"]["seconds"]),
    ]
    return " | ".join(cells)


MEMORY_HEAD = (
    "case | frames (deep) | driftboard cold | driftboard warm | numpy prepared | numpy from scratch "
    "| Evidently report | cold ÷ frames | warm ÷ frames | max abs diff vs report (cold, warm, numpy) "
    "| max abs diff vs Evidently functions (cold, warm, numpy)"
)


def memory_row(r: dict[str, Any]) -> str:
    p, t, rep, frames = r["peaks"], r["times"], r["report"], r["frames"]
    runs = [t["cold"]["scores"], t["fast"]["scores"], t["numpy_prepared"]["scores"]]
    functions = t["evidently_functions"]["scores"]
    cells = [
        r["case"].label,
        mb(frames),
        mb(p["cold"]),
        mb(p["warm"]),
        mb(p["numpy_prepared"]),
        mb(p["numpy_full"]),
        mb(rep["peak"]) if rep["finished"] else f"≥ {mb(rep['peak'])}",
        f"{p['cold'] / frames:.2f}",
        f"{p['warm'] / frames:.2f}",
        ", ".join(max_diff(s, rep["scores"]) for s in runs),
        ", ".join(max_diff(s, functions) for s in runs),
    ]
    return " | ".join(cells)


def print_tables(results: list[dict[str, Any]]) -> None:
    for head, row in ((TIME_HEAD, time_row), (MEMORY_HEAD, memory_row)):
        print()
        print(f"| {head} |")
        print("|" + "---|" * (head.count("|") + 1))
        for r in results:
            print(f"| {row(r)} |")
