"""`driftboard run`'s table and --json show why a feature was not scored (its reason class,
as DriftboardFeatureDead labels it) and the run's schema changes (issue 15: these were on
the stored run only)."""

from pathlib import Path

import numpy as np

from driftboard.run import terminal
from tests.support.cli_helpers import invoke, store_env
from tests.support.helpers import frames, write_job

AT = ["--at", "2026-03-01T12:00:00Z"]


def broken_job(tmp_path: Path) -> Path:
    """y all null in the window, c dropped, an undeclared z added; x still scores."""
    ref, cur = frames()
    cur["y"] = np.nan
    return write_job(tmp_path, ref, cur.drop(columns="c").assign(z=1))


def test_the_table_shows_reason_classes_and_schema_changes(tmp_path: Path, sqlite_url: str) -> None:
    result = invoke(["run", str(broken_job(tmp_path)), *AT], store_env(sqlite_url, tmp_path))
    assert result.code == 0, result.stderr
    assert "skipped (all_null)" in result.stdout
    assert "skipped (missing)" in result.stdout
    assert "schema: missing declared columns: c" in result.stdout
    assert "schema: undeclared columns added: z" in result.stdout


def test_json_carries_reason_classes_and_schema_changes(tmp_path: Path, sqlite_url: str) -> None:
    result = invoke(["run", str(broken_job(tmp_path)), *AT, "--json"], store_env(sqlite_url, tmp_path))
    assert result.code == 0, result.stderr
    out = result.json()
    assert out["run"]["schema_changes"] == {"missing": ["c"], "added": ["z"], "dtype_changed": {}}
    classes = {f["feature"]: (f["status"], f["reason_class"]) for f in out["features"]}
    assert classes == {"x": ("ok", None), "y": ("skipped", "all_null"), "c": ("skipped", "missing")}


def test_a_healthy_run_prints_no_schema_line(tmp_path: Path, sqlite_url: str) -> None:
    result = invoke(["run", str(write_job(tmp_path)), *AT], store_env(sqlite_url, tmp_path))
    assert result.code == 0, result.stderr
    assert "schema:" not in result.stdout


def test_a_changed_dtype_is_printed_with_both_types() -> None:
    changes = {"missing": [], "added": [], "dtype_changed": {"x": {"reference": "float64", "current": "str"}}}
    assert terminal.schema_lines(changes) == ["dtype changed: x (float64 → str)"]
    assert terminal.schema_lines(None) == []
