"""A run's window: the half-open UTC interval [start, end) of current data it evaluates.

Plain data, free of the scheduling that produces it (driftboard.jobs.schedule), so results,
reports and logs can name a window without importing APScheduler.
"""

from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, order=True)
class Window:
    start: datetime
    end: datetime

    def __str__(self) -> str:
        return f"[{self.start.isoformat()}, {self.end.isoformat()})"
