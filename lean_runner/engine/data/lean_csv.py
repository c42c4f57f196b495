"""Fast parsing of LEAN bar CSVs inside zip files into record arrays.

A parsed file is a 1-D structured array with ``t`` (int64 local-time
nanoseconds of the bar start) and ``v`` (float64 raw file values: integer
prices x 10000 and volume/sizes, unscaled). Keeping the raw values makes the
cached form independent of scaling and market-hours rules, which are applied
when bars are built. Parsing uses pandas' C reader, never a Python row loop.
"""

from __future__ import annotations

import io
import zipfile
from datetime import date
from pathlib import Path

import numpy as np
import numpy.typing as npt
import pandas as pd

from .timeconv import NS_PER_MS, date_to_ns

__all__ = [
    "QUOTE_VALUE_COLUMNS",
    "TRADE_VALUE_COLUMNS",
    "parse_dated_csv",
    "parse_intraday_csv",
    "read_first_csv_entry",
    "record_dtype",
]

TRADE_VALUE_COLUMNS = 5
QUOTE_VALUE_COLUMNS = 10


def record_dtype(value_columns: int) -> np.dtype[np.void]:
    """Structured dtype ``[("t", int64), ("v", float64, (value_columns,))]``."""
    return np.dtype([("t", "<i8"), ("v", "<f8", (value_columns,))])


def read_first_csv_entry(path: Path) -> bytes:
    """Bytes of the first CSV entry of a zip, whatever its name (e.g. ``tapa/tapa.csv``)."""
    with zipfile.ZipFile(path) as archive:
        entries = [info for info in archive.infolist() if not info.is_dir()]
        if not entries:
            return b""
        csv_entries = [info for info in entries if info.filename.lower().endswith(".csv")]
        return archive.read((csv_entries or entries)[0])


def _read_frame(data: bytes, value_columns: int, text_time: bool) -> pd.DataFrame:
    names = list(range(value_columns + 1))
    dtype: dict[int, type] = {i: np.float64 for i in names}
    if text_time:
        dtype[0] = str
    return pd.read_csv(
        io.BytesIO(data),
        header=None,
        names=names,
        usecols=names,
        dtype=dtype,
        engine="c",
        skip_blank_lines=True,
    )


def _records(
    times: npt.NDArray[np.int64], values: npt.NDArray[np.float64], value_columns: int
) -> npt.NDArray[np.void]:
    out = np.empty(times.size, dtype=record_dtype(value_columns))
    out["t"] = times
    out["v"] = values
    order_ok = times.size < 2 or bool(np.all(times[1:] >= times[:-1]))
    return out if order_ok else out[np.argsort(times, kind="stable")]


def parse_intraday_csv(data: bytes, day: date, value_columns: int) -> npt.NDArray[np.void]:
    """Parse ``ms_since_midnight,values...`` rows of a minute/second file for ``day``."""
    if not data.strip():
        return np.empty(0, dtype=record_dtype(value_columns))
    frame = _read_frame(data, value_columns, text_time=False)
    matrix = frame.to_numpy(dtype=np.float64)
    matrix = matrix[~np.isnan(matrix[:, 0])]
    times = date_to_ns(day) + np.rint(matrix[:, 0] * NS_PER_MS).astype(np.int64)
    return _records(times, matrix[:, 1:], value_columns)


def parse_dated_csv(data: bytes, value_columns: int) -> npt.NDArray[np.void]:
    """Parse ``yyyyMMdd HH:mm,values...`` rows of a daily/hour file."""
    if not data.strip():
        return np.empty(0, dtype=record_dtype(value_columns))
    frame = _read_frame(data, value_columns, text_time=True)
    frame = frame[frame[0].notna()]
    stamps = frame[0].str.strip()
    try:
        parsed = pd.to_datetime(stamps, format="%Y%m%d %H:%M")
    except ValueError:
        parsed = pd.to_datetime(stamps.str.slice(0, 8), format="%Y%m%d")
    times = parsed.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    values = frame.iloc[:, 1:].to_numpy(dtype=np.float64)
    return _records(times, values, value_columns)
