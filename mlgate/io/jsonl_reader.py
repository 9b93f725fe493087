"""Parse JSON Lines (one object per line, https://jsonlines.org) with pyarrow's JSON reader.

A key missing from a line is a null (JSON semantics); a line that is not a JSON object, or a column
whose type changes between lines, is an error naming the line. Like CSV, dates stay text, and strings
listed in ``data.null_values`` are nulls.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from mlgate.errors import InputError
from mlgate.io.columns import present_columns
from mlgate.io.textcheck import TextSource

if TYPE_CHECKING:
    import pandas as pd
    import pyarrow as pa


def _locate(data: bytes) -> tuple[int, str] | None:
    for lineno, raw in enumerate(data.decode("utf-8", errors="replace").split("\n"), start=1):
        line = raw.strip().removeprefix("\ufeff")
        if not line:
            continue
        try:
            value = json.loads(line)
        except json.JSONDecodeError as exc:
            return lineno, f"invalid JSON ({exc.msg} at column {exc.colno})"
        if not isinstance(value, dict):
            return lineno, f"expected a JSON object, found {type(value).__name__}"
    return None


def read_jsonl_bytes(source: TextSource) -> pd.DataFrame:
    """JSON Lines text -> DataFrame; ``source.columns`` limits what is kept (see ``read_table``)."""
    import pyarrow as pa
    import pyarrow.compute as pc
    import pyarrow.json as pj

    where = source.where
    body = source.data.removeprefix(b"\xef\xbb\xbf")

    def parse(schema: pa.Schema | None = None) -> pa.Table:
        try:
            return pj.read_json(
                pa.BufferReader(body),
                read_options=pj.ReadOptions(block_size=1 << 24),
                parse_options=pj.ParseOptions(explicit_schema=schema, unexpected_field_behavior="infer"),
            )
        except pa.ArrowInvalid as exc:
            found = _locate(body)
            if found is not None:
                raise InputError(f"{where}: line {found[0]}: {found[1]}") from None
            raise InputError(f"{where}: cannot parse JSON Lines: {exc}") from None

    table = parse()
    temporal = [f.name for f in table.schema if pa.types.is_temporal(f.type)]
    names = list(table.column_names)
    if temporal:
        table = parse(pa.schema([pa.field(c, pa.string()) for c in temporal])).select(names)
    columns = present_columns(names, source.columns, source.missing, where)
    if columns is not None:
        table = table.select(list(columns))
    nulls = pa.array(list(source.null_values), pa.string())
    for i, field in enumerate(table.schema):
        if len(nulls) and pa.types.is_string(field.type):
            col = table.column(i)
            table = table.set_column(i, field, pc.if_else(pc.is_in(col, nulls), None, col))
    if table.num_rows == 0:
        raise InputError(f"{where}: no data rows", hint="the file holds no JSON objects")
    frame: pd.DataFrame = table.to_pandas()
    return frame
