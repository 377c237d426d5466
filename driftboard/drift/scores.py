"""What scoring returns, whichever engine computed it (the fast path or Evidently's report)."""

from dataclasses import dataclass
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


@dataclass(frozen=True)
class ProfileUse:
    """How the reference profile was obtained: `built` counts columns computed in this run."""

    path: str | None
    built: int = 0
    reused: int = 0


@dataclass(frozen=True)
class DriftResult:
    """The drift stage's result: a score per column, or why a column has none."""

    scores: dict[str, Score]
    errors: dict[str, str]  # column -> why it could not be scored
    report: ReportBuilder | None = None  # Evidently's report, built later and only if kept
    profile: ProfileUse | None = None
