"""CSV files (plain or compressed), parsed by pandas exactly as before, then cut and kept as Arrow.

CSV has no statistics to skip rows by: each file is parsed whole, only the columns asked for,
and cut to the window before the next one is read, so memory holds the window, not the files.
"""

import lzma
import zlib
from typing import Any

import pandas as pd
import pyarrow as pa

from driftboard.data import hive
from driftboard.data.convert import frame_dtypes, from_pandas
from driftboard.data.cut import select_window
from driftboard.data.locate import CSV_CODECS, DataFile, Location
from driftboard.data.request import Read, Request
from driftboard.data.size import check_size, file_bytes
from driftboard.errors import DataError


def parse(location: Location, file: DataFile, wanted: frozenset[str] | None, **options: Any) -> pd.DataFrame:
    usecols = None if wanted is None else (lambda name: name in wanted)
    codec = next(c for suffix, c in CSV_CODECS.items() if file.name.endswith(suffix))
    try:
        with location.filesystem.open_input_file(file.path) as handle:
            return pd.read_csv(handle, low_memory=False, usecols=usecols, compression=codec, **options)
    except UnicodeDecodeError as exc:
        raise DataError(f"{file.path}: not valid UTF-8 text ({exc.reason} at byte {exc.start})") from None
    # A truncated or corrupt archive: gzip and bz2 end early (EOFError), zlib and lzma say why.
    except (EOFError, zlib.error, lzma.LZMAError) as exc:
        raise DataError(f"{file.path}: corrupt or truncated {codec} file: {exc}") from None
    except (OSError, ValueError, pa.ArrowException) as exc:
        raise DataError(f"{file.path}: cannot read: {exc}") from None


def read(location: Location, files: list[DataFile], request: Request) -> Read:
    check_size(request, (None, file_bytes([(f.path, f.size) for f in files])), location.display)
    header = parse(location, files[0], None, nrows=0)
    tables: list[pa.Table] = []
    dtypes: dict[str, list[str]] = {}
    for file in files:
        frame = parse(location, file, request.wanted)
        for key, value in hive.keys_below(location.root, file.path).items():
            if key not in frame.columns and (request.wanted is None or key in request.wanted):
                frame[key] = pd.Series([value] * len(frame), dtype=object)  # as the Parquet reader: text
        if request.window is not None and request.timestamp is not None:
            frame = select_window(frame, request.timestamp, request.zone, request.window, request.label)
        dtypes = dtypes or frame_dtypes(frame)
        tables.append(from_pandas(frame))
    table = tables[0] if len(tables) == 1 else pa.concat_tables(tables, promote_options="permissive")
    for name in header.columns:  # columns not read still count as present
        dtypes.setdefault(str(name), ["object"])
    return Read(table, dtypes)
