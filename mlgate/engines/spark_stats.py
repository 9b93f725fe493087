"""Group-wise sufficient statistics computed in Spark; the decisions are taken locally from them.

Each function runs one ``groupBy().count()`` (or one ``agg``) on the cluster and returns a small numpy
array in exactly the layout of the local code in :mod:`mlgate.stats` (e.g. ``joint_confusion``'s
(G, k, k, k) cells), so the same decision functions apply: a paired bootstrap of these cells is a
paired bootstrap of rows (see :func:`mlgate.stats.fairness.joint_confusion`).

Schema checks are in :mod:`mlgate.engines.spark_schema`.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np

from mlgate.errors import InputError


def joint_confusion(
    frame: Any, groups: Sequence[str], label: str, pred_a: str, pred_b: str | None, k: int
) -> tuple[np.ndarray, tuple[str, ...]]:
    """Cells (G, k, k, k) of (group, true, prediction a, prediction b); ``pred_b`` None: (G, k, k).

    ``label`` and the prediction columns hold class codes 0..k-1. Groups are the distinct values of
    the ``groups`` columns joined by " & ", sorted as text (the fairness gate's order).
    """
    from pyspark.sql import functions as F

    names = [F.coalesce(F.col(g).cast("string"), F.lit("(missing)")) for g in groups]
    group = F.concat_ws(" & ", *names) if len(names) > 1 else names[0]
    keys = [label, pred_a, *([pred_b] if pred_b else [])]
    rows = frame.groupBy(group.alias("g"), *keys).count().collect()
    labels = tuple(sorted({r["g"] for r in rows}))
    index = {name: i for i, name in enumerate(labels)}
    shape = (len(labels), *([k] * len(keys)))
    cells = np.zeros(shape, dtype=np.int64)
    for r in rows:
        codes = [r[c] for c in keys]
        if any(c is None or not 0 <= c < k for c in codes):
            raise InputError(f"class code out of range in {keys}: {codes}")
        cells[(index[r["g"]], *codes)] += r["count"]
    return cells, labels


def category_counts(ref: Any, cur: Any, column: str) -> tuple[tuple[str, ...], np.ndarray, np.ndarray]:
    """Labels (sorted as text; missing values left out) and their counts in the reference and current data."""
    counts: list[dict[str, int]] = []
    for frame in (ref, cur):
        rows = frame.where(frame[column].isNotNull()).groupBy(frame[column].cast("string").alias("v")).count()
        counts.append({r["v"]: int(r["count"]) for r in rows.collect()})
    labels = tuple(sorted(set(counts[0]) | set(counts[1])))
    arrays = [np.array([c.get(v, 0) for v in labels], dtype=np.int64) for c in counts]
    return labels, arrays[0], arrays[1]
