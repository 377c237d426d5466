"""The `driftboard` command as a user runs it: quickstart, JSON shape, table, db commands."""

import os
import subprocess
import sys
from pathlib import Path

import pytest

from driftboard.demo import example
from driftboard.store import connect, schema
from tests.support.cli_helpers import invoke, store_env
from tests.support.repo import REPO

RUN_KEYS = {
    "id", "model", "status", "error", "window_start", "window_end", "reference_rows", "current_rows",
    "n_features", "n_drifted", "share_drifted", "dataset_drift", "report_path", "push_error",
    "schema_changes", "live", "retrain_error",
}  # fmt: skip
FEATURE_KEYS = {
    "feature", "role", "column_type", "stattest", "score", "threshold", "drift_ratio", "drift_detected",
    "null_share", "reference_null_share", "unseen_share", "reference_count", "current_count",
    "status", "reason", "reason_class",
}  # fmt: skip
QUICKSTART_AT = "2026-01-02T18:00:00Z"


@pytest.mark.slow
def test_quickstart_as_a_subprocess_on_the_embedded_default(tmp_path: Path) -> None:
    """The README's second command, in a fresh folder: SQLite is created and migrated by itself."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("DRIFTBOARD_")}
    spec = REPO / "jobs" / "example-churn.yaml"
    cmd = [sys.executable, "-m", "driftboard", "run", str(spec), "--at", QUICKSTART_AT]
    done = subprocess.run(cmd, cwd=tmp_path, env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    assert "3 of 9 features drifted" in done.stdout
    for feature in example.DRIFTED:
        assert feature in done.stdout
    assert (tmp_path / "driftboard.db").is_file()
    assert (tmp_path / "reports" / "example-churn" / "20260102T180000Z.html").stat().st_size > 1_000_000


def test_json_output_shape_and_drifted_features(tmp_path: Path, sqlite_url: str) -> None:
    spec = REPO / "jobs" / "example-churn.yaml"
    result = invoke(["run", str(spec), "--at", QUICKSTART_AT, "--json"], store_env(sqlite_url, tmp_path))
    assert result.code == 0, result.stderr
    body = result.json()
    assert set(body) == {"run", "features"}
    assert set(body["run"]) == RUN_KEYS
    assert all(set(f) == FEATURE_KEYS for f in body["features"])
    run = body["run"]
    assert (run["status"], run["n_features"], run["n_drifted"], run["dataset_drift"]) == (
        "succeeded",
        9,
        3,
        False,
    )
    assert run["window_start"] == "2026-01-02T06:00:00+00:00"
    assert run["report_path"] == "example-churn/20260102T180000Z.html"
    assert {f["feature"] for f in body["features"] if f["drift_detected"]} == set(example.DRIFTED)


def test_no_report_kept_for_a_clean_run_by_default(tmp_path: Path, sqlite_url: str) -> None:
    spec = REPO / "jobs" / "example-churn.yaml"
    result = invoke(
        ["run", str(spec), "--at", "2026-01-01T18:00:00Z", "--json"], store_env(sqlite_url, tmp_path)
    )
    assert result.json()["run"]["n_drifted"] == 0
    assert result.json()["run"]["report_path"] is None
    assert not (tmp_path / "reports").exists()


@pytest.mark.parametrize(("keep", "kept"), [("all", True), ("none", False)])
def test_keep_reports_setting(tmp_path: Path, sqlite_url: str, keep: str, kept: bool) -> None:
    spec = REPO / "jobs" / "example-churn.yaml"
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_KEEP_REPORTS": keep}
    result = invoke(["run", str(spec), "--at", "2026-01-01T18:00:00Z", "--json"], env)
    assert (result.json()["run"]["report_path"] is not None) is kept


def test_unwritable_reports_dir_keeps_the_scores(tmp_path: Path, sqlite_url: str) -> None:
    blocker = tmp_path / "file-not-dir"
    blocker.write_text("")
    env = store_env(sqlite_url, tmp_path) | {"DRIFTBOARD_REPORTS_DIR": str(blocker)}
    result = invoke(["run", str(REPO / "jobs" / "example-churn.yaml"), "--at", QUICKSTART_AT, "--json"], env)
    assert result.code == 0
    run = result.json()["run"]
    assert run["n_drifted"] == 3
    assert run["report_path"] is None
    assert run["error"].startswith("Evidently report not saved: ")


def test_validate_ships_a_valid_example() -> None:
    result = invoke(["validate", str(REPO / "jobs")], {})
    assert result.code == 0
    assert "ok" in result.stdout
    assert "(example-churn)" in result.stdout


def test_bad_at_timestamp(tmp_path: Path, sqlite_url: str) -> None:
    result = invoke(
        ["run", str(REPO / "jobs" / "example-churn.yaml"), "--at", "yesterday"],
        store_env(sqlite_url, tmp_path),
    )
    assert result.code == 2
    assert "--at 'yesterday' is not an ISO 8601 timestamp" in result.stderr


def test_db_upgrade_and_downgrade_commands(fresh_pg_url: str, tmp_path: Path) -> None:
    env = store_env(fresh_pg_url, tmp_path)
    up = invoke(["db", "upgrade"], env)
    head = schema.head_revision(connect.make_engine(fresh_pg_url))
    assert (up.code, up.stdout.strip().splitlines()[-1]) == (0, f"database at revision {head}")
    down = invoke(["db", "downgrade", "base"], env)
    assert (down.code, down.stdout.strip().splitlines()[-1]) == (0, "database at revision base (empty)")


def test_example_data_is_reproducible(tmp_path: Path) -> None:
    for path in example.write(tmp_path):
        assert path.read_bytes() == (REPO / "examples" / "churn" / path.name).read_bytes(), path.name
