"""Each bad input gives a clear error naming the file, field or column, and either leaves the
store as it was or records a failed run with its reason."""

from pathlib import Path

import numpy as np
import pytest

from tests.support.cli_helpers import counts, invoke, runs, store_env
from tests.support.helpers import frames, spec_dict, write_job

AT = ["--at", "2026-03-01T12:00:00Z"]


def run_json(job: Path, url: str, tmp_path: Path):
    return invoke(["run", str(job), *AT, "--json"], store_env(url, tmp_path))


# ---- bad specs: nothing is written, exit 2, the message names file, line and field ----


HEAD = (
    "model: m\ntimestamp_column: ts\nschedule: {interval: 1h}\n"
    "reference: {path: r.csv}\ncurrent: {path: c.csv}\n"
)
BAD_SPECS = {
    "invalid-yaml": (
        "model: [unclosed\n",
        "job.yaml:2:1: invalid YAML: while parsing a flow sequence: "
        "expected ',' or ']', but got '<stream end>'",
    ),
    "unknown-field": ("model: m\ncolums: {}\n", "job.yaml:2: colums: unknown field"),  # codespell:ignore
    "missing-required": ("model: m\n", "job.yaml:1: schedule: required field is missing"),
    "bad-cron": (
        "model: m\ntimestamp_column: ts\nschedule:\n  cron: '61 * * * *'\n",
        "job.yaml:4: schedule: bad cron expression '61 * * * *'",
    ),
    "bad-timezone": (
        "model: m\nschedule:\n  interval: 1h\n  timezone: Mars/Olympus\n",
        "job.yaml:4: schedule.timezone: unknown timezone 'Mars/Olympus'",
    ),
    "bad-duration": ("model: m\nwindow: 3 hours\n", "job.yaml:2: window: '3 hours' is not a duration"),
    "unknown-stattest": (
        HEAD + "columns: {categorical: [c]}\ndrift:\n  per_column: {c: {method: magic}}\n",
        "job.yaml:8: drift.per_column.c.method: unknown stattest 'magic'",
    ),
    "stattest-wrong-type": (
        HEAD + "columns: {categorical: [c]}\ndrift: {categorical: {method: ks}}\n",
        "job.yaml:1: (top level): stattest 'ks' does not apply to categorical column 'c'",
    ),
    "p-value-threshold-out-of-range": (
        HEAD + "columns: {numerical: [x]}\ndrift: {numerical: {method: ks, threshold: 5}}\n",
        "job.yaml:1: (top level): column 'x': p-value threshold 5.0 must be below 1",
    ),
    "negative-threshold": (
        HEAD + "columns: {numerical: [x]}\ndrift: {threshold: -1}\n",
        "job.yaml:7: drift.threshold: Input should be greater than 0",
    ),
    "column-in-two-roles": (
        HEAD + "columns: {numerical: [x], categorical: [x]}\n",
        "job.yaml:6: columns: column 'x' is listed as both numerical and categorical",
    ),
    "not-a-mapping": ("- a\n- b\n", "job.yaml: a job spec is a YAML mapping, got list"),
}


@pytest.mark.parametrize("case", sorted(BAD_SPECS))
def test_bad_spec_is_refused_and_nothing_written(tmp_path: Path, sqlite_url: str, case: str) -> None:
    text, expected = BAD_SPECS[case]
    job = tmp_path / "job.yaml"
    job.write_text(text)
    result = run_json(job, sqlite_url, tmp_path)
    assert result.code == 2
    assert f"{tmp_path}/{expected}" in result.stderr
    assert not Path(sqlite_url.removeprefix("sqlite:///")).exists()  # the store was not even opened


def test_two_specs_with_one_model_name(tmp_path: Path) -> None:
    write_job(tmp_path, name="a.yaml")
    write_job(tmp_path, name="b.yaml")
    result = invoke(["validate", str(tmp_path)], {})
    assert result.code == 2
    assert (
        f"{tmp_path / 'b.yaml'}: model: 'test-model' is already defined in {tmp_path / 'a.yaml'}"
        in result.stderr
    )


def test_validate_reports_every_problem_of_every_file(tmp_path: Path) -> None:
    write_job(tmp_path, name="good.yaml")
    (tmp_path / "bad1.yaml").write_text("model: Bad Name\n")
    (tmp_path / "bad2.yaml").write_text(": :\n")
    result = invoke(["validate", str(tmp_path)], {})
    assert result.code == 2
    assert (
        "bad1.yaml:1: model: Value error, 'Bad Name' is not a model name".replace("Value error, ", "")
        in result.stderr
    )
    assert "bad1.yaml:1: schedule: required field is missing" in result.stderr
    assert "bad2.yaml:1:1: invalid YAML: while parsing a block mapping: expected <block end>" in result.stderr


# ---- the store: unreachable means exit 3 and nothing computed ----


def test_unreachable_store(tmp_path: Path) -> None:
    job = write_job(tmp_path)
    result = run_json(job, "postgresql+psycopg2://u:s3cret@127.0.0.1:1/db", tmp_path)
    assert result.code == 3
    assert (
        'cannot reach the results database: connection to server at "127.0.0.1", port 1 failed'
        in result.stderr
    )
    assert "s3cret" not in result.stderr + result.stdout


# ---- bad data at run time: a failed run is recorded with its reason ----


