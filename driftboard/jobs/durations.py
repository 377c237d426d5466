"""Human durations in specs: "90s", "15m", "1h", "1d", "1w", or combinations like "1h30m"."""

import re
from datetime import timedelta

_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
_PART = re.compile(r"(\d+)([smhdw])")
_WHOLE = re.compile(r"(?:\d+[smhdw])+")


def parse_duration(text: str) -> timedelta:
    value = text.strip()
    if not _WHOLE.fullmatch(value):
        raise ValueError(f"{text!r} is not a duration like '90s', '15m', '1h', '1d' or '1h30m'")
    seconds = sum(int(n) * _UNITS[u] for n, u in _PART.findall(value))
    if seconds <= 0:
        raise ValueError(f"duration {text!r} must be positive")
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    seconds = int(delta.total_seconds())
    parts = []
    for unit, size in sorted(_UNITS.items(), key=lambda kv: -kv[1]):
        count, seconds = divmod(seconds, size)
        if count:
            parts.append(f"{count}{unit}")
    return "".join(parts) or "0s"
