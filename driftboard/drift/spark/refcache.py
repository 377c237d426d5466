"""The reference's per-column tables kept per reference fingerprint, as the fast engine keeps
profiles: an unchanged reference is neither re-read nor re-counted.

Layout under the cache folder (any path Spark writes: local, or s3a://… for a cluster):
`<key>/<writer>/numbers` and `texts` (Parquet) and `meta` (one JSON line: rows, dtypes,
facts, categories), `meta` written last. Each writer has a folder of its own and readers take
any folder whose `meta` exists, so two runs racing on one reference never see half a table.
A local cache folder is kept within DRIFTBOARD_CACHE_MAX_BYTES as the profile cache is (least
recently used keys go first, drift/fast/evict.py); on object storage the bucket's lifecycle
rules do that job (docs/spark.md).
"""

import hashlib
import json
import logging
import uuid
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path

from pyspark.sql import DataFrame, SparkSession

from driftboard.drift.fast import evict
from driftboard.drift.spark.tables import SideFacts, SideTables, TextCounts, release, side_tables
from driftboard.jobs.stattests import ColumnType

log = logging.getLogger(__name__)
FORMAT = "driftboard-spark-reference-2"  # 2: facts carry distinct counts
LABEL = "reference data"


def key(reference_key: str, columns: dict[str, ColumnType]) -> str:
    """Changes with the reference data and with the scored columns (their order is the tables' k)."""
    text = f"{FORMAT}\0{reference_key}\0{json.dumps(list(columns.items()))}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def reference(
    spark: SparkSession,
    folder: str | None,
    found_key: str,
    columns: dict[str, ColumnType],
    read: Callable[[], DataFrame],
    limit: int = 0,
) -> tuple[SideTables, TextCounts, bool]:
    """The reference's tables and category counts, and whether they came from the cache
    (a local cache is trimmed to `limit` bytes after a write)."""
    base = f"{folder.rstrip('/')}/{found_key}" if folder else None
    kept = _load(spark, base) if base else None
    if kept is not None:
        _used(base)
        return (*kept, True)
    tables = side_tables(read(), columns, "reference")
    counts = tables.categories
    if base is None:
        return tables, counts, False
    try:
        _save(spark, f"{base}/{uuid.uuid4().hex}", tables, counts)
    except Exception as exc:  # an unwritable cache costs speed, never the run
        log.warning("spark reference tables not saved under %s: %s", base, str(exc).splitlines()[0])
        return tables, counts, False
    kept = _load(spark, base)
    if kept is None:
        return tables, counts, False
    _trim(folder, limit)
    release(tables)  # the run reads the saved tables from here on
    return (*kept, False)


def _save(spark: SparkSession, folder: str, tables: SideTables, counts: TextCounts) -> None:
    tables.numbers.write.parquet(f"{folder}/numbers")
    tables.texts.write.parquet(f"{folder}/texts")
    facts = {name: asdict(f) for name, f in tables.facts.items()}
    meta = {"rows": tables.rows, "dtypes": tables.dtypes, "facts": facts, "texts": counts}
    spark.createDataFrame([(json.dumps(meta),)], "value string").coalesce(1).write.text(f"{folder}/meta")


def _load(spark: SparkSession, base: str) -> tuple[SideTables, TextCounts] | None:
    try:
        row = spark.read.text(f"{base}/*/meta").select("value", "_metadata.file_path").first()
    except Exception:  # no such folder yet (Spark says so by raising)
        return None
    if row is None:
        return None
    folder = row[1].rsplit("/meta/", 1)[0]
    meta = json.loads(row[0])
    facts = {name: SideFacts(**f) for name, f in meta["facts"].items()}
    numbers, found = spark.read.parquet(f"{folder}/numbers"), spark.read.parquet(f"{folder}/texts")
    counts = {name: (list(c[0]), list(c[1])) for name, c in meta["texts"].items()}
    return SideTables(numbers, found, facts, int(meta["rows"]), meta["dtypes"], counts), counts


def _local(path: str | None) -> Path | None:
    """The folder on this machine's disk, or None for object storage (s3a://…) and the like."""
    if path is None or ("://" in path and not path.startswith("file://")):
        return None
    return Path(path.removeprefix("file://"))


def _used(base: str | None) -> None:
    local = _local(base)
    if local is not None:
        evict.mark_used(local)


def _trim(folder: str | None, limit: int) -> None:
    local = _local(folder)
    removed = evict.trim_folders(local, limit) if local is not None else []
    if removed:
        log.info("spark reference cache over %d bytes: removed %s", limit, ", ".join(removed))
