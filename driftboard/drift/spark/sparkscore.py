"""Every column's Evidently score from both sides' tables: the test chosen as Evidently
chooses it, each statistic computed in Spark, only small results collected.

The arithmetic after collection (shares, p-values, distances) is the fast engine's own, so the
two engines agree to rounding; tests/drift/spark/ compares them column by column.
"""

import warnings
from dataclasses import dataclass, field

import numpy as np
from pyspark.sql import DataFrame
from pyspark.sql import functions as sf

from driftboard.drift.fast import binned, choice, counts
from driftboard.drift.fast.binned import HISTOGRAM_ABOVE, sturges_edges
from driftboard.drift.fast.current import Counts
from driftboard.drift.scores import DriftResult, Score
from driftboard.drift.spark import binning, ordered
from driftboard.drift.spark.kstest import ks_pvalue
from driftboard.drift.spark.tables import SideFacts, SideTables
from driftboard.jobs import stattests
from driftboard.jobs.spec import Drift
from driftboard.jobs.stattests import ColumnType

ORDERED = {"ks", "wasserstein"}
SHARES = {"jensenshannon", "psi", "kl_div", "hellinger"}
LEVELS_MAX = 100_000  # distinct values up to which a numerical column's counts are collected
COUNTED = {"hellinger", "chisquare", "z"}  # tests that read a numerical column's distinct values


@dataclass(frozen=True)
class Plan:
    name: str
    k: int
    kind: ColumnType
    test: choice.Choice
    edges: np.ndarray | None = None  # numerical shares from a histogram over these edges


@dataclass
class Gathered:
    """What Spark returned for the planned columns, by column index."""

    unions: dict[int, binning.Union]
    levels: dict[int, Counts]
    values: dict[int, int] = field(default_factory=dict)  # exact distinct counts, where counted
    walked: dict[int, ordered.Walked] = field(default_factory=dict)
    hists: dict[int, tuple[np.ndarray, np.ndarray]] = field(default_factory=dict)


def plan(name: str, k: int, kind: ColumnType, drift: Drift, found: Gathered) -> Plan:
    u = found.unions.get(k) if kind == "numerical" else None
    n, n_values = (u.n, min(u.values or 6, 6)) if u else (found.levels[k].n, len(found.levels[k].keys))
    method, threshold = choice.explicit(drift, name, kind)
    chosen = choice.choose(method or choice.auto_test(kind, n, n_values), threshold)
    edges = None
    if u is not None and chosen.test.id == "hellinger":
        edges = sturges_edges(u.low, u.high, found.values[k])
    elif u is not None and chosen.test.id in SHARES and u.ref_values > HISTOGRAM_ABOVE:
        edges = sturges_edges(u.low, u.high, u.n + u.m)
    return Plan(name, k, kind, chosen, edges)


def score_tables(
    ref: SideTables,
    cur: SideTables,
    columns: dict[str, ColumnType],
    drift: Drift,
    bucket_values: int = ordered.BUCKET_VALUES,
    only: set[str] | None = None,
) -> DriftResult:
    """Scores of the columns usable on both sides (the others are the caller's to record);
    `only`: of these columns only (those that passed the run's checks)."""
    index = {name: i for i, name in enumerate(columns)}
    usable = [n for n in columns if _usable(ref, n) and _usable(cur, n) and (only is None or n in only)]
    nums = binning.both(ref.numbers, cur.numbers, "v")
    texts = binning.both(ref.texts, cur.texts, "s")
    cats = [index[n] for n in usable if columns[n] == "categorical"]
    found = Gathered({}, binning.value_counts(texts, "s", cats))
    counted = [n for n in usable if columns[n] == "numerical" and _counted(n, ref.facts[n], drift)]
    found.values = binning.distinct(nums, [index[n] for n in counted])
    for n in (n for n in usable if columns[n] == "numerical"):
        found.unions[index[n]] = binning.union(ref.facts[n], cur.facts[n], found.values.get(index[n]))
    plans = [plan(n, index[n], columns[n], drift, found) for n in usable]
    _gather(nums, plans, found, bucket_values)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # scipy's noise on empty expected counts; the scores stand
        return _scored(plans, found, {n: ref.facts[n].std for n in usable})


