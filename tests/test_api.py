"""The Python API (driftboard/api.py, docs/python-api.md): `score` gives the scores a run
stores, `run_spec` is `driftboard run`; `import driftboard` stays light; the docs' notebook
cell and Airflow task run as written."""

import re
import subprocess
import sys
import types
from pathlib import Path

import pandas as pd
import pytest

import driftboard
from driftboard.errors import StoreError
from driftboard.jobs.load import SpecError
from driftboard.results import RunResult
from driftboard.settings import Settings
from tests.support.cli_helpers import invoke, runs, store_env
from tests.support.helpers import frames, write_job
from tests.support.repo import REPO

SPEC = REPO / "jobs" / "example-churn.yaml"
AT = "2026-01-02T18:00:00Z"
DOC = (REPO / "docs" / "python-api.md").read_text(encoding="utf-8")
NUMERICAL = ["age", "monthly_charges", "tenure_months", "support_calls", "num_products", "churn_score"]
CATEGORICAL = ["contract_type", "region", "payment_method"]


def settings(tmp_path: Path, url: str) -> Settings:
    return Settings(database_url=url, reports_dir=tmp_path / "reports", keep_reports="none")  # type: ignore[arg-type]


def test_import_driftboard_loads_neither_pandas_nor_the_api() -> None:
    heavy = "('pandas', 'evidently', 'driftboard.api')"
    code = f"import sys, driftboard; print(sorted(m for m in {heavy} if m in sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"


def test_score_equals_what_the_run_stored(tmp_path: Path, sqlite_url: str) -> None:
    run = invoke(["run", str(SPEC), "--at", AT, "--json"], store_env(sqlite_url, tmp_path)).json()
    current = pd.read_csv(REPO / "examples/churn/current.csv.gz", parse_dates=["event_time"])
    window = current[(current.event_time >= "2026-01-02T06:00Z") & (current.event_time < "2026-01-02T18:00Z")]
    reference = pd.read_csv(REPO / "examples/churn/reference.csv.gz")
    scores = driftboard.score(reference, window, numerical=NUMERICAL, categorical=CATEGORICAL)
    stored = {f["feature"]: f for f in run["features"]}
    for f in scores.features:
        assert (f.stattest, f.drift_detected) == (
            stored[f.feature]["stattest"],
            stored[f.feature]["drift_detected"],
        )
        assert f.score == pytest.approx(stored[f.feature]["score"], abs=1e-12), f.feature
    assert sorted(scores.drifted) == sorted(["monthly_charges", "tenure_months", "contract_type"])
    assert scores.dataset_drift is run["run"]["dataset_drift"] is False


def test_score_infers_column_types_and_reports_bad_columns() -> None:
    ref, cur = frames()
    cur = cur.assign(ts=pd.to_datetime(cur["ts"]), y=cur["y"] + 3, empty=None)
    ref = ref.assign(ts=pd.Timestamp("2026-01-01", tz="UTC"), empty=1.0)
    scores = driftboard.score(ref, cur)
    kinds = {f.feature: (f.column_type, f.status.value) for f in scores.features}
    assert kinds == {"x": ("numerical", "ok"), "y": ("numerical", "ok"), "c": ("categorical", "ok"),
                     "empty": ("numerical", "skipped")}  # fmt: skip
    assert scores.drifted == ["y"]
    frame = scores.to_frame()
    assert list(frame["feature"][:1]) == ["y"]  # worst first
    assert frame.set_index("feature").loc["empty", "reason"] == "no non-null values in the current window"


def test_score_takes_the_specs_drift_options() -> None:
    ref, cur = frames()
    scores = driftboard.score(ref, cur, per_column={"x": {"method": "psi", "threshold": 0.2}}, method="ks")
    methods = {f.feature: (f.stattest, f.threshold) for f in scores.features}
    assert methods["x"] == ("psi", 0.2)
    assert methods["y"][0] == "ks"


def test_save_html_writes_evidentlys_report(tmp_path: Path) -> None:
    ref, cur = frames(200, 100)
    path = driftboard.score(ref, cur.drop(columns="ts")).save_html(tmp_path / "r.html")
    assert path.stat().st_size > 100_000
    html = path.read_text(encoding="utf-8")
    assert "Drift is detected for 0.0% of columns (0 out of 3)." in html  # Evidently's own table


