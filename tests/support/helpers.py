"""Build small job specs and data files in a temp folder for tests."""

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import yaml

WINDOW_END = datetime(2026, 3, 1, 12, tzinfo=UTC)


def stamps(n: int, end: datetime = WINDOW_END, span: timedelta = timedelta(hours=1)) -> list[str]:
    """n ISO timestamps spread over the hour before `end` (inside the window)."""
    step = span / (n + 1)
    return [(end - span + step * (i + 1)).isoformat() for i in range(n)]


def frames(n_ref: int = 600, n_cur: int = 400, seed: int = 1) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Two numerical and one categorical feature; no drift unless a test adds it."""
    rng = np.random.default_rng(seed)

    def make(n: int) -> pd.DataFrame:
        return pd.DataFrame(
            {
                "x": rng.normal(0, 1, n),
                "y": rng.normal(5, 2, n),
                "c": rng.choice(["a", "b", "c"], n),
            }
        )

    ref, cur = make(n_ref), make(n_cur)
    cur.insert(0, "ts", stamps(n_cur))
    return ref, cur


def spec_dict(**overrides: Any) -> dict[str, Any]:
    spec: dict[str, Any] = {
        "model": "test-model",
        "schedule": {"interval": "1h"},
        "timestamp_column": "ts",
        "reference": {"path": "reference.csv"},
        "current": {"path": "current.csv"},
        "columns": {"numerical": ["x", "y"], "categorical": ["c"]},
    }
    spec.update(overrides)
    return spec


def write_job(
    folder: Path,
    ref: pd.DataFrame | None = None,
    cur: pd.DataFrame | None = None,
    name: str = "job.yaml",
    **overrides: Any,
) -> Path:
    default_ref, default_cur = frames()
    (default_ref if ref is None else ref).to_csv(folder / "reference.csv", index=False)
    (default_cur if cur is None else cur).to_csv(folder / "current.csv", index=False)
    path = folder / name
    path.write_text(yaml.safe_dump(spec_dict(**overrides), sort_keys=False))
    return path