def _counted(name: str, ref: SideFacts, drift: Drift) -> bool:
    """Whether a numerical column's exact distinct count of both sides matters: with few
    reference values (the test choice and value counts) or a test that reads it."""
    method, _ = choice.explicit(drift, name, "numerical")
    return (ref.distinct or 0) <= HISTOGRAM_ABOVE or method in COUNTED


def _usable(side: SideTables, name: str) -> bool:
    found = side.facts.get(name)
    return found is not None and found.problem is None and found.usable > 0


def _gather(nums: DataFrame, plans: list[Plan], found: Gathered, bucket_values: int) -> None:
    """The Spark jobs the plans need: the ordered walk, histograms, and small value counts."""
    walks = [p.k for p in plans if p.test.test.id in ORDERED and p.kind == "numerical"]
    if walks:
        sizes = {k: (found.unions[k].n, found.unions[k].m) for k in walks}
        most = max(found.unions[k].ref_values + found.unions[k].m for k in walks)  # rows, at most
        found.walked = ordered.walk(nums.where(sf.col("k").isin(walks)), sizes, most, bucket_values)
    found.hists = binning.histograms(nums, {p.k: p.edges for p in plans if p.edges is not None})
    few = [p.k for p in plans if p.kind == "numerical" and p.edges is None and p.k not in found.walked]
    few = [k for k in few if found.values.get(k, LEVELS_MAX + 1) <= LEVELS_MAX]
    found.levels.update(binning.value_counts(nums, "v", few))


def _scored(plans: list[Plan], found: Gathered, stds: dict[str, float | None]) -> DriftResult:
    scores, errors = {}, {}
    for p in plans:
        try:
            value = _value(p, found, stds[p.name])
        except (KeyError, ValueError, ZeroDivisionError) as exc:
            errors[p.name] = f"the spark engine could not score it: {type(exc).__name__}: {exc}"
            continue
        test = p.test.test
        flag = choice.drifted(test.id, value, p.test.threshold)
        scores[p.name] = Score(
            test.id, value, p.test.threshold, flag, stattests.drift_ratio(test, value, p.test.threshold)
        )
    return DriftResult(scores, errors)


def _value(p: Plan, found: Gathered, std: float | None) -> float:
    test_id = p.test.test.id
    if test_id in ORDERED and p.kind != "numerical":
        raise ValueError(f"{test_id} applies to numerical columns only")
    if test_id == "ks":
        u = found.unions[p.k]
        return ks_pvalue(found.walked[p.k].d, u.n, u.m)
    if test_id == "wasserstein":
        return found.walked[p.k].w1 / max(std or 0.0, 0.001)
    if test_id in SHARES:
        return _shares(test_id, p, found)
    if test_id == "chisquare":
        return counts.chi_square_of(found.levels[p.k])
    if test_id == "z":
        return counts.z_of(found.levels[p.k])
    raise ValueError(f"the spark engine does not compute {test_id!r}")


def _shares(test_id: str, p: Plan, found: Gathered) -> float:
    if p.edges is not None:
        r, c = found.hists[p.k]
        if test_id == "hellinger":
            return binned.hellinger_of(binned.density_terms(r, c, p.edges))
        ref, cur = r / r.sum(), c / c.sum()
    else:
        counted = found.levels[p.k]
        ref, cur = counted.ref / counted.n, counted.cur / counted.m
        if test_id == "hellinger":
            return binned.hellinger_of(np.sqrt(ref * cur))
    distance = {"jensenshannon": binned.js_of, "psi": binned.psi_of, "kl_div": binned.kl_of}[test_id]
    return float(distance(ref, cur))
