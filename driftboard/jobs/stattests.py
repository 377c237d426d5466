"""Catalogue of Evidently's drift tests, kept import-free so validating a spec stays fast.

`tests/jobs/test_stattests.py` checks it against Evidently's own registry, so it cannot drift
from the library we pin.
"""

import math
from dataclasses import dataclass
from typing import Literal

ColumnType = Literal["numerical", "categorical"]


@dataclass(frozen=True)
class StatTest:
    id: str
    display_name: str
    column_types: frozenset[str]
    default_threshold: float
    pvalue: bool  # p-value tests flag drift below the threshold, distances at or above it


def _t(id_: str, name: str, types: str, threshold: float, pvalue: bool) -> StatTest:
    kinds = {"n": "numerical", "c": "categorical"}
    return StatTest(id_, name, frozenset(kinds[t] for t in types), threshold, pvalue)


CATALOGUE: dict[str, StatTest] = {
    t.id: t
    for t in (
        _t("anderson", "Anderson-Darling", "n", 0.1, True),
        _t("chisquare", "chi-square p_value", "c", 0.05, True),
        _t("cramer_von_mises", "Cramer-von Mises", "n", 0.1, True),
        _t("ed", "Energy-distance", "n", 0.1, False),
        _t("empirical_mmd", "empirical_mmd", "n", 0.1, True),
        _t("es", "Epps-Singleton", "n", 0.05, True),
        _t("fisher_exact", "Fisher's Exact test", "c", 0.1, True),
        _t("g_test", "g_test", "c", 0.1, True),
        _t("hellinger", "Hellinger distance", "nc", 0.1, False),
        _t("jensenshannon", "Jensen-Shannon distance", "nc", 0.1, False),
        _t("kl_div", "Kullback-Leibler divergence", "nc", 0.1, False),
        _t("ks", "K-S p_value", "n", 0.05, True),
        _t("mannw", "Mann-Whitney U-rank test", "n", 0.05, True),
        _t("psi", "PSI", "nc", 0.1, False),
        _t("t_test", "t_test", "n", 0.05, True),
        _t("TVD", "Total-Variation-Distance", "c", 0.1, True),
        _t("wasserstein", "Wasserstein distance (normed)", "n", 0.1, False),
        _t("z", "Z-test p_value", "c", 0.05, True),
    )
}
_BY_DISPLAY = {t.display_name: t for t in CATALOGUE.values()}


def lookup(name: str) -> StatTest:
    """Find a test by id or by the display name Evidently reports when it chose the test."""
    found = CATALOGUE.get(name) or _BY_DISPLAY.get(name)
    if found is None:
        raise KeyError(f"unknown stattest {name!r}; known: {', '.join(sorted(CATALOGUE))}")
    return found


def drift_ratio(test: StatTest, score: float, threshold: float) -> float:
    """Severity relative to the threshold, direction-free: 1.0 is the threshold, above is drift.

    p-values compare on a log scale so that p=1e-50 reads as far worse than p=0.04.
    """
    if test.pvalue:
        return math.log(max(score, 1e-300)) / math.log(threshold)
    return score / threshold if threshold > 0 else math.inf
