"""A local filesystem that records every file opened through it, for tests that assert what a
run reads (tests/data/test_window_reads.py, test_reference_cache.py)."""

from typing import Any

import pyarrow.fs as pafs
import pytest
from fsspec.implementations.local import LocalFileSystem

from driftboard.data import locate


class Tracking(LocalFileSystem):  # type: ignore[misc]
    cachable = False  # codespell:ignore  # fsspec's own spelling: one instance per test, with its list

    def __init__(self, opened: list[str]) -> None:
        super().__init__()
        self.opened = opened

    def _open(self, path: str, *args: Any, **kwargs: Any) -> Any:
        self.opened.append(path)
        return super()._open(path, *args, **kwargs)


def track_opens(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """From now on, local sources are read through a filesystem that lists what it opens."""
    opened: list[str] = []
    handler = pafs.FSSpecHandler(Tracking(opened))
    monkeypatch.setattr(locate, "local_filesystem", lambda: pafs.PyFileSystem(handler))
    return opened
