"""The guard around every command: what no command expected is one line and exit 1, with the
traceback in a file; a crash inside a run is recorded on the run."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from driftboard.run import evaluate as evaluate_module
from tests.support.cli_helpers import invoke, runs, store_env
from tests.support.helpers import WINDOW_END, write_job
from tests.support.repo import REPO


def test_an_unexpected_error_is_one_line_and_the_traceback_a_file(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTBOARD_")}
    env |= {"DRIFTBOARD_CRASH_DIR": str(tmp_path), "PYTHONPATH": str(REPO)}
    env |= store_env(f"sqlite:///{tmp_path / 's.db'}", tmp_path)
    out = tmp_path / "no-such-folder" / "sla.html"
    done = subprocess.run(
        [sys.executable, "-m", "driftboard", "report", "sla", "--out", str(out)],
        env=env, capture_output=True, text=True, timeout=120, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    (line,) = done.stderr.strip().splitlines()
    assert line.startswith("error: unexpected FileNotFoundError: [Errno 2] No such file or directory")
    (crash,) = tmp_path.glob("driftboard-crash-*.log")
    assert str(crash) in line
    assert "Traceback (most recent call last)" in crash.read_text()
    assert "Traceback" not in done.stdout + done.stderr


def test_a_crash_inside_a_run_is_recorded_on_the_run(
    tmp_path: Path, sqlite_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    def crash(*_args: object) -> None:
        raise KeyError("a bug")

    monkeypatch.setattr(evaluate_module, "evaluate", crash)
    result = invoke(
        ["run", str(write_job(tmp_path)), "--at", WINDOW_END.isoformat()], store_env(sqlite_url, tmp_path)
    )
    assert result.code == 1
    assert "run failed: unexpected error: KeyError: 'a bug'" in result.stderr
    assert [(r["status"], r["error"]) for r in runs(sqlite_url)] == [
        ("failed", "unexpected error: KeyError: 'a bug'")
    ]
