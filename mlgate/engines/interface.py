"""The engine extension point: the questions gates ask about the rows of one table.

A gate never reads a whole table to compute a statistic: it asks the table's engine for sufficient
statistics (confusion cells by slice or group, error sums, value counts, order statistics, failing-row
counts and examples of the schema checks) and decides locally from them. :func:`engine_of` gives the
engine a table carries: :mod:`mlgate.engines.local` (numpy, pyarrow, pandas) for tables read on this
machine, the Spark engine for tables that live in Spark. Both answer with the same numbers, so the
scorecard does not depend on the engine.

A table names its engine's module (``DataTable.engine_module``): the Spark engine is imported only when a
Spark table exists, and no gate module imports pyspark or a Spark module.
"""

from __future__ import annotations

import importlib
from abc import ABC, abstractmethod
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import numpy as np
    import pandas as pd

    from mlgate.bundle import LoadedSchema
    from mlgate.datatable import DataTable
    from mlgate.schema.builtin import DatasetChecks, Planned
    from mlgate.schema.findings import Validation


@dataclass(frozen=True)
class RowCodes:
    """Per-row codes the driver holds, in row order: the encoded label and predictions (``k``
    classes; ``base`` None without a baseline). Regression: values, ``k`` 0."""

    y: np.ndarray
    cand: np.ndarray
    base: np.ndarray | None
    k: int


@dataclass(frozen=True)
class GroupRows:
    """The answer to "counts by group": entries, each standing for ``count`` eval rows (None: one
    row each), with the raw group values, class codes (classification) or error sums (regression,
    :func:`mlgate.stats.fairness.error_terms`).

    ``values(col)`` gives one raw value per entry; ``first_missing(col, mask)`` is the 1-based eval
    row of the column's first missing value, where ``mask`` marks the entries that are missing.
    """

    size: int
    columns: Sequence[str]
    values: Callable[[str], pd.Series]
    first_missing: Callable[[str, np.ndarray], int]
    count: np.ndarray | None = None
    y: np.ndarray | None = None
    cand: np.ndarray | None = None
    base: np.ndarray | None = None
    sums: np.ndarray | None = None


@dataclass(frozen=True)
class ColumnSummary:
    """What an engine knows of a grouping column before it groups by it (see
    :meth:`Engine.group_rows`): distinct non-missing values, missing rows, the first missing row and
    whether a value occurs."""

    column: str
    distinct: int
    missing: int
    first_missing: Callable[[], int]
    has_text: Callable[[str], bool]


@dataclass(frozen=True)
class GroupQuery:
    """"Counts by group": the grouping ``columns``, the driver's ``codes`` to count, and the check an
    engine that would group by every value of a column runs first: ``too_many`` is called for each
    column with more than ``max_groups`` groups (it raises the gate's error)."""

    columns: tuple[str, ...]
    codes: RowCodes
    regression: bool
    max_groups: int
    too_many: Callable[[ColumnSummary], None]


@dataclass(frozen=True)
class DatasetQuery:
    """The built-in dataset checks to run (``levels``) and the columns they look at."""

    levels: DatasetChecks
    label: str | None
    id_col: str | None
    known_labels: Collection[str] | None
    classification: bool
    max_examples: int

    def arguments(self) -> dict[str, Any]:
        """As keyword arguments of :func:`mlgate.schema.builtin.dataset_outcome`."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    def plan(self, columns: Sequence[str]) -> list[Planned]:
        """The checks to run on a table of these columns (:func:`mlgate.schema.builtin.plan`)."""
        from mlgate.schema.builtin import plan

        return plan(self.levels, label=self.label, id_col=self.id_col, known_labels=self.known_labels,
                    classification=self.classification, columns=columns)


class Column(ABC):
    """One column seen through its values: numbers sorted, or distinct values with their counts.
    ``where`` names its table in messages."""

    where: str

    @property
    @abstractmethod
    def numeric(self) -> bool:
        """Whether the column holds numbers (booleans do not count)."""

    @abstractmethod
    def any_value(self) -> bool:
        """Whether any row is not missing."""

    @abstractmethod
    def numbers(self, column: str) -> tuple[np.ndarray, int]:
        """The sorted non-missing values as float64 (the order statistics) and the row count; raises
        :class:`InputError` at the first value that is not a number, or is infinite."""

    @abstractmethod
    def distinct(self) -> Distinct:
        """The value counts, in order of first appearance."""

    @abstractmethod
    def as_text(self) -> Column:
        """The column with its values as text (pandas ``astype("string")``)."""


@dataclass(frozen=True)
class Distinct:
    """A column's distinct non-missing values in order of first appearance (in the column's dtype),
    the rows of each, and the missing rows."""

    values: pd.Series
    counts: np.ndarray
    missing: int
    dtype: object

    @classmethod
    def of(cls, values: pd.Series, counts: np.ndarray | None = None) -> Distinct:
        """From a column (``counts`` None), or from its distinct values (missing ones included, in
        order of first appearance) with their ``counts``."""
        import numpy as np
        import pandas as pd

        codes, uniques = pd.factorize(values, use_na_sentinel=True)
        if counts is None:  # one row each: slot 0 counts the missing code -1
            per = np.bincount(codes + 1, minlength=len(uniques) + 1).astype(np.int64, copy=False)
        else:
            per = np.zeros(len(uniques) + 1, dtype=np.int64)
            np.add.at(per, codes + 1, np.asarray(counts, dtype=np.int64))
        return cls(pd.Series(uniques), per[1:], int(per[0]), values.dtype)


class Engine(ABC):
    """The questions gates ask about ``table``'s rows."""

    def __init__(self, table: DataTable) -> None:
        self.table = table

    @abstractmethod
    def column(self, name: str, where: str) -> Column:
        """One column for value counts and order statistics (read once, not kept in the cache)."""

    @abstractmethod
    def joint_cells(self, codes: RowCodes) -> np.ndarray:
        """Counts of (label, candidate, baseline) codes, as :func:`mlgate.stats.bootstrap.joint_counts`
        lays them out (k^3 cells, k^2 without a baseline)."""

    @abstractmethod
    def slice_cells(self, column: str, bins: int, codes: RowCodes) -> tuple[list[str], np.ndarray]:
        """The slices of ``column`` (its values, or ``bins`` quantile bins of a numeric column with
        more values, as :func:`mlgate.engines.slicing.slice_codes` defines them) and the joint cells
        of each: labels and an array (slices, k^3)."""

    @abstractmethod
    def group_rows(self, query: GroupQuery) -> GroupRows:
        """Counts (regression: error sums) by the combination of the query's columns present in the
        table."""

    @abstractmethod
    def validate(self, schema: LoadedSchema, max_examples: int, rows: int) -> Validation:
        """The findings of a data schema: failing-row counts and examples of every check."""

    @abstractmethod
    def dataset_checks(self, query: DatasetQuery, rows: int) -> Validation:
        """The built-in dataset checks (duplicate ids, unknown labels, a single class, empty columns)."""


def engine_of(table: DataTable) -> Engine:
    """The engine of ``table``: the ``ENGINE`` class of the module the table's class names."""
    module = importlib.import_module(type(table).engine_module)
    engine: Engine = module.ENGINE(table)
    return engine
