"""What scoring returns, whichever engine computed it (the fast path or Evidently's report)."""

from dataclasses import dataclass, field
from typing import Any, Protocol


@dataclass(frozen=True)
class Score:
    stattest: str
    score: float
    threshold: float
    drift_detected: bool
    drift_ratio: float


class ReportBuilder(Protocol):
    """Builds Evidently's report on demand: only runs that keep their HTML pay for it."""

    def build(self) -> Any: ...


@dataclass
class ProfileUse:
    """How the reference profile was obtained: `built` counts columns computed in this run."""

    path: str | None
    built: int = 0
    reused: int = 0


@dataclass
class DriftResult:
    scores: dict[str, Score]
    errors: dict[str, str]  # column -> why it could not be scored
    report: ReportBuilder | None = None
    profile: ProfileUse | None = None
    notes: list[str] = field(default_factory=list)
