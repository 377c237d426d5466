"""A small churn-model dataset with drift injected in known columns, for the quickstart and tests."""

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd

DRIFTED = ("monthly_charges", "tenure_months", "contract_type")
START = datetime(2026, 1, 1, tzinfo=UTC)
ONSET = START + timedelta(hours=24)


@dataclass(frozen=True)
class Shape:
    reference_rows: int = 5000
    hours: int = 48
    rows_per_hour: int = 250
    seed: int = 7


def customers(rng: np.random.Generator, n: int, drifted: bool) -> pd.DataFrame:
    contract_mix = [0.8, 0.15, 0.05] if drifted else [0.5, 0.3, 0.2]
    frame = pd.DataFrame(
        {
            "age": rng.normal(45, 12, n).round(0),
            "monthly_charges": rng.normal(80 if drifted else 65, 18, n).round(2),
            "tenure_months": rng.gamma(2.0, 20.0 if drifted else 12.0, n).round(1),
            "support_calls": rng.poisson(1.5, n),
            "num_products": rng.integers(1, 5, n),
            "contract_type": rng.choice(["month-to-month", "one-year", "two-year"], n, p=contract_mix),
            "region": rng.choice(["north", "south", "east", "west"], n),
            "payment_method": rng.choice(["card", "transfer", "check"], n, p=[0.6, 0.3, 0.1]),
        }
    )
    # The prediction depends only on undrifted inputs, so exactly DRIFTED moves.
    logit = -3 + 0.03 * frame["age"] + 0.4 * frame["support_calls"]
    frame["churn_score"] = (1 / (1 + np.exp(-logit))).round(4)
    return frame


def generate(shape: Shape = Shape()) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(shape.seed)
    reference = customers(rng, shape.reference_rows, drifted=False)
    hours = []
    for hour in range(shape.hours):
        at = START + timedelta(hours=hour)
        batch = customers(rng, shape.rows_per_hour, drifted=at >= ONSET)
        offsets = np.sort(rng.uniform(0, 3600, shape.rows_per_hour))
        batch.insert(0, "event_time", [at + timedelta(seconds=float(s)) for s in offsets])
        hours.append(batch)
    current = pd.concat(hours, ignore_index=True)
    current["event_time"] = current["event_time"].map(lambda t: t.isoformat(timespec="seconds"))
    return reference, current


def write(folder: Path, shape: Shape = Shape()) -> list[Path]:
    """Byte-for-byte reproducible output (gzip without a timestamp), so CI can diff it."""
    folder.mkdir(parents=True, exist_ok=True)
    reference, current = generate(shape)
    paths = [folder / "reference.csv.gz", folder / "current.csv.gz"]
    for frame, path in zip((reference, current), paths, strict=True):
        frame.to_csv(path, index=False, compression={"method": "gzip", "mtime": 0})
    return paths


if __name__ == "__main__":
    import sys

    write(Path(sys.argv[1] if len(sys.argv) > 1 else "examples/churn"))
