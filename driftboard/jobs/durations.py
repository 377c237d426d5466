"""Human durations in specs: "90s", "15m", "1h", "1d", "1w", or combinations like "1h30m"."""

import re
from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+)([smhdw])")
_WHOLE = re.compile(r"(?:\d+[smhdw])+")


# Longer than any window, schedule or lookback makes sense for, and far inside what datetime
# arithmetic survives: a window of a million days would overflow when its start is computed.
MAX_SECONDS = 100 * 366 * 86400


def parse_duration(text: str) -> timedelta:
    value = text.strip()
    if not _WHOLE.fullmatch(value):
        raise ValueError(f"{text!r} is not a duration like '90s', '15m', '1h', '1d' or '1h30m'")
    return _bounded(sum(int(n) * _UNITS[u] for n, u in _PART.findall(value)), repr(text))


def duration_of(value: object) -> timedelta:
    """A spec's duration: text as above, or a plain number of seconds; positive and bounded."""
    if isinstance(value, str):
        return parse_duration(value)
    if isinstance(value, bool) or not isinstance(value, int | float | timedelta):
        raise ValueError(f"{value!r} is not a duration like '90s', '15m', '1h', '1d' or '1h30m'")
    seconds = value.total_seconds() if isinstance(value, timedelta) else value
    return _bounded(seconds, repr(value))


def _bounded(seconds: float, shown: str) -> timedelta:
    if seconds <= 0:
        raise ValueError(f"duration {shown} must be positive")
    if seconds < 1:  # timedelta keeps microseconds: 1e-154 s would be a window of nothing
        raise ValueError(f"duration {shown} is shorter than a second")
    if seconds > MAX_SECONDS:
        raise ValueError(f"duration {shown} is longer than 100 years")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in sorted(_UNITS.items(), key=lambda kv: -kv[1]):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
