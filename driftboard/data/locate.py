"""Where a file source's data is: local paths, globs and folders, or object storage through
fsspec (`s3://`, `gs://`, `az://`), listed without reading any file.

Credentials for object storage come from the environment or the provider's usual chain
(AWS_* variables and profiles, GOOGLE_APPLICATION_CREDENTIALS, AZURE_STORAGE_*), never from
the spec. Every file carries its size and a version (modification time, or the store's ETag
or generation), so an unchanged reference is recognised without reading it.
"""

import glob
import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow.fs as pafs

from driftboard.errors import DataError

PARQUET_SUFFIXES = (".parquet", ".pq")
# CSV plain or compressed, each as pandas reads it: the codec by the last suffix.
CSV_CODECS = {".csv": None, ".csv.gz": "gzip", ".csv.xz": "xz", ".csv.bz2": "bz2"}
DATA_SUFFIXES = PARQUET_SUFFIXES + tuple(CSV_CODECS)
SUPPORTED = "use .parquet, or .csv plain or compressed (.csv.gz, .csv.xz, .csv.bz2)"
# fsspec's name for each scheme we accept, and the package that implements it.
REMOTE = {"s3": ("s3", "s3fs"), "gs": ("gcs", "gcsfs"), "gcs": ("gcs", "gcsfs"), "az": ("az", "adlfs")}
FORMAT = "driftboard-source-1"
# botocore's defaults wait 60 s per read and retry in legacy mode; a listing or a read that
# stalls must end, and be said, within about a minute (issue 21's outbound deadlines).
LINK: dict[str, dict[str, Any]] = {
    "s3": {"config_kwargs": {"connect_timeout": 10, "read_timeout": 20, "retries": {"max_attempts": 3}}}
}


@dataclass(frozen=True)
class DataFile:
    path: str  # as the filesystem names it (no scheme for object storage)
    size: int
    version: str  # mtime in ns, ETag or generation: changes when the content does

    @property
    def name(self) -> str:
        return self.path.lower()


@dataclass(frozen=True)
class Location:
    display: str  # what error messages name: the pattern as written, resolved
    root: str  # folder the hive partitions are read below
    files: tuple[DataFile, ...]
    filesystem: pafs.FileSystem

    def identity(self) -> str:
        """Changes when any file is added, removed, resized or rewritten."""
        digest = hashlib.sha256(FORMAT.encode())
        for f in self.files:
            digest.update(f"\0{f.path}\0{f.size}\0{f.version}".encode())
        return digest.hexdigest()


def scheme(path: str) -> str | None:
    head, sep, _ = path.partition("://")
    return head.lower() if sep and head.isalnum() else None


def locate(pattern: str, base_dir: Path) -> Location:
    found = scheme(pattern)
    if found is None:
        return _local(pattern, base_dir)
    if found not in REMOTE:
        raise DataError(f"{pattern}: unsupported scheme {found}://; use a local path, s3://, gs:// or az://")
    return _remote(pattern, found)


def _is_data(path: str) -> bool:
    name = os.path.basename(path)
    return not name.startswith((".", "_")) and name.lower().endswith(DATA_SUFFIXES)


def _local(pattern: str, base_dir: Path) -> Location:
    full = pattern if Path(pattern).is_absolute() else str(base_dir / pattern)
    if os.path.isdir(full):
        paths = sorted(str(p) for p in Path(full).rglob("*") if p.is_file() and _is_data(str(p)))
        root = full
    else:
        paths = sorted(str(Path(p)) for p in glob.glob(full, recursive=True) if os.path.isfile(p))
        root = _fixed_prefix(full)
    if not paths:
        raise DataError(f"{full}: no such file")
    files = tuple(DataFile(p, (st := os.stat(p)).st_size, str(st.st_mtime_ns)) for p in paths)
    return Location(full, root, files, local_filesystem())


def local_filesystem() -> pafs.FileSystem:
    """Arrow's own: no Python between the file and the decoder."""
    return pafs.LocalFileSystem()


def _fixed_prefix(pattern: str) -> str:
    """The folder above the first wildcard: hive partitions are the folders below it."""
    parts = Path(pattern).parts
    fixed = list(parts[: next((i for i, p in enumerate(parts) if glob.has_magic(p)), len(parts))])
    return str(Path(*fixed)) if fixed else "/"


def remote_filesystem(found: str, pattern: str) -> pafs.FileSystem:
    """Arrow's view of object storage for a scheme, credentials from the environment: what
    Spark's executors open the listed files through (drift/spark/arrowsource.py)."""
    protocol, package = REMOTE[found]
    return _arrow_fs(_fsspec(protocol, package, pattern))


def _remote(pattern: str, found: str) -> Location:
    protocol, package = REMOTE[found]
    fs = _fsspec(protocol, package, pattern)
    bare = pattern.split("://", 1)[1]
    try:
        infos = _listing(fs, bare)
    except (OSError, ValueError) as exc:  # fsspec maps missing buckets and refused requests to OSError
        raise DataError(f"{pattern}: cannot list: {exc}") from None
    files = tuple(
        DataFile(i["name"], int(i.get("size") or 0), _version(i)) for i in infos if _is_data(i["name"])
    )
    if not files:
        raise DataError(f"{pattern}: no such file")
    root = bare if not glob.has_magic(bare) else _fixed_prefix(bare).lstrip("/")
    return Location(pattern, root.rstrip("/"), tuple(sorted(files, key=lambda f: f.path)), _arrow_fs(fs))


def _fsspec(protocol: str, package: str, pattern: str) -> Any:
    import fsspec  # imported only for object storage

    try:
        return fsspec.filesystem(protocol, **LINK.get(protocol, {}))
    except ImportError:
        raise DataError(
            f"{pattern}: reading {protocol} needs the {package} package (pip install {package})"
        ) from None


def _listing(fs: Any, bare: str) -> list[dict[str, Any]]:
    if glob.has_magic(bare):
        return list(fs.glob(bare, detail=True).values())
    if fs.isdir(bare):
        return [i for i in fs.find(bare, detail=True).values() if i.get("type") != "directory"]
    return [fs.info(bare)]


def _version(info: dict[str, Any]) -> str:
    for key in ("ETag", "etag", "generation", "version_id", "LastModified", "mtime", "last_modified"):
        if info.get(key):
            return str(info[key])
    return ""


def _arrow_fs(fs: Any) -> pafs.FileSystem:
    return pafs.PyFileSystem(pafs.FSSpecHandler(fs))
