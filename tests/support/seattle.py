"""Seattle's daily weather, 2012–2015 (1,461 days, 5 features with seasons): a real public
dataset bundled in the vega_datasets wheel (package MIT; data from NOAA's public-domain
daily records), read from the installed package, never downloaded.

`write(folder)` saves it as a CSV driftboard reads, and `spec(folder, reference, drift)` a
job spec of monthly windows over it, as docs/seasonal-references.md uses.
"""

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
import yaml
from vega_datasets import local_data

from driftboard.jobs.load import LoadedSpec, load_spec
from driftboard.jobs.window import Window

FEATURES = {"numerical": ["precipitation", "temp_max", "temp_min", "wind"], "categorical": ["weather"]}


def frame() -> pd.DataFrame:
    data = local_data.seattle_weather()
    data["date"] = pd.to_datetime(data["date"]).dt.tz_localize(UTC)
    return data


def write(folder: Path) -> Path:
    path = folder / "seattle-weather.csv"
    frame().to_csv(path, index=False, date_format="%Y-%m-%dT%H:%M:%SZ")
    return path


def spec(folder: Path, reference: dict[str, Any], drift: dict[str, Any] | None = None) -> LoadedSpec:
    """Monthly windows (each evaluated on the 1st of the next month) over the written CSV."""
    body = {
        "model": "seattle-weather",
        "schedule": {"cron": "0 0 1 * *"},
        "timestamp_column": "date",
        "reference": reference,
        "current": {"path": "seattle-weather.csv"},
        "columns": FEATURES,
        "drift": {"min_reference_rows": 28, **(drift or {})},
    }
    path = folder / "seattle.yaml"
    path.write_text(yaml.safe_dump(body))
    return load_spec(path)


def month(year: int, number: int) -> Window:
    """The calendar month as a window (UTC)."""
    end = datetime(year + number // 12, number % 12 + 1, 1, tzinfo=UTC)
    return Window(datetime(year, number, 1, tzinfo=UTC), end)


def months(year: int) -> list[Window]:
    return [month(year, n) for n in range(1, 13)]
