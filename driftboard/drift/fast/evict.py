"""Keep the reference-profile cache within its bound (DRIFTBOARD_CACHE_MAX_BYTES).

A fixed reference is profiled once and reused for ever, but a relative one (`previous:`,
`offset:`) is a new reference every window: unbounded, the cache would grow by one profile a
window (about 0.6 GB per million reference rows at 50 features) until the disk fills. Least
recently used entries go first; every read of a profile marks it used (its access time, set
explicitly, so noatime mounts do not matter; the modification time stays the write's), so a
fixed reference read hourly stays and last month's rolling windows go. An entry used within the
last hour is never removed, whatever the bound: another worker may be about to open it (one
it has open stays readable, as Linux keeps an unlinked file's pages for its mappings).
An entry is every file named after one profile key: the profile, its calibration, and
temporary files of a writer that crashed, which go once a day old.
The spark engine's reference tables (drift/spark/refcache.py) are kept by the same rule, one
folder per reference key (`trim_folders`).
"""

import contextlib
import os
import shutil
import time
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

IN_USE_SECONDS = 3600
STALE_TMP_SECONDS = 86400


@dataclass(frozen=True)
class Entry:
    key: str
    paths: tuple[Path, ...]
    size: int
    used: float  # the profile's last read or write


def mark_used(path: Path) -> None:
    with contextlib.suppress(OSError):  # a read-only cache still serves; it only ages sooner
        os.utime(path, ns=(time.time_ns(), path.stat().st_mtime_ns))


def trim(directory: Path, limit: int, now: float | None = None) -> list[str]:
    """Remove least recently used entries until the cache holds at most `limit` bytes (0:
    no bound); the keys removed, oldest first."""
    now = time.time() if now is None else now
    _drop_stale_temporaries(directory, now)
    return _evict(_entries(directory), limit, now) if limit > 0 else []


def trim_folders(directory: Path, limit: int, now: float | None = None) -> list[str]:
    """The same bound on a cache of one folder per key (the spark engine's reference tables)."""
    now = time.time() if now is None else now
    if limit <= 0 or not directory.is_dir():
        return []
    return _evict(_folders(directory), limit, now)


def _evict(entries: Iterable[Entry], limit: int, now: float) -> list[str]:
    ordered = sorted(entries, key=lambda e: e.used)
    total, removed = sum(e.size for e in ordered), []
    for entry in ordered:
        if total <= limit or now - entry.used < IN_USE_SECONDS:
            break  # sorted by use: every later entry was used more recently
        for path in entry.paths:
            _remove(path)
        total -= entry.size
        removed.append(entry.key)
    return removed


def _remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path, ignore_errors=True)  # another process trimmed it first
    else:
        with contextlib.suppress(FileNotFoundError):
            path.unlink()


def _entries(directory: Path) -> list[Entry]:
    """Every profile's entry, from one listing of the directory (not one per profile)."""
    named: dict[str, list[Path]] = {}
    for path in directory.iterdir():
        if path.suffix != ".tmp":
            named.setdefault(path.name.split(".", 1)[0], []).append(path)
    found = []
    for key, paths in named.items():
        with contextlib.suppress(FileNotFoundError):  # removed meanwhile
            st = (directory / f"{key}.profile").stat()
            used = max(st.st_atime, st.st_mtime)
            found.append(Entry(key, tuple(paths), sum(_size(p) for p in paths), used))
    return found


def _drop_stale_temporaries(directory: Path, now: float) -> None:
    for tmp in directory.glob("*.tmp"):
        with contextlib.suppress(FileNotFoundError):
            if now - tmp.stat().st_mtime > STALE_TMP_SECONDS:
                tmp.unlink()


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except FileNotFoundError:
        return 0


def _folders(directory: Path) -> list[Entry]:
    found = []
    for folder in (f for f in directory.iterdir() if f.is_dir()):
        with contextlib.suppress(FileNotFoundError):  # removed meanwhile
            st = folder.stat()
            size = sum(_size(Path(root) / name) for root, _, names in os.walk(folder) for name in names)
            found.append(Entry(folder.name, (folder,), size, max(st.st_atime, st.st_mtime)))
    return found
