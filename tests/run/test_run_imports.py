"""What `driftboard run` imports: neither Evidently nor a plotting stack unless it builds a
report (they cost seconds of start-up), and no scipy for the default tests. Nor what only
other commands or other settings need (issue 16: the fixed cost of every run): Alembic (with
Mako and Pygments) when the schema is current, the Pushgateway's and the retrain hook's
clients when neither is configured, PostgreSQL's dialect for a SQLite store and files."""

import os
import subprocess
import sys
from pathlib import Path

from tests.support.helpers import WINDOW_END, frames, write_job

HEAVY = ("evidently", "matplotlib", "plotly", "scipy")
# The first run of a store migrates it (Alembic), so the second run is the one measured.
UNUSED = ("alembic", "mako", "pygments", "prometheus_client", "tenacity", "apscheduler.schedulers")


def _modules(tmp_path: Path, keep: str, runs: int = 1) -> set[str]:
    """Every module the last of `runs` runs of one spec imported, by its full name."""
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
    for _ in range(runs):
        done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
        assert done.returncode == 0, done.stderr[-2000:]
    lines = [
        line.split("|")[-1].strip() for line in done.stderr.splitlines() if line.startswith("import time:")
    ]
    return set(lines)


def _imported(tmp_path: Path, keep: str) -> set[str]:
    return {name.split(".")[0] for name in _modules(tmp_path, keep)}


def test_a_run_without_a_report_imports_no_evidently_plots_or_scipy(tmp_path: Path) -> None:
    imported = _imported(tmp_path, "none")
    assert {"pyarrow", "pandas", "sqlalchemy"} <= imported  # the measurement sees imports at all
    assert imported.isdisjoint(HEAVY), imported & set(HEAVY)


def test_a_run_that_builds_its_report_imports_evidently(tmp_path: Path) -> None:
    assert "evidently" in _imported(tmp_path, "all")


def test_a_run_on_a_current_store_imports_only_what_it_uses(tmp_path: Path) -> None:
    modules = _modules(tmp_path, "none", runs=2)
    assert {"sqlalchemy.orm", "pyarrow.compute"} <= modules  # the measurement sees imports at all
    unused = {m for m in modules if m.startswith(UNUSED)}
    assert not unused, sorted(unused)
