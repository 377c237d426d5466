"""A run's scored columns by role: the prediction, and the target where columns.target_drift asks."""

from pathlib import Path

import numpy as np
from pydantic import SecretStr

from driftboard.api import run_spec
from driftboard.settings import Settings
from tests.support.helpers import WINDOW_END, frames, write_job


def test_target_drift_is_scored_as_its_own_role(tmp_path: Path, sqlite_url: str) -> None:
    ref, cur = frames()
    rng = np.random.default_rng(5)
    ref["p"], cur["p"] = rng.uniform(0, 1, len(ref)), rng.uniform(0, 1, len(cur))
    ref["t"] = np.where(rng.random(len(ref)) < 0.1, "yes", "no")
    cur["t"] = np.where(rng.random(len(cur)) < 0.6, "yes", "no")  # label shift: 10 % → 60 % positive
    columns = {"numerical": ["x", "y"], "categorical": ["c"], "prediction": {"name": "p"}, "target": "t",
               "target_drift": "categorical"}  # fmt: skip
    spec = write_job(tmp_path, ref, cur, columns=columns)
    settings = Settings(
        database_url=SecretStr(sqlite_url), reports_dir=tmp_path / "reports", keep_reports="none"
    )
    result = run_spec(spec, WINDOW_END, settings=settings)
    roles = {f.feature: (f.role, f.column_type, f.drift_detected) for f in result.evaluation.features}
    assert roles == {
        "x": ("feature", "numerical", False),
        "y": ("feature", "numerical", False),
        "c": ("feature", "categorical", False),
        "p": ("prediction", "numerical", False),
        "t": ("target", "categorical", True),
    }


def test_the_target_is_not_scored_unless_asked(tmp_path: Path, sqlite_url: str) -> None:
    ref, cur = frames()
    ref["t"], cur["t"] = "no", "yes"
    spec = write_job(
        tmp_path, ref, cur, columns={"numerical": ["x", "y"], "categorical": ["c"], "target": "t"}
    )
    settings = Settings(
        database_url=SecretStr(sqlite_url), reports_dir=tmp_path / "reports", keep_reports="none"
    )
    names = {f.feature for f in run_spec(spec, WINDOW_END, settings=settings).evaluation.features}
    assert names == {"x", "y", "c"}
