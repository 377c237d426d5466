"""What `driftboard run` imports: neither Evidently nor a plotting stack unless it builds a
report (they cost seconds of start-up), and no scipy for the default tests."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.helpers import WINDOW_END, frames, write_job

HEAVY = ("evidently", "matplotlib", "plotly", "scipy")


def _imported(tmp_path: Path, keep: str) -> set[str]:
    ref, cur = frames(n_ref=1500)  # over 1,000 reference rows: distances, no p-value tests
    cur["x"] += 3  # drifted: a run that keeps reports keeps this one
    job = write_job(tmp_path, ref, cur)
    env = os.environ | {
        "DRIFTBOARD_DATABASE_URL": f"sqlite:///{tmp_path / 'store.db'}",
        "DRIFTBOARD_REPORTS_DIR": str(tmp_path / "reports"),
        "DRIFTBOARD_CACHE_DIR": str(tmp_path / "cache"),
        "DRIFTBOARD_KEEP_REPORTS": keep,
    }
    command = [
        sys.executable,
        "-X",
        "importtime",
        "-m",
        "driftboard",
        "run",
        str(job),
        "--at",
        WINDOW_END.isoformat(),
    ]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    lines = [
        line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")
    ]
    return {name.split(".")[0] for name in lines}


def test_a_run_without_a_report_imports_no_evidently_plots_or_scipy(tmp_path: Path) -> None:
    imported = _imported(tmp_path, "none")
    assert {"pyarrow", "pandas", "sqlalchemy"} <= imported  # the measurement sees imports at all
    assert imported.isdisjoint(HEAVY), imported & set(HEAVY)


def test_a_run_that_builds_its_report_imports_evidently(tmp_path: Path) -> None:
    assert "evidently" in _imported(tmp_path, "all")
