"""What the checks need of the reference, kept beside its profile so that an unchanged
reference is neither read nor hashed again: its rows, every column's pandas dtype, and per
scored column either why it cannot be scored or its counts (and categories).

A restored side has counts but no values; if anything asks for them (Evidently's function
for a test without a native version, a kept HTML report), they are read from the source then.
"""

import os
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import asdict, dataclass
from typing import Any

import pyarrow as pa

from driftboard.data import convert, quality
from driftboard.data.columnar import Facts, Side
from driftboard.data.request import Read
from driftboard.jobs.stattests import ColumnType
from driftboard.results import FeatureStatus

LABEL = "reference data"


@dataclass(frozen=True)
class Summary:
    rows: int
    dtypes: dict[str, list[str]]
    columns: dict[str, dict[str, Any]]  # name -> {type, status, problem, facts}

    def covers(self, scored: dict[str, ColumnType]) -> bool:
        return all(self.columns.get(n, {}).get("type") == t for n, t in scored.items())

    def to_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> "Summary":
        return cls(int(data["rows"]), dict(data["dtypes"]), dict(data["columns"]))


def _entry(column_type: ColumnType, checked: quality.Checked) -> dict[str, Any]:
    facts = asdict(checked.side.facts) if checked.side else None
    status = checked.status.value if checked.status else None
    return {"type": column_type, "status": status, "problem": checked.problem, "facts": facts}


def summarize(read: Read, scored: dict[str, ColumnType]) -> tuple[Summary, dict[str, quality.Checked]]:
    """The reference just read: its checked sides (with values) and their summary."""
    with ThreadPoolExecutor(os.cpu_count() or 1) as pool:  # numpy and Arrow release the GIL
        found = pool.map(lambda n: quality.check_side(read.table, n, scored[n], "reference", True), scored)
        checked = dict(zip(scored, found, strict=True))
    columns = {n: _entry(scored[n], c) for n, c in checked.items()}
    return Summary(read.table.num_rows, read.dtypes, columns), checked


def restore(
    summary: Summary, scored: dict[str, ColumnType], table: Callable[[], pa.Table]
) -> dict[str, quality.Checked]:
    """Sides from the summary; `table` reads the reference if values are ever needed."""
    return {n: _restored(summary.columns[n], n, t, table) for n, t in scored.items()}


def _restored(
    entry: dict[str, Any], name: str, column_type: ColumnType, table: Callable[[], pa.Table]
) -> quality.Checked:
    if entry["status"] is not None:
        return quality.Checked(status=FeatureStatus(entry["status"]), problem=entry["problem"])
    raw = dict(entry["facts"])
    categories = raw.pop("categories")
    facts = Facts(**raw, categories=tuple(categories) if categories is not None else None)

    def load() -> pa.ChunkedArray:
        found = quality.check_side(table(), name, column_type, "reference", keep=False)
        if found.side is None:  # the file changed under the same identity: say so, do not guess
            raise ValueError(f"reference column {name!r} changed since it was summarised: {found.problem}")
        return found.side.arrow()

    return quality.Checked(side=Side(column_type, facts, load=load))


__all__ = ["Summary", "convert", "restore", "summarize"]
