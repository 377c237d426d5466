"""What a run produces, stage by stage, as immutable plain data.

`evaluate` returns an Evaluation (the window's quality and drift results); storing it gives
a run id; the push gives a Delivery; keeping the Evidently report gives a KeptReport; the
pipeline returns all of it as one RunResult, which the CLI prints. No stage changes what an
earlier one returned.
"""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any, Protocol

from driftboard.jobs.window import Window


class RunStatus(StrEnum):
    SUCCEEDED = "succeeded"
    FAILED = "failed"
    SKIPPED = "skipped"  # a catch-up gap, recorded so that it is never silently lost


class FeatureStatus(StrEnum):
    OK = "ok"
    SKIPPED = "skipped"  # nothing to score: missing, empty or duplicated
    ERROR = "error"  # present but unusable, or the test failed on it


class ReasonClass(StrEnum):
    """Why a feature was not scored, in a few words: a label of the pushed status series,
    so a bounded set, where the free-text reason (stored with the run) says it in full."""

    MISSING = "missing"  # dropped from the current data
    DUPLICATED = "duplicated"  # appears more than once in the current data
    ALL_NULL = "all_null"  # no non-null value in the current window
    WRONG_TYPE = "wrong_type"  # values that do not convert to the declared type
    REFERENCE = "reference"  # the reference lacks the column or holds no usable value of it
    TEST_FAILED = "test_failed"  # the drift test failed on it


@dataclass(frozen=True)
class FeatureOutcome:
    feature: str
    role: str
    column_type: str
    status: FeatureStatus
    reason: str | None = None
    stattest: str | None = None
    score: float | None = None
    threshold: float | None = None
    drift_ratio: float | None = None
    drift_detected: bool | None = None
    reference_count: int | None = None
    current_count: int | None = None
    null_share: float | None = None
    reference_null_share: float | None = None
    unseen_share: float | None = None
    reason_class: ReasonClass | None = None  # set when not ok; not stored (the reason is)

    def __post_init__(self) -> None:
        # Plain strings ("ok") are accepted and checked: an unknown status fails here, not in SQL.
        object.__setattr__(self, "status", FeatureStatus(self.status))
        if self.reason_class is not None:
            object.__setattr__(self, "reason_class", ReasonClass(self.reason_class))


class PendingReport(Protocol):
    """An Evidently report a run will keep, built only when asked (it costs seconds)."""

    def build(self) -> Any: ...


@dataclass(frozen=True)
class Evaluation:
    """One window's quality and drift results, before anything is stored."""

    model: str
    window: Window
    status: RunStatus
    started_at: datetime
    finished_at: datetime
    error: str | None = None
    retryable: bool = False  # failed on a source that may come back: worth another attempt
    reference_rows: int | None = None
    current_rows: int | None = None
    drift_share_threshold: float | None = None
    schema_changes: dict[str, Any] | None = None
    reference_fingerprint: str | None = None
    features: tuple[FeatureOutcome, ...] = ()
    report: PendingReport | None = field(default=None, repr=False, compare=False)  # not stored

    def __post_init__(self) -> None:
        object.__setattr__(self, "status", RunStatus(self.status))
        object.__setattr__(self, "features", tuple(self.features))

    @property
    def scored(self) -> list[FeatureOutcome]:
        return [f for f in self.features if f.status == FeatureStatus.OK]

    @property
    def n_drifted(self) -> int:
        return sum(bool(f.drift_detected) for f in self.scored)

    @property
    def share_drifted(self) -> float | None:
        return self.n_drifted / len(self.scored) if self.scored else None

    @property
    def dataset_drift(self) -> bool | None:
        """Evidently's rule: the drifted share reaches drift_share."""
        share = self.share_drifted
        if share is None or self.drift_share_threshold is None:
            return None
        return share >= self.drift_share_threshold

    @property
    def duration_seconds(self) -> float:
        return (self.finished_at - self.started_at).total_seconds()


@dataclass(frozen=True)
class Delivery:
    """The push of a stored run's metrics: when it went out, or why it did not."""

    pushed_at: datetime | None = None
    error: str | None = None


@dataclass(frozen=True)
class KeptReport:
    """The Evidently HTML report of a stored run: its path under the reports directory, or why
    it is missing."""

    path: str | None = None
    error: str | None = None


@dataclass(frozen=True)
class HookCall:
    """The retrain hook's call after a live run at critical drift: when it went out, or why not."""

    called_at: datetime | None = None
    error: str | None = None


@dataclass(frozen=True)
class RunResult:
    """A run as stored, pushed and reported: what the CLI and the scheduler read."""

    evaluation: Evaluation
    run_id: int
    delivery: Delivery | None = None  # None: no Pushgateway configured
    report: KeptReport | None = None  # None: no report kept
    retrain: HookCall | None = None  # None: the hook was not due
    live: bool = True  # the model's newest window: pushed; False: history, stored only

    @property
    def error(self) -> str | None:
        """Why the run failed, or, on a run that succeeded, why its report is missing."""
        return self.evaluation.error or (self.report.error if self.report else None)

    def summary(self) -> dict[str, Any]:
        e = self.evaluation
        return {
            "id": self.run_id,
            "model": e.model,
            "status": e.status.value,
            "error": self.error,
            "window_start": e.window.start.isoformat(),
            "window_end": e.window.end.isoformat(),
            "reference_rows": e.reference_rows,
            "current_rows": e.current_rows,
            "n_features": len(e.scored),
            "n_drifted": e.n_drifted,
            "share_drifted": e.share_drifted,
            "dataset_drift": e.dataset_drift,
            "report_path": self.report.path if self.report else None,
            "push_error": self.delivery.error if self.delivery else None,
            "live": self.live,
            "retrain_error": self.retrain.error if self.retrain else None,
            "schema_changes": e.schema_changes,
        }

    def to_json(self) -> dict[str, Any]:
        return {"run": self.summary(), "features": [asdict(f) for f in self.evaluation.features]}


@dataclass(frozen=True)
class WindowPerformance:
    """One window's predictive performance, once enough of its delayed labels landed."""

    window: Window
    n_rows: int
    n_labeled: int
    metrics: dict[str, float]
    error: str | None = None  # the window's labels or predictions could not be used: why
