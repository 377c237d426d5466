"""Where a window's reference comes from: the spec's fixed source, or the spec's current source
cut to a window relative to this one (`previous: N`, `offset: 1y`; jobs/README.md, References).

The key is the resolved reference's identity: the profile cache keeps one profile per resolved
reference, so re-running (or replaying) a window reuses it, and a new window never reads an
old window's profile.
"""

import hashlib
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from driftboard.data import refsummary, sources
from driftboard.data.locate import Location
from driftboard.data.request import Request
from driftboard.errors import DataError
from driftboard.jobs.spec import DataSource, JobSpec, RelativeReference
from driftboard.jobs.window import Window


@dataclass(frozen=True)
class RefSource:
    source: DataSource
    location: Location | None
    key: str
    request: Request
    relative: str | None = None  # "previous: 3, [start, end)" for a relative reference


def resolve(spec: JobSpec, base_dir: Path, window: Window, now: datetime, limit: int) -> RefSource:
    scored = frozenset(spec.columns.scored())
    if isinstance(spec.reference, DataSource):
        location = sources.where(spec.reference, base_dir)
        key = sources.identity(spec.reference, location, now)
        return RefSource(spec.reference, location, key, Request(refsummary.LABEL, scored, limit=limit))
    return _relative(spec, spec.reference, base_dir, window, now, limit)


def _relative(
    spec: JobSpec, ref: RelativeReference, base_dir: Path, window: Window, now: datetime, limit: int
) -> RefSource:
    span = ref.window_for(window)
    if span.end > window.start:
        raise DataError(
            f"reference.{ref.describe()} overlaps the window {window}: "
            "use an offset at least as long as the window"
        )
    location = sources.where(spec.current, base_dir)
    data = sources.identity(spec.current, location, now)
    key = hashlib.sha256(f"driftboard-relative-1\0{data}\0{span}".encode()).hexdigest()
    wanted = frozenset(spec.columns.scored()) | {spec.timestamp_column}
    described = f"{ref.describe()}, {span}"
    label = f"{refsummary.LABEL} ({described})"
    request = Request(label, wanted, spec.timestamp_column, spec.timestamp_timezone, span, limit)
    return RefSource(spec.current, location, key, request, described)


def check_rows(found: RefSource, rows: int, least: int) -> None:
    """Too few reference rows fail the run; for a relative reference, the history is missing."""
    if rows >= least:
        return
    if found.relative is None:
        raise DataError(f"reference data has {rows} rows, fewer than drift.min_reference_rows ({least})")
    raise DataError(
        f"reference ({found.relative}) has {rows} rows of current data, fewer than "
        f"drift.min_reference_rows ({least}): the history it needs is missing"
    )
