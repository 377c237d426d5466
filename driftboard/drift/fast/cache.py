"""Reference profiles on disk: one file per (reference, drift settings), memory-mapped on reuse.

Layout: the numerical arrays back to back (float64), then a JSON footer describing every
column (and, under "reference", what the run's checks need of the reference: see
data/refsummary.py), then the footer's length and a magic tag. Writers stream into a private temporary
file and `os.replace` it into place, so a reader sees a whole profile or none, and two
processes racing on one key both end with a valid file (the last rename wins; the contents
are equal). A file that cannot be read is treated as missing and rebuilt.
"""

import ctypes
import hashlib
import json
import mmap
import os
import sys
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from driftboard.drift.fast import evict
from driftboard.drift.fast.profile import CatProfile, NumProfile, Profile
from driftboard.jobs.spec import Drift

FORMAT = "driftboard-profile-3"  # 3: nested columns are a problem, not a profile
MAGIC = b"DBPROF02"
TAIL = 16  # footer length (8 bytes, little endian) + MAGIC


def profile_key(reference_key: str, drift: Drift) -> str:
    """Changes with the reference data (its fingerprint) and with any drift setting."""
    text = f"{FORMAT}\0{reference_key}\0{drift.model_dump_json()}"
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def profile_path(directory: Path, key: str) -> Path:
    return directory / f"{key}.profile"


def _num_meta(p: NumProfile, offsets: dict[str, int]) -> dict[str, Any]:
    return {
        "type": "numerical",
        "n": p.n,
        "std": p.std,
        "n_unique": p.n_unique,
        "values": offsets["values"],
        "integral": offsets["integral"],
        "levels": p.levels.tolist(),
        "level_counts": p.level_counts.tolist(),
    }


def write(
    path: Path, entries: Iterable[tuple[str, Profile]], reference: dict[str, Any] | None = None
) -> None:
    """Stream every entry to a temporary file beside `path`, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, tmp = tempfile.mkstemp(dir=path.parent, prefix=path.name + ".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as out:
            columns = {name: _write_entry(out, p) for name, p in entries}
            blob = json.dumps({"columns": columns, "reference": reference}).encode()
            out.write(blob + len(blob).to_bytes(8, "little") + MAGIC)
            out.flush()
            os.fsync(out.fileno())  # the rename must never publish unwritten data
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _write_entry(out: BinaryIO, p: Profile) -> dict[str, Any]:
    if isinstance(p, CatProfile):
        return {"type": "categorical", "n": p.n, "categories": p.categories, "counts": p.counts.tolist()}
    offsets = {}
    for name in ("values", "integral"):
        array = np.ascontiguousarray(getattr(p, name), dtype=np.float64)
        offsets[name] = out.tell() // 8
        out.write(array.data.cast("B"))  # the array's own buffer: `tobytes` would copy 8 bytes a value
    return _num_meta(p, offsets)


def read(path: Path) -> dict[str, Profile]:
    """Every column of a profile file, numerical arrays memory-mapped; {} if absent or unreadable."""
    try:
        footer, data = _read(path)
        found = {name: _entry(meta, data) for name, meta in footer["columns"].items()}
    except (OSError, ValueError, KeyError, TypeError):
        return {}
    evict.mark_used(path)  # what the cache's bound keeps: the least recently used go first
    return found


def read_reference(path: Path) -> dict[str, Any] | None:
    """The reference summary stored with the profiles; None if absent or unreadable."""
    try:
        found = _read(path)[0]["reference"]
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return found if isinstance(found, dict) else None


def _read(path: Path) -> tuple[dict[str, Any], np.ndarray]:
    with path.open("rb") as f:
        size = f.seek(0, os.SEEK_END)
        f.seek(size - TAIL)
        tail = f.read(TAIL)
        if tail[8:] != MAGIC:
            raise ValueError(f"{path}: not a profile")
        length = int.from_bytes(tail[:8], "little")
        f.seek(size - TAIL - length)
        footer = json.loads(f.read(length))
    floats = (size - TAIL - length) // 8
    data = np.memmap(path, dtype=np.float64, mode="r", shape=(floats,)) if floats else np.empty(0)
    return footer, data


def _entry(meta: dict[str, Any], data: np.ndarray) -> Profile:
    if meta["type"] == "categorical":
        return CatProfile(meta["n"], meta["categories"], np.asarray(meta["counts"], dtype=np.int64))
    n = meta["n"]
    values, integral = (data[meta[k] : meta[k] + n] for k in ("values", "integral"))
    if len(values) != n or len(integral) != n:
        raise ValueError("profile arrays are truncated")
    return NumProfile(
        n=n,
        std=meta["std"],
        n_unique=meta["n_unique"],
        values=values,
        integral=integral,
        levels=np.asarray(meta["levels"], dtype=np.float64),
        level_counts=np.asarray(meta["level_counts"], dtype=np.int64),
    )


MADV_DONTNEED = 4  # Linux: drop the pages from this process; they are read again if touched
_PAGE = mmap.PAGESIZE


def _mapped(array: np.ndarray) -> bool:
    base: object = array
    while base is not None:
        if isinstance(base, np.memmap):
            return True
        base = getattr(base, "base", None)
    return False


def release(entry: Profile) -> None:
    """Give back a scored column's profile pages: the run's resident memory then holds the
    window plus the columns being scored, not the whole profile (BENCHMARKS.md, End to end).
    Pages shared with a neighbouring column are simply read again if that one needs them."""
    if not isinstance(entry, NumProfile) or sys.platform != "linux":
        return
    for array in (entry.values, entry.integral):
        if array.size and _mapped(array):
            start = array.ctypes.data - array.ctypes.data % _PAGE
            _libc().madvise(
                ctypes.c_void_p(start),
                ctypes.c_size_t(array.ctypes.data + array.nbytes - start),
                MADV_DONTNEED,
            )


def _libc() -> ctypes.CDLL:
    return ctypes.CDLL(None, use_errno=True)
