"""The local engine: the gates' questions answered on this machine with numpy, pyarrow and pandas.

The table's columns are read on demand (a Parquet table reads only those columns, or row batches),
and the label and predictions are the driver's arrays, so counts by group or slice are bincounts of
the rows. Groups are every row (``GroupRows.count`` None): the statistics in :mod:`mlgate.stats`
weigh them alike.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.engines.interface import Column, DatasetQuery, Distinct, Engine, GroupQuery, GroupRows, RowCodes
from mlgate.engines.values import floats, infinite, is_number, not_a_number

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.bundle import LoadedSchema
    from mlgate.schema.findings import Validation


class LocalColumn(Column):
    def __init__(self, s: pd.Series, where: str) -> None:
        self.s = s
        self.where = where

    @property
    def numeric(self) -> bool:
        return is_number(self.s)

    def any_value(self) -> bool:
        return bool(self.s.notna().any())

    def numbers(self, column: str) -> tuple[np.ndarray, int]:
        import numpy as np

        from mlgate.stats.drift import sorted_values

        values, bad = floats(self.s)
        if bad is not None and bad.any():
            i = int(bad.argmax())
            raise not_a_number(self.where, i + 1, column, self.s.iloc[i])
        inf = np.isinf(values)
        if inf.any():
            raise infinite(self.where, int(inf.argmax()) + 1, column, int(inf.sum()))
        return sorted_values(values), len(values)

    def distinct(self) -> Distinct:
        return Distinct.of(self.s)

    def as_text(self) -> Column:
        return LocalColumn(self.s.astype("string"), self.where)


def joint_index(codes: RowCodes) -> np.ndarray:
    """Each row's (label, candidate, baseline) cell index, as :func:`mlgate.stats.bootstrap.joint_counts`."""
    import numpy as np

    k = codes.k
    cell = codes.y.astype(np.int64) * k + codes.cand.astype(np.int64)
    return cell * k + codes.base.astype(np.int64) if codes.base is not None else cell


class LocalEngine(Engine):
    def column(self, name: str, where: str) -> Column:
        # Read without entering the column cache: the drift gate reads each column once.
        return LocalColumn(self.table.read([name], keep=False)[name], where)

    def joint_cells(self, codes: RowCodes) -> np.ndarray:
        from mlgate.stats.bootstrap import joint_counts

        return joint_counts(codes.y, codes.cand, codes.base, codes.k)

    def slice_cells(self, column: str, bins: int, codes: RowCodes) -> tuple[list[str], np.ndarray]:
        from mlgate.engines.slicing import cells_by_code, slice_codes

        assert codes.base is not None
        rows, labels = slice_codes(self.table[column], bins)
        return labels, cells_by_code(rows, len(labels), joint_index(codes), codes.k)

    def group_rows(self, query: GroupQuery) -> GroupRows:
        import numpy as np

        from mlgate.stats.fairness import error_terms

        table, codes = self.table, query.codes
        return GroupRows(
            size=len(table),
            columns=table.columns,
            values=lambda c: table[c],
            first_missing=lambda _, missing: int(np.argmax(missing)) + 1,
            y=codes.y,
            cand=codes.cand,
            base=codes.base,
            sums=error_terms(codes.y, codes.cand, codes.base) if query.regression else None,
        )

    def validate(self, schema: LoadedSchema, max_examples: int, rows: int) -> Validation:
        if schema.kind == "great-expectations":
            from mlgate.schema.ge_engine import validate_ge_table

            return validate_ge_table(schema.schema, self.table, max_examples, schema.source, rows)
        from mlgate.schema.batched import validate_pandera_table

        return validate_pandera_table(schema.schema, self.table, max_examples, rows)

    def dataset_checks(self, query: DatasetQuery, rows: int) -> Validation:
        from mlgate.schema.builtin import dataset_outcome

        return dataset_outcome(self.table, **query.arguments(), rows=rows)


ENGINE = LocalEngine
