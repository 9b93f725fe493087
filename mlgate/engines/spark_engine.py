"""The Spark engine: the gates' questions answered by Spark jobs on a :class:`SparkTable`.

Each answer is a small table of counts (or a few example rows) computed in Spark; the decisions are
taken locally from them, by the same code as with the local engine. The modules beside this one hold
the translations: :mod:`mlgate.engines.spark_groups` (cells by slice and group),
:mod:`mlgate.engines.spark_drift` (value counts), :mod:`mlgate.engines.spark_schema` (schema checks).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from mlgate.engines.interface import Column, DatasetQuery, Engine, GroupQuery, GroupRows, RowCodes
from mlgate.engines.spark import SparkTable
from mlgate.errors import InputError

if TYPE_CHECKING:
    import numpy as np

    from mlgate.bundle import LoadedSchema
    from mlgate.datatable import DataTable
    from mlgate.schema.findings import Validation


class SparkEngine(Engine):
    def __init__(self, table: DataTable) -> None:
        assert isinstance(table, SparkTable)
        super().__init__(table)
        self.spark_table = table

    def column(self, name: str, where: str) -> Column:
        from mlgate.engines.spark_drift import SparkColumn

        return SparkColumn(self.spark_table.spark, name, where)

    def joint_cells(self, codes: RowCodes) -> np.ndarray:
        from mlgate.engines.spark_groups import BASE, CAND, LABEL, coded
        from mlgate.engines.spark_stats import joint_counts

        base = BASE if codes.base is not None else None
        return joint_counts(coded(self.spark_table, codes), LABEL, CAND, base, codes.k)

    def slice_cells(self, column: str, bins: int, codes: RowCodes) -> tuple[list[str], np.ndarray]:
        from mlgate.engines.spark_groups import slice_cells

        return slice_cells(self.spark_table, column, bins, codes)

    def group_rows(self, query: GroupQuery) -> GroupRows:
        from mlgate.engines.spark_groups import group_rows

        return group_rows(self.spark_table, query)

    def validate(self, schema: LoadedSchema, max_examples: int, rows: int) -> Validation:
        if schema.kind == "great-expectations":
            raise InputError(
                f"{schema.source}: Great Expectations suites need data.engine: pandas",
                hint="use a pandera schema (e.g. `mlgate schema infer`), or set data.engine: pandas",
            )
        from mlgate.engines.spark_schema import pandera_outcome

        return pandera_outcome(schema.schema, self.spark_table, max_examples, schema.source)

    def dataset_checks(self, query: DatasetQuery, rows: int) -> Validation:
        from mlgate.engines.spark_dataset import dataset_outcome

        # Spark scans every row in one aggregate: no row batches.
        table = self.spark_table
        return dataset_outcome(table, query.plan(table.columns), query.max_examples)


ENGINE = SparkEngine
