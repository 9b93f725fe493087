"""Parse CSV with pyarrow, strictly: every structural defect is an :class:`InputError` naming the line.

pyarrow's reader is multi-threaded and several times faster than pandas' C engine, and it already
refuses ragged rows (pandas pads short rows with NaN). What it lets through is checked here: a
duplicated header (pandas renames it ``age.1``; pyarrow keeps two ``age`` columns), an empty column
name, a wrong delimiter (everything in one column), a header-only file. When pyarrow refuses a row its
message has no line number, so the file is scanned again with the standard ``csv`` module, only then,
to name the line. Dates and times stay text, as pandas reads them, so that a schema inferred from one
reader validates data read by the other.
"""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING

from mlgate.errors import InputError
from mlgate.io.columns import present_columns
from mlgate.io.textcheck import TextSource

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa

_BLOCK = 1 << 24  # 16 MiB per parsed block: fewer, larger blocks parallelise well on few cores
_DELIMITERS = {";": "semicolon", "\t": "tab", "|": "pipe"}
_BOM = "\ufeff"


def header(data: bytes, where: str) -> list[str]:
    """The column names of the first record (after a UTF-8 BOM)."""
    head = data[: 1 << 20].decode("utf-8", errors="ignore").removeprefix(_BOM)
    csv.field_size_limit(sys.maxsize)
    try:
        for row in csv.reader(io.StringIO(head, newline="")):
            if row:
                names = row
                break
        else:
            raise InputError(f"{where}: line 1: no header (the file holds only blank lines)")
    except csv.Error as exc:
        raise InputError(f"{where}: line 1: malformed header ({exc})") from None
    if len(names) == 1:
        for char, label in _DELIMITERS.items():
            if char in names[0]:
                raise InputError(
                    f"{where}: line 1: only one column, '{names[0][:60]}': the file looks "
                    f"{label}-separated",
                    hint="mlgate reads comma-separated files; re-export with ',' as the delimiter",
                )
    seen: dict[str, int] = {}
    for i, name in enumerate(names, start=1):
        if not name.strip():
            raise InputError(
                f"{where}: line 1: column {i} has an empty name",
                hint="name every column (an unnamed first column is often a saved index: "
                "to_csv(index=False))",
            )
        if name in seen:
            raise InputError(
                f"{where}: line 1: duplicated column name '{name}' (columns {seen[name]} and {i})",
                hint="rename one of them; mlgate does not rename columns (pandas would call it "
                f"'{name}.1')",
            )
        seen[name] = i
    return names


def locate_bad_row(data: bytes, n_columns: int) -> tuple[int, str] | None:
    """First record whose field count differs from the header's: (line, reason), or None."""
    csv.field_size_limit(sys.maxsize)
    text = io.StringIO(data.decode("utf-8", errors="replace").removeprefix(_BOM), newline="")
    reader = csv.reader(text)
    start = 1
    try:
        for row in reader:
            if row and len(row) != n_columns:
                plural = "" if len(row) == 1 else "s"
                return start, f"{len(row)} field{plural}, expected {n_columns} like the header"
            start = reader.line_num + 1
    except csv.Error as exc:
        return start, f"malformed record ({exc})"
    return None


def unclosed_quote(data: bytes) -> int | None:
    """Line where a quoted field opens that never closes (it would swallow the rest of the file)."""
    csv.field_size_limit(sys.maxsize)
    text = io.StringIO(data.decode("utf-8", errors="replace").removeprefix(_BOM), newline="")
    reader = csv.reader(text, strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as exc:
        if "unexpected end of data" in str(exc):
            return start
    return None


def read_csv_bytes(source: TextSource) -> pd.DataFrame:
    """CSV text -> DataFrame; ``source.columns`` limits what is converted (see ``read_table``)."""
    import pyarrow as pa
    import pyarrow.csv as pcsv

    data, where, null_values = source.data, source.where, source.null_values
    names = header(data, where)
    columns = present_columns(names, source.columns, source.missing, where)

    def parse(block: int, as_text: Sequence[str] = ()) -> pa.Table:
        return pcsv.read_csv(
            pa.BufferReader(data),
            read_options=pcsv.ReadOptions(block_size=block),
            # Quoted fields may hold newlines (RFC 4180 section 2.6).
            parse_options=pcsv.ParseOptions(newlines_in_values=True),
            convert_options=pcsv.ConvertOptions(
                null_values=list(null_values),
                strings_can_be_null=True,
                quoted_strings_can_be_null=True,
                include_columns=list(columns) if columns is not None else None,
                column_types={c: pa.string() for c in as_text},
            ),
        )

    def guarded(as_text: Sequence[str] = ()) -> pa.Table:
        block = _BLOCK
        while True:
            try:
                return parse(block, as_text)
            except pa.ArrowInvalid as exc:
                # A record longer than one block (a very long field): retry with blocks that hold it.
                if "straddl" in str(exc) and block < len(data) + 1:
                    block = min(2**31 - 1, max(block * 8, len(data) + 1))
                    continue
                found = locate_bad_row(data, len(names))
                if found is not None:
                    line, reason = found
                    raise InputError(
                        f"{where}: line {line}: {reason}",
                        hint="fix the row (quote fields that contain ',' or newlines); mlgate does not "
                        "pad or drop rows",
                    ) from None
                raise InputError(f"{where}: cannot parse CSV: {exc}") from None

    table = guarded()
    # pyarrow reads an unclosed quote to the end of the file as one field. Valid RFC 4180 quoting has
    # an even number of quote characters, so only an odd count needs the (slow) exact scan.
    if data.count(b'"') % 2:
        line = unclosed_quote(data)
        if line is not None:
            raise InputError(
                f"{where}: line {line}: a quoted field opens here and never closes",
                hint="close the quote (\"...\"); inside a quoted field write a quote as \"\"",
            )
    temporal = [f.name for f in table.schema if pa.types.is_temporal(f.type)]
    if temporal:
        table = guarded(temporal)
    if table.num_rows == 0:
        raise InputError(f"{where}: line 2: no data rows (the file has only a header)",
                         hint="the file is empty or has only a header")
    frame: pd.DataFrame = table.to_pandas()
    return frame
