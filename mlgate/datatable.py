"""The table a gate sees: the interface of ``data.eval`` and ``data.reference``, whatever reads them.

At the bottom of the package with the input bundle (:mod:`mlgate.bundle`), which holds tables of this
type: the readers (:mod:`mlgate.io.lazy`, :mod:`mlgate.io.tables`) and the Spark engine implement it, and
the bundle names it without importing any reader.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterator, Sequence
from typing import TYPE_CHECKING, ClassVar, overload

from mlgate.errors import InputError

if TYPE_CHECKING:
    import pandas as pd


class DataTable(ABC):
    """One input table. ``source`` is the name used in messages (the path as configured)."""

    source: str
    # The module whose ``ENGINE`` answers the gates' questions on this table's rows
    # (:func:`mlgate.engines.interface.engine_of`); named, not imported, so io stays below engines.
    engine_module: ClassVar[str] = "mlgate.engines.local"

    @property
    @abstractmethod
    def columns(self) -> list[str]:
        """Every column of the table, in file order."""

    @abstractmethod
    def __len__(self) -> int: ...

    @abstractmethod
    def read(self, columns: Sequence[str], *, keep: bool = True) -> pd.DataFrame:
        """These columns (each must exist) as a DataFrame with a 0..n-1 RangeIndex, in row order.

        ``keep=False``: a gate that reads each column once (drift) does not fill the column cache.
        """

    def datetime_columns(self, columns: Sequence[str]) -> list[str]:
        """The columns among ``columns`` that pandas reads as datetimes (lazy tables: from the schema,
        without reading rows)."""
        import pandas as pd

        return [c for c in columns if pd.api.types.is_datetime64_any_dtype(self[c])]

    def __contains__(self, column: object) -> bool:
        return column in self.columns

    @overload
    def __getitem__(self, key: str) -> pd.Series: ...

    @overload
    def __getitem__(self, key: list[str]) -> pd.DataFrame: ...

    def __getitem__(self, key: str | list[str]) -> pd.Series | pd.DataFrame:
        if isinstance(key, str):
            return self.read([key])[key]
        return self.read(list(key))

    def batches(
        self, columns: Sequence[str] | None = None, rows: int | None = None
    ) -> Iterator[pd.DataFrame]:
        """The table in consecutive row batches (each with a RangeIndex starting at its first row).

        The default is one batch; Parquet tables read ``rows`` rows at a time.
        """
        yield self.read(list(columns) if columns is not None else self.columns)

    def to_pandas(self) -> pd.DataFrame:
        """Every column in memory (for the checks that need the whole table, e.g. deepchecks)."""
        return self.read(self.columns)

    def _check(self, columns: Sequence[str]) -> list[str]:
        names = self.columns
        absent = [c for c in columns if c not in names]
        if absent:
            raise InputError(
                f"{self.source}: no column {', '.join(repr(c) for c in absent)}",
                hint=f"columns found: {', '.join(names[:30])}",
            )
        return list(dict.fromkeys(columns))
