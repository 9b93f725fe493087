"""Read evaluation tables (CSV, CSV.gz, Parquet, JSON Lines) without silently repairing them."""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from mlgate.errors import InputError

if TYPE_CHECKING:
    import pandas as pd

SUFFIXES = (".csv", ".csv.gz", ".parquet", ".pq", ".jsonl", ".jsonl.gz", ".ndjson")


def table_format(path: Path) -> str:
    name = path.name.lower()
    for suffix, kind in (
        (".csv.gz", "csv"),
        (".csv", "csv"),
        (".parquet", "parquet"),
        (".pq", "parquet"),
        (".jsonl.gz", "jsonl"),
        (".jsonl", "jsonl"),
        (".ndjson", "jsonl"),
    ):
        if name.endswith(suffix):
            return kind
    raise InputError(
        f"{path}: unsupported file type", hint=f"use one of {', '.join(SUFFIXES)}"
    )


def read_table(
    path: str | Path,
    *,
    columns: Sequence[str] | None = None,
    null_values: Sequence[str] = ("",),
    display: str | None = None,
) -> pd.DataFrame:
    """Read a table; ``display`` is the name used in messages (defaults to the path)."""
    import pandas as pd

    p = Path(path)
    where = display or str(path)
    if not p.exists():
        raise InputError(f"{where}: file not found", hint="check the path in mlgate.yaml")
    if p.is_dir():
        raise InputError(f"{where}: is a directory, expected a file")
    kind = table_format(p)
    try:
        if kind == "parquet":
            frame = pd.read_parquet(p, columns=list(columns) if columns is not None else None)
        elif kind == "csv":
            frame = pd.read_csv(
                p,
                usecols=list(columns) if columns is not None else None,
                keep_default_na=False,
                na_values=list(null_values),
            )
        else:
            frame = pd.read_json(p, lines=True)
            if columns is not None:
                frame = frame[list(columns)]
    except InputError:
        raise
    except (OSError, ValueError, KeyError) as exc:
        raise InputError(f"{where}: cannot read {kind}: {exc}") from None
    if frame.shape[0] == 0:
        raise InputError(f"{where}: no data rows", hint="the file is empty or has only a header")
    return frame
