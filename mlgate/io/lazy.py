"""Input tables whose columns are read when a gate asks for them.

A gate sees ``data.eval`` and ``data.reference`` as a :class:`~mlgate.datatable.DataTable`: the column
names, the row count, and ``table[column]`` (a pandas Series) or ``table[[columns]]``
(a DataFrame), like a DataFrame.
Three kinds:

- :class:`FrameTable`: an in-memory DataFrame (CSV and JSON Lines are parsed whole);
- :class:`ParquetTable`: a Parquet file; each request reads only its columns from the file, and
  recently used columns are kept while they fit in a byte budget (``MLGATE_COLUMN_CACHE_MB``,
  default 512). Memory therefore grows with the columns one gate needs at a time, not with the table;
  ``DataTable.batches`` reads row groups in batches for the gates that look at every column;
- ``mlgate.engines.spark.SparkTable`` (``data.engine: spark``): the data stays in Spark; the gates'
  counts are computed there by its engine (:mod:`mlgate.engines.interface`), and requested columns
  are collected.
"""

from __future__ import annotations

import os
import threading
from abc import abstractmethod
from collections import OrderedDict
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.datatable import DataTable
from mlgate.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

DEFAULT_CACHE_MB = 512
BATCH_ROWS = 262_144


def cache_budget() -> int:
    """Bytes of columns a lazy table keeps between requests (``MLGATE_COLUMN_CACHE_MB``)."""
    raw = os.environ.get("MLGATE_COLUMN_CACHE_MB", "")
    try:
        mb = float(raw) if raw.strip() else DEFAULT_CACHE_MB
    except ValueError:
        raise InputError(
            f"MLGATE_COLUMN_CACHE_MB: '{raw}' is not a number", hint="set it to a size in MiB, e.g. 512"
        ) from None
    return max(0, int(mb * 1024 * 1024))


def series_bytes(s: pd.Series) -> int:
    """Memory of a column's values; Python strings are counted deeply (pandas 2 object columns)."""
    deep = s.dtype == object
    return int(s.memory_usage(index=False, deep=deep))


class FrameTable(DataTable):
    """A table already in memory."""

    def __init__(self, frame: pd.DataFrame, source: str) -> None:
        import pandas as pd

        if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 or frame.index.step != 1:
            frame = frame.reset_index(drop=True)  # row numbers in messages are positions
        self.frame = frame
        self.source = source

    @property
    def columns(self) -> list[str]:
        return [str(c) for c in self.frame.columns]

    def __len__(self) -> int:
        return int(self.frame.shape[0])

    def __getitem__(self, key: str | list[str]) -> Any:
        if isinstance(key, str):
            self._check([key])
            return self.frame[key]
        return self.read(key)

    def read(self, columns: Sequence[str], *, keep: bool = True) -> pd.DataFrame:
        cols = self._check(columns)
        if cols == self.columns:
            return self.frame
        return self.frame[cols]


class CachedTable(DataTable):
    """A table read column by column through ``_load``, keeping columns within the cache budget."""

    def __init__(self, source: str) -> None:
        self.source = source
        self._cache: OrderedDict[str, tuple[pd.Series, int]] = OrderedDict()
        self._budget = cache_budget()
        self._held = 0
        # Gates may read columns from worker threads (the drift gate does): one reader at a time.
        self._lock = threading.RLock()

    @abstractmethod
    def _load(self, columns: list[str]) -> pd.DataFrame:
        """Read these columns from the source (all exist), RangeIndex, in row order."""

    def read(self, columns: Sequence[str], *, keep: bool = True) -> pd.DataFrame:
        with self._lock:
            return self._read(columns, keep)

    def _read(self, columns: Sequence[str], keep: bool) -> pd.DataFrame:
        import pandas as pd

        cols = self._check(columns)
        todo = [c for c in cols if c not in self._cache]
        loaded = self._load(todo) if todo else None
        parts: dict[str, pd.Series] = {}
        for c in cols:
            if c in self._cache:
                self._cache.move_to_end(c)
                parts[c] = self._cache[c][0]
            else:
                assert loaded is not None
                parts[c] = loaded[c]
                if keep:
                    self._remember(c, loaded[c])
        if len(parts) == 1:
            (name, s), = parts.items()
            return s.to_frame(name)
        return pd.DataFrame(parts, copy=False)

    def _remember(self, name: str, s: pd.Series) -> None:
        size = series_bytes(s)
        if size > self._budget:
            return
        while self._cache and self._held + size > self._budget:
            _, (_, freed) = self._cache.popitem(last=False)
            self._held -= freed
        self._cache[name] = (s, size)
        self._held += size


class ParquetTable(CachedTable):
    """A Parquet file read one column subset at a time (row groups in batches for whole-table passes)."""

    def __init__(self, path: Path, source: str) -> None:
        import pyarrow.parquet as pq

        super().__init__(source)
        self.path = path
        try:
            meta = pq.ParquetFile(path)
            self._schema = meta.schema_arrow
            names = list(self._schema.names)
            self._rows = int(meta.metadata.num_rows)
        except Exception as exc:  # noqa: BLE001 - ArrowInvalid, OSError...: all mean a corrupt file
            raise InputError(
                f"{source}: not a readable Parquet file: {exc}", hint="re-write it with a Parquet writer"
            ) from None
        dup = sorted({n for n in names if names.count(n) > 1})
        if dup:
            raise InputError(f"{source}: duplicated column name '{dup[0]}'", hint="rename one of them")
        self._names = names
        if self._rows == 0:
            raise InputError(f"{source}: no data rows", hint="the file is empty or has only a header")

    @property
    def columns(self) -> list[str]:
        return list(self._names)

    def __len__(self) -> int:
        return self._rows

    def datetime_columns(self, columns: Sequence[str]) -> list[str]:
        import pyarrow as pa

        # Arrow timestamps are what pandas reads as datetimes.
        return [c for c in columns if pa.types.is_timestamp(self._schema.field(c).type)]

    def _load(self, columns: list[str]) -> pd.DataFrame:
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        try:
            table = pq.read_table(self.path, columns=columns)
        except (pa.ArrowException, OSError) as exc:
            raise InputError(
                f"{self.source}: cannot read Parquet: {exc}", hint="re-write it with a Parquet writer"
            ) from None
        except MemoryError:
            raise InputError(
                f"{self.source}: too large to load in memory",
                hint="lower MLGATE_COLUMN_CACHE_MB, or use data.engine: spark",
            ) from None
        frame: pd.DataFrame = table.to_pandas()
        if not isinstance(frame.index, pd.RangeIndex) or frame.index.start != 0 or frame.index.step != 1:
            frame = frame.reset_index(drop=True)
        return frame

    def batches(
        self, columns: Sequence[str] | None = None, rows: int | None = None
    ) -> Iterator[pd.DataFrame]:
        import pandas as pd
        import pyarrow as pa
        import pyarrow.parquet as pq

        cols = self._check(columns) if columns is not None else self.columns
        start = 0
        try:
            for batch in pq.ParquetFile(self.path).iter_batches(batch_size=rows or BATCH_ROWS, columns=cols):
                frame: pd.DataFrame = pa.Table.from_batches([batch]).to_pandas()
                frame.index = pd.RangeIndex(start, start + frame.shape[0])
                start += frame.shape[0]
                yield frame
        except (pa.ArrowException, OSError) as exc:
            raise InputError(
                f"{self.source}: cannot read Parquet: {exc}", hint="re-write it with a Parquet writer"
            ) from None