def test_run_spec_is_driftboard_run(tmp_path: Path, sqlite_url: str) -> None:
    result = driftboard.run_spec(SPEC, at=AT, settings=settings(tmp_path, sqlite_url))
    assert isinstance(result, RunResult)
    assert (result.evaluation.status, result.evaluation.n_drifted) == ("succeeded", 3)
    assert result.evaluation.window.start.isoformat() == "2026-01-02T06:00:00+00:00"
    (row,) = runs(sqlite_url)
    assert (row["id"], row["n_drifted"]) == (result.run_id, 3)


def test_run_spec_reads_a_naive_time_as_utc(tmp_path: Path, sqlite_url: str) -> None:
    result = driftboard.run_spec(str(SPEC), at="2026-01-02 18:00", settings=settings(tmp_path, sqlite_url))
    assert result.evaluation.window.end.isoformat() == "2026-01-02T18:00:00+00:00"


def test_run_spec_returns_a_failed_run_with_its_reason(tmp_path: Path, sqlite_url: str) -> None:
    job = write_job(tmp_path, current={"path": "gone.csv"})
    result = driftboard.run_spec(job, at="2026-03-01T12:00:00Z", settings=settings(tmp_path, sqlite_url))
    assert result.evaluation.status == "failed"
    assert result.error == f"{tmp_path / 'gone.csv'}: no such file"


def test_run_spec_raises_for_a_bad_spec_and_an_unusable_store(tmp_path: Path, sqlite_url: str) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("model: Bad Name\n")
    with pytest.raises(SpecError) as caught:
        driftboard.run_spec(bad, settings=settings(tmp_path, sqlite_url))
    assert any("model" in p for p in caught.value.problems)
    with pytest.raises(StoreError, match="names driver 'postgresql\\+psycopg'"):
        driftboard.run_spec(SPEC, at=AT, settings=settings(tmp_path, "postgresql+psycopg://u@127.0.0.1/x"))


def code_block(after: str) -> str:
    """The first ```python block after the heading `after` in docs/python-api.md."""
    section = DOC[DOC.index(after) :]
    match = re.search(r"```python\n(.*?)```", section, re.DOTALL)
    assert match, after
    return match.group(1)


def test_the_docs_notebook_cell_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO)  # the cell reads examples/ from the repository root, as a user would
    namespace: dict[str, object] = {}
    exec(code_block("## A notebook cell"), namespace)
    scores = namespace["scores"]
    assert isinstance(scores, driftboard.DriftScores)
    assert set(scores.drifted) == {"monthly_charges", "tenure_months", "contract_type"}


def test_the_docs_airflow_task_runs_the_window(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Airflow itself is not installed: its two names are stood in for by what they are to the
    task's body (an identity decorator and an exception); the body runs as written."""
    airflow = {"airflow": types.ModuleType("airflow"), "airflow.decorators": types.ModuleType("d"),
               "airflow.exceptions": types.ModuleType("e")}  # fmt: skip
    airflow["airflow.decorators"].task = lambda fn: fn  # type: ignore[attr-defined]
    airflow["airflow.exceptions"].AirflowException = type("AirflowException", (Exception,), {})  # type: ignore[attr-defined]
    for name, module in airflow.items():
        monkeypatch.setitem(sys.modules, name, module)
    env = store_env(f"sqlite:///{tmp_path / 'db.sqlite'}", tmp_path) | {"DRIFTBOARD_KEEP_REPORTS": "none"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    driftboard.settings.get_settings.cache_clear()
    namespace: dict[str, object] = {}
    exec(code_block("## An Airflow task"), namespace)
    task = namespace["check_drift"]
    run = task(str(SPEC), "2026-01-01T18:00:00+00:00")  # type: ignore[operator]
    assert (run["status"], run["n_drifted"]) == ("succeeded", 0)
    (tmp_path / "jobs").mkdir()
    drifting = tmp_path / "jobs" / "drifting.yaml"  # 3 of 9 drifted is dataset drift at 0.3
    drifting.write_text(SPEC.read_text().replace("drift_share: 0.5", "drift_share: 0.3"))
    with pytest.raises(Exception, match=r"^drift run failed: .*reference\.csv\.gz: no such file$"):
        task(str(drifting), AT)  # type: ignore[operator]  # its data is not there yet
    (tmp_path / "examples").symlink_to(REPO / "examples")
    with pytest.raises(Exception, match=r"^dataset drift: 3 of 9 features$"):
        task(str(drifting), AT)  # type: ignore[operator]
    driftboard.settings.get_settings.cache_clear()


def test_names_on_the_package() -> None:
    assert {"score", "run_spec", "DriftScores"} <= set(driftboard.__all__)
    with pytest.raises(AttributeError):
        driftboard.nothing_here  # noqa: B018
