"""Evidently's DataDriftPreset report, read by column name, never by position.

Two uses: the `evidently` drift engine (scores straight from the report, as before the fast
path), and the HTML report of a kept run, built lazily and, for large data, from a sample.
"""

import html
import logging
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from driftboard.data.quality import Column
from driftboard.drift.scores import DriftResult, Score
from driftboard.jobs import stattests
from driftboard.jobs.spec import Drift

log = logging.getLogger(__name__)
VALUE_DRIFT = "evidently:metric_v2:ValueDrift"
SAMPLE_SEED = 0
# Evidently aligns categories in quadratic time (a 50k-distinct column costs its report 300 s):
# a kept report shows the most frequent ones and lumps the rest. The stored scores use them all.
REPORT_MAX_CATEGORIES = 100
OTHER = "(other categories)"


def preset_options(drift: Drift, columns: list[str]) -> dict[str, Any]:
    """The spec's drift settings in DataDriftPreset's own terms (same precedence rules)."""
    return {
        "columns": columns,
        "method": drift.method,
        "threshold": drift.threshold,
        "num_method": drift.numerical.method,
        "num_threshold": drift.numerical.threshold,
        "cat_method": drift.categorical.method,
        "cat_threshold": drift.categorical.threshold,
        "per_column_method": {c: t.method for c, t in drift.per_column.items() if t.method and c in columns},
        "per_column_threshold": {
            c: t.threshold for c, t in drift.per_column.items() if t.threshold and c in columns
        },
        "drift_share": drift.drift_share,
    }


def run_report(ref: pd.DataFrame, cur: pd.DataFrame, types: dict[str, str], drift: Drift) -> Any:
    """Evidently's report, exactly as a user would run it; imported late (it costs ~4 s)."""
    from evidently import DataDefinition, Dataset, Report
    from evidently.presets import DataDriftPreset

    definition = DataDefinition(
        numerical_columns=[c for c, t in types.items() if t == "numerical"],
        categorical_columns=[c for c, t in types.items() if t == "categorical"],
    )
    report = Report([DataDriftPreset(**preset_options(drift, list(types)))], include_tests=True)
    with warnings.catch_warnings():  # numpy/scipy noise on constant columns; the scores stand
        warnings.simplefilter("ignore")
        return report.run(
            Dataset.from_pandas(cur, data_definition=definition),
            Dataset.from_pandas(ref, data_definition=definition),
        )


def read_scores(snapshot: Any) -> dict[str, Score]:
    scores = {}
    for result in snapshot.metric_results.values():
        params = result.metric_value_location.metric.params
        if params.get("type") != VALUE_DRIFT:
            continue
        test = stattests.lookup(params["method"])
        value, threshold = float(result.value), float(params["threshold"])
        failed = any(t.status.value == "FAIL" for t in result.tests or [])
        ratio = stattests.drift_ratio(test, value, threshold)
        scores[params["column"]] = Score(test.id, value, threshold, failed, ratio)
    return scores


def frames(columns: list[Column]) -> tuple[pd.DataFrame, pd.DataFrame]:
    ref = pd.DataFrame({c.name: c.reference.reset_index(drop=True) for c in columns})
    cur = pd.DataFrame({c.name: c.current.reset_index(drop=True) for c in columns})
    return ref, cur


def _types(columns: list[Column]) -> dict[str, str]:
    return {c.name: c.column_type for c in columns}


def _one_by_one(columns: list[Column], drift: Drift) -> DriftResult:
    """Fallback when the joint report raised: isolate the column that broke it."""
    scores, errors = {}, {}
    for col in columns:
        ref, cur = frames([col])
        try:
            scores.update(read_scores(run_report(ref, cur, _types([col]), drift)))
        except Exception as exc:  # Evidently raises bare ValueError/TypeError/sklearn errors
            errors[col.name] = f"Evidently could not score it: {type(exc).__name__}: {exc}"
    return DriftResult(scores, errors)


@dataclass
class Prebuilt:
    """The report the `evidently` engine already ran to get its scores."""

    snapshot: Any

    def build(self) -> Any:
        return self.snapshot


def score_with_report(columns: list[Column], drift: Drift) -> DriftResult:
    """The `evidently` engine: scores read from the joint report; one bad column never sinks the others."""
    if not columns:
        return DriftResult({}, {})
    ref, cur = frames(columns)
    try:
        snapshot = run_report(ref, cur, _types(columns), drift)
    except Exception:
        return _one_by_one(columns, drift)
    return DriftResult(read_scores(snapshot), {}, Prebuilt(snapshot))


