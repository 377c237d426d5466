"""Hive-style partitions (`dt=2026-02-03/hour=05/part-0.parquet`): the time span each file's
folder names cover, so that a window opens only the files that can hold its rows.

Recognised keys: a date (`2026-02-03`) or a date and time (`2026-02-03T05`,
`2026-02-03 05:00:00`) under any name; `year`, `month`, `day`, `hour` as numbers. Values
are read in the spec's `timestamp_timezone`, or UTC. A file whose folders name no time is
always read.
"""

import re
from datetime import datetime, timedelta
from urllib.parse import unquote
from zoneinfo import ZoneInfo

from driftboard.jobs.window import Window

DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
DATE_HOUR = re.compile(r"(\d{4})-(\d{2})-(\d{2})[T ](\d{2})")
PARTS = ("year", "month", "day", "hour")


def keys_below(root: str, path: str) -> dict[str, str]:
    """`key=value` folder names of a file's path between the dataset's root and the file."""
    return keys(path.removeprefix(root.rstrip("/") + "/"))


def keys(relative: str) -> dict[str, str]:
    """`key=value` folder names of a path below the dataset's root."""
    found = {}
    for part in relative.replace("\\", "/").split("/")[:-1]:
        key, sep, value = part.partition("=")
        if sep and key:
            found[key.lower()] = unquote(value)
    return found


def _from_value(value: str) -> tuple[datetime, timedelta] | None:
    if match := DATE_HOUR.fullmatch(value[:13]):
        year, month, day, hour = map(int, match.groups())
        return datetime(year, month, day, hour), timedelta(hours=1)
    if match := DATE.fullmatch(value):
        year, month, day = map(int, match.groups())
        return datetime(year, month, day), timedelta(days=1)
    return None


def _from_parts(found: dict[str, str]) -> tuple[datetime, timedelta] | None:
    year, month, day, hour = (int(found[k]) if found.get(k, "").isdigit() else None for k in PARTS)
    if year is None:
        return None
    if month is None:
        return datetime(year, 1, 1), timedelta(days=366 if year % 4 == 0 else 365)  # widened: never too short
    if day is None:
        return datetime(year, month, 1), timedelta(days=31)
    start = datetime(year, month, day, hour or 0)
    return start, timedelta(hours=1) if hour is not None else timedelta(days=1)


def span(found: dict[str, str], zone: str) -> tuple[datetime, datetime] | None:
    """The instants a partition covers, in UTC; None when its keys name no time."""
    try:
        dated = next((s for v in found.values() if (s := _from_value(v))), None) or _from_parts(found)
        if dated is None:
            return None
        start, length = dated
        if "hour" in found and found["hour"].isdigit() and length == timedelta(days=1):
            start, length = start + timedelta(hours=int(found["hour"])), timedelta(hours=1)
    except ValueError:  # 2026-02-30: not a date after all
        return None
    tz = ZoneInfo(zone)
    # Local folders on a DST change day are an hour longer or shorter: widen by one on each side.
    slack = timedelta(hours=1) if zone != "UTC" else timedelta(0)
    return (start.replace(tzinfo=tz) - slack, (start + length).replace(tzinfo=tz) + slack)


def overlaps(found: dict[str, str], zone: str, window: Window) -> bool:
    covered = span(found, zone)
    return covered is None or (covered[0] < window.end and covered[1] > window.start)