def _failed_with(job: Path, url: str, tmp_path: Path, reason: str, features: int = 0) -> None:
    result = run_json(job, url, tmp_path)
    assert result.code == 1
    assert f"run failed: {reason}" in result.stderr
    (row,) = runs(url)
    assert row["status"] == "failed"
    assert reason in row["error"]
    assert counts(url) == (1, features)


def test_file_not_found(tmp_path: Path, store_url: str) -> None:
    job = write_job(tmp_path, reference={"path": "nowhere/*.parquet"})
    _failed_with(job, store_url, tmp_path, f"{tmp_path}/nowhere/*.parquet: no such file")


def test_empty_current_window(tmp_path: Path, store_url: str) -> None:
    ref, cur = frames()
    cur["ts"] = "2025-01-01T00:00:00Z"
    _failed_with(write_job(tmp_path, ref, cur), store_url, tmp_path, "no rows in window")


def test_timezone_naive_timestamps(tmp_path: Path, store_url: str) -> None:
    ref, cur = frames()
    cur["ts"] = cur["ts"].str.replace("+00:00", "")
    reason = "current data: column 'ts' has timezone-naive timestamps; add the offset"
    _failed_with(write_job(tmp_path, ref, cur), store_url, tmp_path, reason)


def test_timezone_naive_timestamps_with_declared_zone(tmp_path: Path, sqlite_url: str) -> None:
    ref, cur = frames()
    cur["ts"] = cur["ts"].str.replace("+00:00", "")
    result = run_json(write_job(tmp_path, ref, cur, timestamp_timezone="UTC"), sqlite_url, tmp_path)
    assert result.code == 0
    assert result.json()["run"]["status"] == "succeeded"


def test_reference_below_minimum_rows(tmp_path: Path, store_url: str) -> None:
    ref, cur = frames(n_ref=12)
    reason = "reference data has 12 rows, fewer than drift.min_reference_rows (30)"
    _failed_with(write_job(tmp_path, ref, cur), store_url, tmp_path, reason)


def test_timestamp_column_missing(tmp_path: Path, sqlite_url: str) -> None:
    ref, cur = frames()
    _failed_with(
        write_job(tmp_path, ref, cur.drop(columns="ts")),
        sqlite_url,
        tmp_path,
        "current data: timestamp column 'ts' is missing",
    )


# ---- bad columns: recorded with status and reason, the other features still scored ----


def _features(job: Path, url: str, tmp_path: Path) -> dict[str, dict]:
    result = run_json(job, url, tmp_path)
    assert result.code == 0, result.stderr
    return {f["feature"]: f for f in result.json()["features"]}


def test_bad_columns_never_sink_the_run(tmp_path: Path, store_url: str) -> None:
    ref, cur = frames()
    ref["const"], cur["const"] = 1.0, 1.0
    ref["empty"], cur["empty"] = 1.0, np.nan
    ref["words"], cur["words"] = 1.0, "abc"
    ref["single"], cur["single"] = np.arange(len(ref), dtype=float), np.nan
    cur.loc[0, "single"] = 3.0
    numerical = ["x", "y", "const", "empty", "words", "gone", "single"]
    job = write_job(tmp_path, ref, cur, columns={"numerical": numerical, "categorical": ["c"]})
    features = _features(job, store_url, tmp_path)
    assert {n for n, f in features.items() if f["status"] == "ok"} == {"x", "y", "c", "const", "single"}
    assert (features["empty"]["status"], features["empty"]["reason"]) == (
        "skipped",
        "no non-null values in the current window",
    )
    assert features["empty"]["null_share"] == 1.0
    assert (features["gone"]["status"], features["gone"]["reason"]) == (
        "skipped",
        "missing from reference data",
    )
    assert features["words"]["status"] == "error"
    assert features["words"]["reason"] == "400 of 400 current values of 'words' are not numeric (e.g. 'abc')"
    assert features["const"]["reason"] == "constant in the reference"
    assert features["const"]["score"] is not None
    assert features["single"]["reason"] == "only 1 current values: the test has little power"
    assert features["x"]["score"] is not None
    assert features["x"]["reason"] is None
    assert counts(store_url) == (1, 8)


def test_column_missing_from_current_is_a_schema_change(tmp_path: Path, sqlite_url: str) -> None:
    ref, cur = frames()
    cur = cur.drop(columns="y").assign(extra=1)
    features = _features(write_job(tmp_path, ref, cur), sqlite_url, tmp_path)
    assert (features["y"]["status"], features["y"]["reason"]) == ("skipped", "missing from current data")
    (row,) = runs(sqlite_url)
    assert row["schema_changes"] == {"missing": ["y"], "added": ["extra"], "dtype_changed": {}}


def test_every_column_bad_fails_the_run_with_reasons(tmp_path: Path, sqlite_url: str) -> None:
    ref, cur = frames()
    cur = cur.assign(x=np.nan, y=np.nan, c=None)
    reason = "no feature could be scored: x: no non-null values in the current window"
    _failed_with(write_job(tmp_path, ref, cur), sqlite_url, tmp_path, reason, features=3)


def test_spec_dict_defaults_are_valid() -> None:
    from driftboard.jobs.spec import JobSpec

    assert JobSpec.model_validate(spec_dict()).drift.min_reference_rows == 30
