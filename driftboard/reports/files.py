"""Evidently HTML reports on disk, under the reports directory, one per kept run."""

import contextlib
import os
from pathlib import Path
from typing import Any

from driftboard.jobs.window import Window
from driftboard.settings import KeepReports


def wanted(keep: KeepReports, drifted: bool) -> bool:
    return keep == "all" or (keep == "drifted" and drifted)


def relative_path(model: str, window: Window) -> Path:
    """Stored relative to the reports directory, so the report server can map it safely."""
    return Path(model) / f"{window.end.strftime('%Y%m%dT%H%M%SZ')}.html"


def save(snapshot: Any, reports_dir: Path, model: str, window: Window) -> str:
    """Write atomically: a reader (or the report server) never sees half a file."""
    relative = relative_path(model, window)
    target = reports_dir / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_suffix(".html.partial")
    try:
        snapshot.save_html(str(partial))
        os.replace(partial, target)
    except OSError as exc:
        with contextlib.suppress(OSError):  # a full disk must not keep half a report
            partial.unlink(missing_ok=True)
        # A failed write names no file ("No space left on device"): name the report.
        raise OSError(exc.errno, exc.strerror, exc.filename or str(target)) from None
    return relative.as_posix()
