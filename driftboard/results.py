"""What a run produced, as plain data: the store, the CLI and the push all read this."""

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any, Protocol

from driftboard.jobs.window import Window


@dataclass
class FeatureOutcome:
    feature: str
    role: str
    column_type: str
    status: str  # ok | skipped | error
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


class PendingReport(Protocol):
    """An Evidently report a run will keep, built only when asked (it costs seconds)."""

    def build(self) -> Any: ...


@dataclass
class RunOutcome:
    model: str
    window: Window
    status: str  # succeeded | failed
    started_at: datetime
    finished_at: datetime
    error: str | None = None
    reference_rows: int | None = None
    current_rows: int | None = None
    drift_share_threshold: float | None = None
    schema_changes: dict[str, Any] | None = None
    reference_fingerprint: str | None = None
    report_path: str | None = None
    pushed_at: datetime | None = None
    push_error: str | None = None
    features: list[FeatureOutcome] = field(default_factory=list)
    run_id: int | None = None
    report: PendingReport | None = field(default=None, repr=False, compare=False)  # not stored

    @property
    def scored(self) -> list[FeatureOutcome]:
        return [f for f in self.features if f.status == "ok"]

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

    def summary(self) -> dict[str, Any]:
        return {
            "id": self.run_id,
            "model": self.model,
            "status": self.status,
            "error": self.error,
            "window_start": self.window.start.isoformat(),
            "window_end": self.window.end.isoformat(),
            "n_features": len(self.scored),
            "n_drifted": self.n_drifted,
            "share_drifted": self.share_drifted,
            "dataset_drift": self.dataset_drift,
            "report_path": self.report_path,
            "push_error": self.push_error,
        }

    def to_json(self) -> dict[str, Any]:
        return {"run": self.summary(), "features": [asdict(f) for f in self.features]}
