"""A small lake for the object-storage tests: a reference and three days of events under hive
`dt=` folders (Parquet in row groups of 100 minutes, or CSV), the window's day drifted in x,
and the specs and evaluations that read it."""

from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from driftboard.drift.scoring import DriftOptions
from driftboard.jobs.load import load_spec
from driftboard.jobs.schedule import window_ending
from driftboard.results import Evaluation
from driftboard.run import evaluate as run
from tests.support.helpers import WINDOW_END, spec_dict

DAY = WINDOW_END.replace(hour=0)  # the window, [11:00, 12:00), lies in this day's folder


def day_frame(day: pd.Timestamp, drift: float, rng: np.random.Generator) -> pd.DataFrame:
    """A row a minute; instants, so row groups of 100 minutes have 11:00-12:00 in two of them."""
    return pd.DataFrame({
        "ts": pd.date_range(day, periods=24 * 60, freq="min", tz="UTC"),
        "x": rng.normal(drift, 1, 24 * 60), "y": rng.normal(5, 2, 24 * 60),
        "c": rng.choice(["a", "b", "c"], 24 * 60).astype(object),
    })  # fmt: skip


def write(folder: Path, fmt: str, zone: str | None = None) -> list[Path]:
    """A reference and three days under hive folders, the window's day drifted in x; with a
    zone, its wall times without an offset."""
    rng = np.random.default_rng(3)
    day_frame(pd.Timestamp(DAY), 0.0, rng).drop(columns="ts").to_parquet(folder / "reference.parquet")
    written = [folder / "reference.parquet"]
    for shift in (-1, 0, 1):
        day = pd.Timestamp(DAY + timedelta(days=shift))
        (folder / "events" / f"dt={day:%Y-%m-%d}").mkdir(parents=True)
        path = folder / "events" / f"dt={day:%Y-%m-%d}" / f"part.{fmt}"
        frame = day_frame(day, 0.8 if shift == 0 else 0.0, rng)
        if zone is not None:
            frame["ts"] = frame["ts"].dt.tz_convert(zone).dt.tz_localize(None)
        frame.to_parquet(path, row_group_size=100) if fmt == "parquet" else frame.to_csv(path, index=False)
        written.append(path)
    return written


def job(folder: Path, reference: str, current: str, zone: str | None = None) -> Path:
    spec = spec_dict(reference={"path": reference}, current={"path": current}, timestamp_timezone=zone)
    (folder / "job.yaml").write_text(yaml.safe_dump(spec))
    return folder / "job.yaml"


def evaluate(job: Path, options: DriftOptions) -> Evaluation:
    loaded = load_spec(job)
    return run.evaluate(loaded, window_ending(loaded.spec, WINDOW_END), "none", options)
