"""The demo on disk: the month's data under `data/` (the current data one Parquet file per UTC
day under hive folders, so a window opens only its day, and the days after the drop really
lack the column) and its spec under `jobs/`."""

import shutil
from datetime import timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from driftboard.demo.generate import (
    CATEGORICAL,
    DROPPED_COLUMN,
    LABEL_DELAY,
    MODEL,
    NUMERICAL,
    Story,
    customers,
    traffic,
)


def write_days(current: pd.DataFrame, story: Story, folder: Path) -> None:
    """One file per UTC day under `dt=<day>/`; from `dropped_from` on, without DROPPED_COLUMN."""
    for day in range(story.days):
        start = story.start + timedelta(days=day)
        rows = current[(current["event_time"] >= start) & (current["event_time"] < start + timedelta(days=1))]
        if start >= story.dropped_from:
            rows = rows.drop(columns=DROPPED_COLUMN)
        target = folder / f"dt={start:%Y-%m-%d}"
        target.mkdir(parents=True, exist_ok=True)
        rows.to_parquet(target / "part-0.parquet", index=False)


def spec_for(story: Story, interval: str) -> dict[str, object]:
    return {
        "model": MODEL,
        "description": "Demo churn model: a dead feature on day 12, drift from day 20 in three "
        "features, a null burst on day 25, a column dropped from day 28.",
        "schedule": {"interval": interval},
        "timestamp_column": "event_time",
        "reference": {"path": "../data/reference.parquet"},
        "current": {"path": "../data/current"},
        "columns": {
            "numerical": NUMERICAL,
            "categorical": CATEGORICAL,
            "prediction": {"name": "churn_probability", "type": "numerical"},
            "target": "churned",
            "ignored": ["event_id", "dt"],  # dt: the day folders' hive key
        },
        # Skewed features (gamma, exponential) wander more than 0.1 between 6-hour windows of
        # this size: 0.15 keeps the demo free of false alarms before day 20.
        "drift": {"numerical": {"threshold": 0.15}},
        "alerts": {"feature_drift_runs": 2},
        "sla": {"freshness_target": 0.99, "healthy_target": 0.9},
    }


def write(story: Story, folder: Path, interval: str = "6h") -> Path:
    """Data under folder/data, the spec under folder/jobs; returns the spec's path."""
    data, jobs = folder / "data", folder / "jobs"
    data.mkdir(parents=True, exist_ok=True)
    jobs.mkdir(parents=True, exist_ok=True)
    reference = customers(np.random.default_rng(story.seed + 1), story.reference_rows, drifted=False)
    reference.drop(columns="churned").to_parquet(data / "reference.parquet", index=False)
    current = traffic(story)
    labels = current[["event_id", "event_time", "churned"]].assign(
        labeled_at=current["event_time"] + LABEL_DELAY
    )
    labels[labels["labeled_at"] <= story.end].to_parquet(data / "labels.parquet", index=False)
    shutil.rmtree(data / "current", ignore_errors=True)  # a demo is a reset
    write_days(current.drop(columns="churned"), story, data / "current")
    spec_path = jobs / f"{MODEL}.yaml"
    spec_path.write_text(yaml.safe_dump(spec_for(story, interval), sort_keys=False))
    return spec_path
