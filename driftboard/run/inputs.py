"""A run's inputs: the reference (its summary from the profile cache when unchanged, else read
once) and the current window (only its rows and the columns the spec names), both checked.

Nothing here holds a pandas frame: the data stays in Arrow until a column is scored.
"""

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import pyarrow as pa

from driftboard.data import quality, refsource, refsummary, sources
from driftboard.data.request import Request
from driftboard.drift import scoring
from driftboard.errors import DataError
from driftboard.jobs.load import LoadedSpec
from driftboard.jobs.window import Window


def clock() -> datetime:
    """Now, for the SQL reference's refresh period (a function, so tests can move it)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class Inputs:
    key: str  # the reference's identity: the profile cache's key and the run's fingerprint
    reference_rows: int
    current_rows: int
    columns: list[quality.Column]
    schema_changes: dict[str, object]
    fresh: dict[str, Any] | None  # a reference summary to store (the reference was read)
    scored: scoring.DriftResult | None = None  # already scored where the data lives (spark engine)


def _reference(
    loaded: LoadedSpec, window: Window, options: scoring.DriftOptions, limit: int
) -> tuple[refsource.RefSource, refsummary.Summary, dict[str, quality.Checked], bool]:
    spec = loaded.spec
    scored = spec.columns.scored()
    found = refsource.resolve(spec, loaded.base_dir, window, clock(), limit)
    stored = scoring.stored_reference(options, found.key, spec.drift)
    summary = refsummary.Summary.from_json(stored) if stored else None
    if summary is not None and summary.covers(scored):
        memo: list[pa.Table] = []

        def table() -> pa.Table:  # read at most once, and only if a value is ever needed
            if not memo:
                memo.append(sources.read(found.source, found.location, found.request).table)
            return memo[0]

        return found, summary, refsummary.restore(summary, scored, table), False
    read = sources.read(found.source, found.location, found.request)
    summary, checked = refsummary.summarize(read, scored)
    return found, summary, checked, True


def load(loaded: LoadedSpec, window: Window, options: scoring.DriftOptions, limit: int) -> Inputs:
    spec = loaded.spec
    found, summary, ref, fresh = _reference(loaded, window, options, limit)
    key = found.key
    wanted = frozenset(spec.columns.scored()) | {spec.timestamp_column}
    request = Request("current data", wanted, spec.timestamp_column, spec.timestamp_timezone, window, limit)
    cur = sources.read(spec.current, sources.where(spec.current, loaded.base_dir), request)
    if cur.table.num_rows == 0:
        raise DataError("no rows in window")
    refsource.check_rows(found, summary.rows, spec.drift.min_reference_rows)
    scored = spec.columns.scored()
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # numpy and Arrow release the GIL
        sides = list(
            pool.map(lambda n: quality.check_side(cur.table, n, scored[n], "current", False), scored)
        )
    columns = [
        quality.combine(name, spec.columns.role(name), kind, ref[name], side)
        for (name, kind), side in zip(scored.items(), sides, strict=True)
    ]
    changes = quality.schema_changes(spec, summary.dtypes, cur.dtypes)
    return Inputs(
        key, summary.rows, cur.table.num_rows, columns, changes, summary.to_json() if fresh else None
    )
