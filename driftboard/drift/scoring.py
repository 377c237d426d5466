"""Per-feature drift scores: Evidently's DataDriftPreset results, by one of three engines.

`fast` (default): driftboard.drift.fast, the same scores and flags from a cached reference
profile, in parallel over columns; the Evidently report is built later, only for runs that
keep it. `evidently`: the report itself, run on every window (slow; the reference).
`spark`: driftboard.drift.spark, the same scores computed in Apache Spark.
"""

from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from driftboard.data.quality import Column
from driftboard.drift import fast
from driftboard.drift.evidently_report import SampledReport, score_with_report
from driftboard.drift.fast import cache, prepare
from driftboard.drift.scores import DriftResult, ProfileUse, Score
from driftboard.jobs.spec import Drift
from driftboard.settings import DriftEngine, Settings

__all__ = ["DriftOptions", "DriftResult", "ProfileUse", "Score", "score"]


@dataclass(frozen=True)
class DriftOptions:
    engine: DriftEngine = "fast"
    cache_dir: Path | None = None  # None: profiles are built per run and not saved
    workers: int = 0  # 0: one thread per core
    report_sample_rows: int = 0  # 0: the report sees every row
    report_max_columns: int = 0  # 0: the report shows every column
    spark_master: str = "local[*]"  # the spark engine's master URL or sc:// address
    spark_cache_dir: str | None = None  # None: <cache_dir>/spark

    def spark_tables_dir(self) -> str | None:
        """Where the spark engine keeps reference tables; None: nowhere (no cache_dir either)."""
        if self.spark_cache_dir:
            return self.spark_cache_dir
        return str((self.cache_dir / "spark").resolve()) if self.cache_dir is not None else None

    @classmethod
    def from_settings(cls, settings: Settings) -> "DriftOptions":
        return cls(
            settings.drift_engine,
            settings.cache_dir,
            settings.drift_workers,
            settings.report_sample_rows,
            settings.report_max_columns,
            settings.spark_master,
            settings.spark_cache_dir,
        )


def stored_reference(options: DriftOptions, reference_key: str, drift: Drift) -> dict[str, Any] | None:
    """The reference summary kept with this reference's profiles, if the cache has one."""
    if options.engine != "fast" or options.cache_dir is None:
        return None
    return cache.read_reference(prepare.profile_file(options.cache_dir, reference_key, drift))


def score(
    columns: list[Column],
    drift: Drift,
    options: DriftOptions = DriftOptions(),
    reference_key: str | None = None,
    label: str = "",
    reference: dict[str, Any] | None = None,
) -> DriftResult:
    """Score every checked column; one failing column leaves the others scored.

    `reference_key` identifies the reference data (the run's fingerprint) for the profile cache;
    `reference` is a freshly read reference's summary, stored with its profiles.
    """
    if options.engine == "evidently":
        return score_with_report(columns, drift)
    if options.engine == "spark":
        from driftboard.drift.spark import frames  # PySpark is an extra, imported only when chosen

        result = frames.score_columns(columns, drift, options.spark_master)
    else:
        result = fast.score_columns(
            columns, drift, reference_key, options.cache_dir, options.workers, reference
        )
    kept = [c for c in columns if c.name in result.scores]
    rows, cols = options.report_sample_rows, options.report_max_columns
    return replace(
        result, report=SampledReport(kept, drift, result.scores, rows, cols, label) if kept else None
    )
