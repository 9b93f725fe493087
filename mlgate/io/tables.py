"""Read evaluation tables (CSV, CSV.gz, Parquet, JSON Lines) without silently repairing them.

The format is chosen by the extension and checked against the content (:mod:`mlgate.io.sniff`). CSV
goes through the strict pyarrow reader of :mod:`mlgate.io.csv_reader`; Parquet through pyarrow with
column pruning; JSON Lines through pyarrow's JSON reader. Null spellings are only those configured in
``data.null_values``: category values such as ``none`` stay values.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Literal

from mlgate.datatable import DataTable
from mlgate.errors import InputError
from mlgate.io.columns import present_columns
from mlgate.io.lazy import FrameTable, ParquetTable
from mlgate.io.sniff import SUFFIXES, sniff, table_format

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["SUFFIXES", "read_table", "table_format"]


def read_table(
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    null_values: Sequence[str] = ("",),
    display: str | None = None,
    missing: Literal["error", "ignore"] = "error",
) -> pd.DataFrame:
    """Read a table; ``display`` is the name used in messages (defaults to the path).

    ``columns`` limits what is loaded. With ``missing="error"`` every listed column must exist; with
    ``"ignore"`` absent ones are skipped (the gate that needs a column reports its absence).
    """
    p = Path(path)
    where = display or str(path)
    if not p.exists():
        raise InputError(f"{where}: file not found", hint="check the path in mlgate.yaml")
    if p.is_dir():
        raise InputError(f"{where}: is a directory, expected a file")
    try:
        sniffed = sniff(p, where)
        if columns is not None:
            columns = list(dict.fromkeys(columns))
        if sniffed.kind == "parquet":
            frame = _read_parquet(p, where, columns, missing)
        else:
            from mlgate.io.sniff import read_text_bytes
            from mlgate.io.textcheck import TextSource

            source = TextSource(read_text_bytes(p, sniffed, where), where, columns, null_values, missing)
            if sniffed.kind == "csv":
                from mlgate.io.csv_reader import read_csv_bytes

                frame = read_csv_bytes(source)
            else:
                from mlgate.io.jsonl_reader import read_jsonl_bytes

                frame = read_jsonl_bytes(source)
    except InputError:
        raise
    except MemoryError:
        raise InputError(f"{where}: too large to load in memory", hint="sample the evaluation set") from None
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{where}: cannot read: {exc}") from None
    if frame.shape[0] == 0:
        raise InputError(f"{where}: no data rows", hint="the file is empty or has only a header")
    return frame


def table_columns(path: Path, where: str) -> list[str]:
    """Column names of a table without loading its rows (Parquet footer, CSV header, first JSON line)."""
    sniffed = sniff(path, where)
    if sniffed.kind == "parquet":
        import pyarrow.parquet as pq

        try:
            return list(pq.read_schema(path).names)
        except Exception as exc:  # noqa: BLE001 - pyarrow raises several types for corrupt footers
            raise InputError(f"{where}: not a readable Parquet file: {exc}") from None
    from mlgate.io.sniff import read_text_bytes

    data = read_text_bytes(path, sniffed, where)
    if sniffed.kind == "csv":
        from mlgate.io.csv_reader import header

        return header(data, where)
    from mlgate.io.jsonl_reader import read_jsonl_bytes
    from mlgate.io.textcheck import TextSource

    return list(read_jsonl_bytes(TextSource(data, where, None, (), "ignore")).columns)


def _read_parquet(
    path: Path, where: str, columns: Sequence[str] | None, missing: Literal["error", "ignore"]
) -> pd.DataFrame:
    table = ParquetTable(path, where)
    chosen = present_columns(table.columns, columns, missing, where)
    return table.read(table.columns if chosen is None else chosen, keep=False)


def open_table(
    path: Path,
    *,
    columns: Sequence[str] | None,
    null_values: Sequence[str],
    display: str,
) -> DataTable:
    """A Parquet file lazily, any other format parsed into memory (``columns`` prunes what is parsed)."""
    if path.exists() and path.is_file():
        try:
            kind = sniff(path, display).kind
        except OSError as exc:
            raise InputError(f"{display}: cannot read: {exc}") from None
        if kind == "parquet":
            return ParquetTable(path, display)
    frame = read_table(path, columns=columns, missing="ignore", null_values=null_values, display=display)
    return FrameTable(frame, display)
