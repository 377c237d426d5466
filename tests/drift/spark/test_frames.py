"""DRIFTBOARD_DRIFT_ENGINE=spark in a run: the window read as usual, scored in Spark, and the
evaluation equal to the fast engine's, feature by feature."""

import sys
from pathlib import Path

import pytest

from driftboard.drift.scoring import DriftOptions
from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.run.evaluate import evaluate
from driftboard.settings import Settings
from tests.drift.test_drift import COLUMNS, dataset
from tests.support.helpers import WINDOW_END, write_job
from tests.support.spark_helpers import assert_same_evaluation
from tests.support.spark_plugin import MASTER


def test_a_run_scored_in_spark_equals_the_fast_engines(spark: object, tmp_path: Path) -> None:
    ref, cur = dataset(3000, 2000, seed=9)
    ref.loc[:50, "num_stable"] = None  # nulls counted, then dropped before testing
    loaded = load_spec(write_job(tmp_path, ref, cur, columns=COLUMNS))
    window = window_ending(loaded.spec, WINDOW_END)
    want = evaluate(loaded, window, "none", DriftOptions())
    got = evaluate(loaded, window, "none", DriftOptions(engine="spark", spark_master=MASTER))
    assert_same_evaluation(got, want)
    assert got.n_drifted == 3


def test_the_setting_names_the_engine_and_its_spark(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRIFTBOARD_DRIFT_ENGINE", "spark")
    monkeypatch.setenv("DRIFTBOARD_SPARK_MASTER", "sc://spark.example:15002")
    options = DriftOptions.from_settings(Settings(_env_file=None))  # type: ignore[call-arg]
    assert (options.engine, options.spark_master) == ("spark", "sc://spark.example:15002")


def test_spark_connect_without_its_client_is_one_clear_line(monkeypatch: pytest.MonkeyPatch) -> None:
    from driftboard.drift.spark import session
    from driftboard.errors import DataError

    monkeypatch.setitem(sys.modules, "grpc", None)  # as where pyspark[connect] is not installed
    with pytest.raises(
        DataError,
        match=r"^sc://127\.0\.0\.1:1: Spark Connect needs its client: pip install 'pyspark\[connect\]'$",
    ):
        session.get("sc://127.0.0.1:1")