@dataclass
class NotedReport:
    """Evidently's snapshot plus what its HTML leaves out, written at the top of the page."""

    snapshot: Any
    notes: list[str]

    def save_html(self, path: str) -> None:
        self.snapshot.save_html(path)
        if self.notes:
            _prepend(Path(path), self.notes)


def _prepend(path: Path, notes: list[str]) -> None:
    page = path.read_text(encoding="utf-8")
    body = page.find("<body")
    at = page.find(">", body) + 1 if body >= 0 else 0
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    banner = (
        '<div style="font-family:sans-serif;background:#fff4d6;border:1px solid #e0b000;'
        f'padding:8px 16px;margin:8px"><b>This report is built from a sample</b><ul>{items}</ul></div>'
    )
    path.write_text(page[:at] + banner + page[at:], encoding="utf-8")


@dataclass
class SampledReport:
    """The HTML report of a fast-path run, built only if kept. For large data it shows at most
    `max_columns` columns (drifted first, then by drift ratio) and `sample_rows` rows of each
    side (uniform, seed 0), and of a categorical column the REPORT_MAX_CATEGORIES most frequent
    categories (the rest lumped): its scores are then the sample's; the run keeps the full ones.
    The saved HTML says so at the top of the page."""

    columns: list[Column]
    drift: Drift
    scores: dict[str, Score]
    sample_rows: int = 0  # 0: every row
    max_columns: int = 0  # 0: every column
    label: str = ""
    notes: list[str] = field(default_factory=list)

    def build(self) -> NotedReport:
        self.notes = []
        shown = self._shown()
        ref, cur = self._sample(shown, "reference"), self._sample(shown, "current")
        for col in shown:
            if col.column_type == "categorical":
                self._lump(ref, cur, col.name)
        return NotedReport(run_report(ref, cur, _types(shown), self.drift), self.notes)

    def _shown(self) -> list[Column]:
        if not self.max_columns or len(self.columns) <= self.max_columns:
            return self.columns
        ranked = sorted(self.columns, key=lambda c: self._severity(c.name), reverse=True)
        chosen = {c.name for c in ranked[: self.max_columns]}
        self._note("shows %d of %d columns, drifted first", self.max_columns, len(self.columns))
        return [c for c in self.columns if c.name in chosen]

    def _severity(self, name: str) -> tuple[bool, float]:
        s = self.scores[name]
        return s.drift_detected, s.drift_ratio

    def _sample(self, shown: list[Column], side: str) -> pd.DataFrame:
        """The sampled rows only are copied into the report's frame (a 1M-row copy costs seconds)."""
        series = [getattr(c, side).reset_index(drop=True) for c in shown]
        rows = len(series[0])
        if not self.sample_rows or rows <= self.sample_rows:
            return pd.DataFrame({c.name: s for c, s in zip(shown, series, strict=True)})
        self._note("uses a uniform sample of %d of %d %s rows", self.sample_rows, rows, side)
        at = pd.RangeIndex(rows).to_series().sample(n=self.sample_rows, random_state=SAMPLE_SEED).to_numpy()
        return pd.DataFrame(
            {c.name: s.iloc[at].reset_index(drop=True) for c, s in zip(shown, series, strict=True)}
        )

    def _lump(self, ref: pd.DataFrame, cur: pd.DataFrame, name: str) -> None:
        """Categories past the most frequent REPORT_MAX_CATEGORIES (both sides) become OTHER."""
        counts = ref[name].value_counts().add(cur[name].value_counts(), fill_value=0)
        if len(counts) <= REPORT_MAX_CATEGORIES:
            return
        top = counts.nlargest(REPORT_MAX_CATEGORIES).index
        for frame in (ref, cur):
            frame[name] = frame[name].where(frame[name].isin(top) | frame[name].isna(), OTHER)
        what = "shows the %d most frequent of %d categories of %r, the others as %r"
        self._note(what, REPORT_MAX_CATEGORIES, len(counts), name, OTHER)

    def _note(self, what: str, *args: object) -> None:
        """Logged with the run's model and window, and shown on the page: the HTML differs from
        the stored scores."""
        self.notes.append("The report " + what % args + "; the run's stored scores use all of them.")
        log.info(
            "%sEvidently report " + what + "; the run's stored scores use all of them", self.label, *args
        )
