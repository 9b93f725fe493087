"""pandera's own pyspark backend (``pandera.pyspark``) as a cross-check of the Spark schema counts.

It reports pass or fail per check, not failing-row counts, examples or pandas' dtype verdicts, so the
counts of :mod:`mlgate.engines.spark_schema` decide and the scorecard equals the pandas engine's. Where
the backend imports (pandas 2.x), it validates the same column checks, and a check it fails that no
row fails in the counts becomes a note of the gate: a translation that disagrees with pandera is then
visible, not silent. With pandas 3 it cannot be imported: it imports ``pyspark.pandas``, which needs
``pandas.tseries.frequencies.DateOffset`` (removed in pandas 3).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from mlgate.engines.spark import SparkTable


_PANDERA_PYSPARK: list[Any] = []


def import_pandera_pyspark() -> Any | None:
    """``pandera.pyspark``, or None where it cannot be imported: with pandas 3 (see the module
    docstring) it is not tried, so no half-imported ``pyspark.pandas`` is left behind.

    Importing it imports pyspark's Spark Connect module, which calls ``sys.exit(0)`` without grpc when
    ``sys.ps1`` is unset (see :func:`mlgate.schema.ge_engine.import_gx`): a temporary ``sys.ps1``
    keeps the process alive.
    """
    import sys
    import warnings

    import pandas as pd

    if _PANDERA_PYSPARK:
        return _PANDERA_PYSPARK[0]
    module: Any = None
    if int(pd.__version__.split(".")[0]) < 3:
        shim = not hasattr(sys, "ps1")
        if shim:
            sys.ps1 = ""
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")
                import pandera.pyspark

                module = pandera.pyspark
        except ImportError:
            module = None
        finally:
            if shim:
                del sys.ps1
    _PANDERA_PYSPARK.append(module)
    return module


def pyspark_verdicts(schema: Any, frame: Any) -> set[str] | None:
    """The column checks (nullability and built-in checks) pandera's pyspark backend fails, as
    ``column\x1fcheck`` keys; None without the backend."""
    pps = import_pandera_pyspark()
    if pps is None:
        return None
    # Each column declared with its own Spark type: pandera's pyspark checks refuse to run on a column
    # whose type differs from the declared one; the dtype verdict is pandas' (the small frame).
    columns = {
        name: pps.Column(frame.schema[name].dataType,
                         [getattr(pps.Check, c.name)(**c.statistics) for c in col.checks],
                         nullable=col.nullable)
        for name, col in schema.columns.items() if name in frame.columns
    }
    out = pps.DataFrameSchema(columns).validate(frame)
    return {
        f"{e['column']}\x1f{e['check']}"
        for group in dict(out.pandera.errors).values()
        for errors in group.values()
        for e in errors
        if e.get("column") is not None and e.get("check") not in (None, "column_in_dataframe", "dtype")
    }


def disagreement(schema: Any, table: SparkTable, failing: set[str]) -> tuple[str, ...]:
    """Notes for the column checks the backend fails although no row fails them in the counts."""
    verdicts = pyspark_verdicts(schema, table.spark)
    if verdicts is None:
        return ()
    return tuple(
        f"pandera's pyspark backend fails {k.replace(chr(31), ': ')}, but no row fails it here"
        for k in sorted(verdicts - failing)
    )
