"""The eval rows in Spark with the encoded label and predictions (``data.engine: spark``).

The performance, slices and fairness gates count (group, label, candidate, baseline) cells in Spark.
The label and predictions are validated and encoded on the driver; they are joined to the Spark rows
by position (:meth:`mlgate.engines.spark.SparkTable.with_codes`) under the same names for the three
gates, so the joined frame is built once and shared.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlgate.bundle import GateInputs

LABEL, CAND, BASE = "__mlgate_y__", "__mlgate_cand__", "__mlgate_base__"


def spark_frame(inputs: GateInputs) -> Any | None:
    """The eval data's Spark DataFrame, or None with the pandas engine."""
    return inputs.eval.frame.spark


def coded(inputs: GateInputs) -> Any:
    """The eval rows in Spark with columns LABEL, CAND (and BASE when there is a baseline)."""
    from mlgate.engines.spark import SparkTable

    table = inputs.eval.frame
    assert isinstance(table, SparkTable)
    codes = {LABEL: inputs.eval.y_true}
    if inputs.candidate is not None:
        codes[CAND] = inputs.candidate.y_pred
    if inputs.baseline is not None:
        codes[BASE] = inputs.baseline.y_pred
    return table.with_codes(codes)
