"""Per-feature drift scores: Evidently's DataDriftPreset results, by one of three engines.

`fast` (default): driftboard.drift.fast, the same scores and flags from a cached reference
profile, in parallel over columns; the Evidently report is built later, only for runs that
keep it. `evidently`: the report itself, run on every window (slow; the reference).
`spark`: driftboard.drift.spark, the same scores computed in Apache Spark.
"""

import logging
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from driftboard.data.quality import Column
from driftboard.drift import calibrate, fast
from driftboard.drift.evidently_report import SampledReport, score_with_report
from driftboard.drift.fast import cache, evict, prepare
from driftboard.drift.fast.profile import Profile
from driftboard.drift.scores import DriftResult, ProfileUse, Score
from driftboard.jobs.spec import Drift
from driftboard.settings import DriftEngine, Settings

__all__ = ["DriftOptions", "DriftResult", "ProfileUse", "Score", "score"]
log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DriftOptions:
    engine: DriftEngine = "fast"
    cache_dir: Path | None = None  # None: profiles are built per run and not saved
    workers: int = 0  # 0: one thread per core
    report_sample_rows: int = 0  # 0: the report sees every row
    report_max_columns: int = 0  # 0: the report shows every column
    spark_master: str = "local[*]"  # the spark engine's master URL or sc:// address
    spark_cache_dir: str | None = None  # None: <cache_dir>/spark
    cache_max_bytes: int = 0  # 0: the profile cache has no bound

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
            settings.cache_max_bytes,
        )


def stored_reference(options: DriftOptions, reference_key: str, drift: Drift) -> dict[str, Any] | None:
    """The reference summary kept with this reference's profiles, if the cache has one."""
    if options.engine != "fast" or options.cache_dir is None:
        return None
    return cache.read_reference(prepare.profile_file(options.cache_dir, reference_key, drift.fixed()))


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
    fixed = drift.fixed()  # what the engines score with; calibration re-flags afterwards
    if options.engine == "evidently":
        result = score_with_report(columns, fixed)
    else:
        result = _engine_scores(columns, fixed, options, reference_key, reference)
        kept = [c for c in columns if c.name in result.scores]
        rows, cols = options.report_sample_rows, options.report_max_columns
        report = SampledReport(kept, fixed, result.scores, rows, cols, label) if kept else None
        result = replace(result, report=report)
    return _calibrated(result, columns, drift, options, reference_key)


def _engine_scores(
    columns: list[Column],
    fixed: Drift,
    options: DriftOptions,
    key: str | None,
    reference: dict[str, Any] | None,
) -> DriftResult:
    if options.engine == "spark":
        from driftboard.drift.spark import frames  # PySpark is an extra, imported only when chosen

        return frames.score_columns(columns, fixed, options.spark_master)
    result = fast.score_columns(columns, fixed, key, options.cache_dir, options.workers, reference)
    if options.cache_dir is not None and result.profile is not None and result.profile.built:
        removed = evict.trim(options.cache_dir, options.cache_max_bytes)
        if removed:
            log.info("profile cache over %d bytes: removed %s", options.cache_max_bytes, ", ".join(removed))
    return result


def _calibrated(
    result: DriftResult, columns: list[Column], drift: Drift, options: DriftOptions, key: str | None
) -> DriftResult:
    """Profiles come from the cache the fast engine just filled (or are built here)."""
    fixed = drift.fixed()
    directory = options.cache_dir if options.engine == "fast" else None
    kept = calibrate.path_beside(prepare.profile_file(directory, key, fixed)) if directory and key else None

    def profiles(wanted: list[Column]) -> dict[str, Profile]:
        with ThreadPoolExecutor(1) as pool:
            return prepare.profiles(wanted, fixed, key, directory, pool)[0]

    return calibrate.apply(result, columns, drift, profiles, kept)
