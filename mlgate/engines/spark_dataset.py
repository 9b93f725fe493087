"""The built-in dataset checks (:data:`mlgate.schema.builtin.CHECKS`) translated to Spark: the same
plan and findings as the local engine, computed without collecting a column.

Duplicate ids and unknown labels are row checks of one :class:`~mlgate.engines.spark_schema.Scan`
(one aggregate counts them and every column's missing values), a single class is the distinct labels
(at most two), empty columns come from the missing counts.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from mlgate.engines.spark_schema import RowCheck, Scan
from mlgate.engines.spark_stats import FLOAT_TYPES, missing
from mlgate.schema.builtin import DUPLICATE_IDS, SINGLE_CLASS, UNKNOWN_LABELS, Planned
from mlgate.schema.findings import Finding, Validation, plain

if TYPE_CHECKING:
    from mlgate.engines.spark import SparkTable

_FIRST = "__mlgate_first__"


def dataset_outcome(table: SparkTable, planned: Sequence[Planned], max_examples: int) -> Validation:
    """:func:`mlgate.schema.builtin.dataset_outcome` computed in Spark, for the checks ``planned``
    (:func:`mlgate.schema.builtin.plan`)."""
    scan = Scan(table, max_examples)
    row_checks: dict[int, RowCheck] = {}
    for i, p in enumerate(planned):
        if p.check is DUPLICATE_IDS:
            row_checks[i] = scan.add(_duplicate_ids(scan, p.column))
        elif p.check is UNKNOWN_LABELS:
            fails = _unknown_labels(scan, p)
            row_checks[i] = scan.add(RowCheck(p.column, p.check.name, "", scan.filter(fails)), fails)
    scan.run()
    small = scan.small_frame()
    findings: list[Finding] = []
    for i, p in enumerate(planned):
        if i in row_checks:
            check = row_checks[i]
            found = p.finding(check.failing, scan.examples(check, small)) if check.failing else None
        elif p.check is SINGLE_CLASS:
            found = _single_class(scan, p)
        else:  # empty columns
            found = p.finding(None) if scan.nulls[p.column] == len(table) else None
        if found is not None:
            findings.append(found)
    return Validation(len(table), len(planned), tuple(findings))


def _duplicate_ids(scan: Scan, name: str) -> RowCheck:
    """pandas ``duplicated(keep="first")``: every row after the first of its value (missing included)."""
    from pyspark.sql import Window
    from pyspark.sql import functions as F

    first = F.min(scan.order).over(Window.partitionBy(F.col(name)))
    later = scan.frame.withColumn(_FIRST, first).where(F.col(scan.order) > F.col(_FIRST)).drop(_FIRST)
    return RowCheck(name, DUPLICATE_IDS.name, "", later, failing=later.count())


def _unknown_labels(scan: Scan, p: Planned) -> Any:
    """True where the label, as text, is not a known label (missing values pass)."""
    from pyspark.sql import functions as F

    c = F.col(p.column)
    fails = c.isNotNull() & ~c.cast("string").isin(sorted(p.known))
    if scan.types[p.column] in FLOAT_TYPES:
        fails = fails & ~F.isnan(c)
    return fails


def _single_class(scan: Scan, p: Planned) -> Finding | None:
    from pyspark.sql import functions as F

    c = F.col(p.column)
    seen = scan.frame.where(~missing(c, scan.types[p.column])).select(c).distinct().limit(2).collect()
    return None if len(seen) >= 2 else p.finding(None, ((None, str(plain(seen[0][0]))),) if seen else ())
