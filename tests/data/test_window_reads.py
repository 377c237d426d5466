"""Only the window is read: hive folders outside it are never opened, Parquet row groups
outside it are never decoded, folders are sources with their partition columns kept."""

from datetime import UTC, datetime, timedelta
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import yaml

from driftboard.data import scan
from driftboard.data.locate import locate
from driftboard.data.request import Request
from driftboard.drift.scoring import DriftOptions
from driftboard.jobs.load import load_spec
from driftboard.jobs.window import Window
from driftboard.run.evaluate import evaluate
from tests.support.helpers import spec_dict
from tests.support.tracking_fs import track_opens

YEAR_START = datetime(2025, 3, 1, tzinfo=UTC)
HOUR = Window(datetime(2026, 1, 10, 5, tzinfo=UTC), datetime(2026, 1, 10, 6, tzinfo=UTC))


def _hour_table(start: datetime, rows: int, rng: np.random.Generator) -> pa.Table:
    stamps = [start + timedelta(seconds=int(s)) for s in np.sort(rng.integers(0, 3600, rows))]
    return pa.table(
        {
            "ts": pa.array(stamps, pa.timestamp("us", tz="UTC")),
            "x": rng.normal(0, 1, rows),
            "c": rng.choice(["a", "b", "c"], rows),
        }
    )


def _hourly_year(root: Path) -> list[Path]:
    """A year of hourly Parquet files under dt=YYYY-MM-DD/hour=HH/ (8,760 files). Only the
    window's hour holds its own rows; the others share one file's bytes (writing 8,760 real
    files would take the test a minute), which no correct read of the window opens."""
    rng = np.random.default_rng(4)
    sink = pa.BufferOutputStream()
    pq.write_table(_hour_table(YEAR_START, 5, rng), sink)
    filler = sink.getvalue().to_pybytes()
    written = []
    for h in range(365 * 24):
        start = YEAR_START + timedelta(hours=h)
        folder = root / f"dt={start:%Y-%m-%d}" / f"hour={start:%H}"
        folder.mkdir(parents=True)
        path = folder / "part-0.parquet"
        if start == HOUR.start:
            pq.write_table(_hour_table(start, 5, rng), path)
        else:
            path.write_bytes(filler)
        written.append(path)
    return written


def _job(folder: Path, **overrides: object) -> Path:
    rng = np.random.default_rng(1)
    hours = [f"{h:02}" for h in rng.integers(0, 24, 300)]
    reference = {"x": rng.normal(0, 1, 300), "c": rng.choice(["a", "b", "c"], 300), "hour": hours}
    pd.DataFrame(reference).to_parquet(folder / "reference.parquet")
    spec = spec_dict(reference={"path": "reference.parquet"}, **overrides)
    path = folder / "job.yaml"
    path.write_text(yaml.safe_dump(spec))
    return path


def test_a_year_of_hourly_files_opens_one_for_an_hour(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    files = _hourly_year(tmp_path / "events")
    opened = track_opens(monkeypatch)
    job = _job(
        tmp_path, current={"path": "events"}, columns={"numerical": ["x"], "categorical": ["c", "hour"]}
    )
    loaded = load_spec(job)
    evaluation = evaluate(loaded, HOUR, "none", DriftOptions(cache_dir=tmp_path / "cache"))
    assert evaluation.status == "succeeded", evaluation.error
    wanted = str(tmp_path / "events" / "dt=2026-01-10" / "hour=05" / "part-0.parquet")
    assert {p for p in opened if "events" in p} == {wanted}  # one of 8,760 files
    assert evaluation.current_rows == 5
    features = {f.feature: f for f in evaluation.features}
    assert (features["hour"].status, features["hour"].current_count) == ("ok", 5)  # partition column kept
    assert len(files) == 8760


def _row_groups(path: Path, hours: int) -> None:
    rng = np.random.default_rng(2)
    tables = [
        _hour_table(datetime(2026, 1, 10, tzinfo=UTC) + timedelta(hours=h), 1000, rng) for h in range(hours)
    ]
    pq.write_table(pa.concat_tables(tables), path, row_group_size=1000)


def _spoil_other_row_groups(path: Path, keep: int) -> None:
    """Overwrite every column chunk of the other row groups: decoding one of them would fail."""
    meta = pq.ParquetFile(path).metadata
    with path.open("r+b") as f:
        for g in range(meta.num_row_groups):
            if g == keep:
                continue
            for c in range(meta.num_columns):
                chunk = meta.row_group(g).column(c)
                start = chunk.dictionary_page_offset or chunk.data_page_offset
                f.seek(start)
                f.write(b"\xff" * chunk.total_compressed_size)


def test_row_groups_outside_the_window_are_never_decoded(tmp_path: Path) -> None:
    path = tmp_path / "day.parquet"
    _row_groups(path, 24)
    _spoil_other_row_groups(path, keep=5)
    request = Request("current data", frozenset({"ts", "x", "c"}), "ts", None, HOUR)
    read = scan.read(locate(str(path), tmp_path), request)
    assert read.table.num_rows == 1000
    with pytest.raises(OSError, match="page header"):  # the other row groups really are unreadable
        pq.read_table(path)


def test_a_folder_keeps_its_partition_columns_and_reads_csv_too(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    for day in ("2026-01-09", "2026-01-10"):
        folder = tmp_path / "events" / f"dt={day}"
        folder.mkdir(parents=True)
        table = _hour_table(datetime.fromisoformat(day).replace(hour=5, tzinfo=UTC), 10, rng)
        table.to_pandas().assign(ts=lambda f: f["ts"].map(pd.Timestamp.isoformat)).to_csv(
            folder / "part.csv", index=False
        )
    request = Request("current data", None, "ts", None, HOUR)
    read = scan.read(locate("events", tmp_path), request)
    assert read.table.num_rows == 10
    assert set(read.table.column("dt").to_pylist()) == {"2026-01-10"}


def test_naive_timestamps_in_a_declared_zone_are_cut_exactly(tmp_path: Path) -> None:
    """Pushed down with a day's slack either side, then cut exactly in the spec's zone."""
    stamps = pd.date_range("2026-01-10 00:00", periods=48, freq="30min")  # naive Paris time
    pd.DataFrame({"ts": stamps, "x": np.arange(48.0)}).to_parquet(tmp_path / "p.parquet")
    request = Request("current data", None, "ts", "Europe/Paris", HOUR)
    read = scan.read(locate("p.parquet", tmp_path), request)
    # 05:00-06:00 UTC is 06:00-07:00 in Paris: rows 12 and 13
    assert read.table.column("x").to_pylist() == [12.0, 13.0]
