"""References relative to the window: the N windows before it (rolling) or the same window
shifted back (seasonal). Plain arithmetic on windows; reading them is the data stage's job.

An offset in years is calendar years (29 February falls back to the 28th), so a yearly
seasonal reference covers the same dates, not 365 days earlier.
"""

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from driftboard.jobs.durations import parse_duration
from driftboard.jobs.window import Window

_YEARS = re.compile(r"(\d+)y(.*)")


@dataclass(frozen=True)
class Offset:
    years: int
    delta: timedelta

    def back(self, moment: datetime) -> datetime:
        year = moment.year - self.years
        day = min(moment.day, 28) if (moment.month, moment.day) == (2, 29) else moment.day
        return moment.replace(year=year, day=day) - self.delta


def parse_offset(text: object) -> Offset:
    """'1w', '30d', '1y', '1y1d': calendar years, then a duration ('90s' … '1w')."""
    if not isinstance(text, str) or not text.strip():
        raise ValueError(f"{text!r} is not an offset like '1d', '1w' or '1y'")
    found = _YEARS.fullmatch(text.strip())
    if found is None:
        return Offset(0, _duration(text))
    years, rest = int(found[1]), found[2]
    if not 1 <= years <= 100:
        raise ValueError(f"offset {text!r}: years must be between 1 and 100")
    return Offset(years, _duration(rest) if rest else timedelta(0))


def _duration(text: str) -> timedelta:
    try:
        return parse_duration(text)
    except ValueError:
        raise ValueError(f"{text!r} is not an offset like '1d', '1w', '1y' or '1y1d'") from None


def previous_windows(window: Window, count: int) -> Window:
    """The `count` windows of the same length just before `window`."""
    length = window.end - window.start
    return Window(window.start - count * length, window.start)


def shifted(window: Window, offset: Offset) -> Window:
    return Window(offset.back(window.start), offset.back(window.end))
