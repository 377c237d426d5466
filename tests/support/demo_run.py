"""`driftboard demo` as a user starts it, in its own process, for the tests that need its month."""

import os
import subprocess
import sys
from datetime import UTC, datetime
from pathlib import Path

from tests.support.repo import REPO

END = datetime(2026, 11, 28, tzinfo=UTC)  # the demo month's end in every test that runs it


def run_demo(url: str, folder: Path, *extra: str, **env: str) -> subprocess.CompletedProcess[str]:
    """The demo month into the store at `url`, its files under `folder`; no DRIFTBOARD_*
    setting of the test process leaks in, `env` adds some."""
    environ = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTBOARD_")}
    environ |= {"DRIFTBOARD_DATABASE_URL": url, "DRIFTBOARD_REPORTS_DIR": str(folder / "reports"), **env}
    command = [sys.executable, "-m", "driftboard", "demo", "--dir", str(folder / "demo")]
    command += ["--end", END.isoformat(), *extra]
    return subprocess.run(command, env=environ, capture_output=True, text=True, timeout=900, cwd=REPO)
