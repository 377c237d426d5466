"""Reference profiles for a run's columns: reused from the cache directory, or built and saved.

The key is the caller's reference fingerprint (the runner passes the data hash it already
records on every run) plus the drift settings. Entries are per column and typed, so a new
column or a changed type rebuilds that column only.
"""

import hashlib
import logging
from collections.abc import Iterator
from concurrent.futures import Executor
from itertools import chain
from pathlib import Path
from typing import Any

import pandas as pd

from driftboard.data.quality import Column
from driftboard.drift.fast import cache, profile
from driftboard.drift.fast.profile import NumProfile, Profile
from driftboard.drift.scores import ProfileUse
from driftboard.jobs.spec import Drift

log = logging.getLogger(__name__)
BATCH = 8  # columns built at a time (and 8 more ahead): bounds the memory held before their bytes are written


def data_key(columns: list[Column]) -> str:
    """For callers without a fingerprint: hash the reference values (O(n), like the runner's)."""
    digest = hashlib.sha256()
    for col in columns:
        digest.update(f"{col.name}\0{col.column_type}\0".encode())
        digest.update(pd.util.hash_pandas_object(col.reference, index=False).to_numpy().tobytes())
    return digest.hexdigest()


def _fits(entry: Profile | None, column_type: str) -> bool:
    return entry is not None and isinstance(entry, NumProfile) == (column_type == "numerical")


def _build(col: Column) -> Profile | None:
    """None if it fails: that column is then scored by Evidently's function, the others natively."""
    try:
        if col.ref is not None:
            return profile.from_side(col.ref)
        return profile.build(col.reference, col.column_type)
    except Exception:
        log.warning("column %r: no reference profile", col.name, exc_info=True)
        return None


def _built(pool: Executor, columns: list[Column]) -> Iterator[tuple[str, Profile]]:
    """Batch by batch; the next batch is submitted before this one is handed on, so its
    columns are built while the caller writes these (a cold 1M x 50 profile: about 2 s less)."""
    batches = [columns[start : start + BATCH] for start in range(0, len(columns), BATCH)]
    pending = pool.map(_build, batches[0]) if batches else iter(())
    for k, batch in enumerate(batches):
        done = list(pending)
        if k + 1 < len(batches):
            pending = pool.map(_build, batches[k + 1])
        for name, built in zip([c.name for c in batch], done, strict=True):
            if built is not None:
                yield name, built


def profile_file(directory: Path, reference_key: str, drift: Drift) -> Path:
    return cache.profile_path(directory, cache.profile_key(reference_key, drift))


def profiles(
    columns: list[Column],
    drift: Drift,
    reference_key: str | None,
    directory: Path | None,
    pool: Executor,
    reference: dict[str, Any] | None = None,
) -> tuple[dict[str, Profile], ProfileUse]:
    """`reference`: a new reference summary, written with the profiles (else the file's is kept)."""
    if directory is None:
        return dict(_built(pool, columns)), ProfileUse(None, built=len(columns))
    path = profile_file(directory, reference_key or data_key(columns), drift)
    found = cache.read(path)
    missing = [c for c in columns if not _fits(found.get(c.name), c.column_type)]
    use = ProfileUse(str(path), built=len(missing), reused=len(columns) - len(missing))
    if not missing and reference is None:
        return found, use
    rebuilt = {c.name for c in missing}
    kept = ((name, entry) for name, entry in found.items() if name not in rebuilt)
    try:
        cache.write(path, chain(kept, _built(pool, missing)), reference or cache.read_reference(path))
    except (OSError, TypeError, ValueError) as exc:  # an unwritable cache costs speed, never the run
        log.warning("reference profile not saved to %s: %s", path, exc)
        return {**found, **dict(_built(pool, missing))}, ProfileUse(None, len(missing), use.reused)
    return _complete(cache.read(path), columns, pool), use


def _complete(found: dict[str, Profile], columns: list[Column], pool: Executor) -> dict[str, Profile]:
    """Another process may have replaced the file meanwhile: build whatever it lacks."""
    lacking = [c for c in columns if not _fits(found.get(c.name), c.column_type)]
    return {**found, **dict(_built(pool, lacking))}
