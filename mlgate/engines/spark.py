"""``data.engine: spark``: read the evaluation inputs with pyspark.

Tables are Parquet files or Parquet dataset directories (``part-*.parquet``, as Spark writes them).
The eval rows keep the dataset's order (file path order, then row order within each file) through
the ``_metadata.file_path`` column and ``monotonically_increasing_id``, which increases with the
partition index and the row position in it (pyspark API docs), so seeded resampling in the gates
sees the same rows in the same order as with the pandas engine and the scorecard is the same.
The gates see the eval and reference data as :class:`SparkTable`: group counts are computed in Spark
(:mod:`mlgate.engines.spark_stats`) and only the columns a row-level statistic needs are collected,
through Arrow (``spark.sql.execution.arrow.pyspark.enabled``).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.engines.spark_session import require_pyspark, session, stop
from mlgate.engines.spark_stats import ORDER, POS
from mlgate.errors import InputError
from mlgate.io.lazy import CachedTable

if TYPE_CHECKING:
    import pandas as pd

def is_parquet(path: Path) -> bool:
    if path.is_dir():
        return any(path.glob("*.parquet")) or any(path.glob("*/*.parquet"))
    return path.suffix.lower() in (".parquet", ".pq")


def read_dataset(path: str | Path, *, display: str | None = None) -> Any:
    """A Spark DataFrame of a Parquet file or dataset directory, with the row order column added."""
    require_pyspark()  # before any pyspark import: without it, the install hint (exit 2)
    from pyspark.sql import functions as F

    p = Path(path)
    where = display or str(path)
    if not p.exists():
        raise InputError(f"{where}: file not found", hint="check the path in mlgate.yaml")
    if not is_parquet(p):
        raise InputError(
            f"{where}: data.engine: spark reads Parquet files or Parquet dataset directories",
            hint="convert the table to Parquet, or set data.engine: pandas",
        )
    spark = session()
    try:
        frame = spark.read.parquet(str(p))
    except Exception as exc:  # noqa: BLE001 - Spark raises its own AnalysisException types
        raise InputError(f"{where}: cannot read Parquet with Spark: {str(exc)[:300]}") from None
    if ORDER in frame.columns:
        raise InputError(f"{where}: column name '{ORDER}' is reserved by mlgate")
    # Spark packs the files of a dataset into partitions largest first, so the partition index alone
    # is not the file order: order by file path, then by position (ids increase within a file's splits).
    return frame.withColumn(
        ORDER, F.struct(F.col("_metadata.file_path").alias("f"), F.monotonically_increasing_id().alias("i"))
    )


def to_pandas(frame: Any, *, where: str) -> pd.DataFrame:
    """Collect a (reduced) Spark DataFrame to pandas in its row order, without the order column."""
    local: pd.DataFrame = (
        frame.orderBy(ORDER).drop(ORDER).toPandas() if ORDER in frame.columns else frame.toPandas()
    )
    if local.shape[0] == 0:
        raise InputError(f"{where}: no data rows", hint="the dataset is empty")
    return local


class SparkTable(CachedTable):
    """A Spark DataFrame as an input :class:`~mlgate.datatable.DataTable`: requested columns are collected
    in row order; its engine (:mod:`mlgate.engines.spark_engine`) computes the gates' counts on
    :attr:`spark`, the DataFrame."""

    engine_module = "mlgate.engines.spark_engine"

    def __init__(self, frame: Any, source: str) -> None:
        super().__init__(source)
        if ORDER not in frame.columns:
            # A DataFrame handed over by a caller: its row order is its partition order. It is kept
            # (memory, spilling to disk) so that every job sees the same rows in the same order,
            # whatever its lineage (a shuffle need not repeat its order when recomputed).
            from pyspark import StorageLevel
            from pyspark.sql import functions as F

            frame = frame.withColumn(ORDER, F.monotonically_increasing_id()).persist(
                StorageLevel.MEMORY_AND_DISK
            )
        self._frame = frame
        self._names = [c for c in frame.columns if c != ORDER]
        dup = sorted({n for n in self._names if self._names.count(n) > 1})
        if dup:
            raise InputError(f"{source}: duplicated column name '{dup[0]}'", hint="rename one of them")
        self._rows: int | None = None
        self._coded: dict[tuple[str, ...], Any] = {}

    @property
    def spark(self) -> Any:
        return self._frame

    @property
    def columns(self) -> list[str]:
        return list(self._names)

    def __len__(self) -> int:
        if self._rows is None:
            self._rows = int(self._frame.count())
            if self._rows == 0:
                raise InputError(f"{self.source}: no data rows", hint="the dataset is empty")
        return self._rows

    def _load(self, columns: list[str]) -> pd.DataFrame:
        return to_pandas(self._frame.select(*columns, ORDER), where=self.source)

    def datetime_columns(self, columns: Sequence[str]) -> list[str]:
        from mlgate.engines.spark_drift import is_timestamp

        return [c for c in columns if is_timestamp(self._frame, c)]

    def with_codes(self, codes: dict[str, Any]) -> Any:
        """The Spark rows with per-row values computed on the driver (numpy arrays in row order, e.g.
        the encoded label and predictions) joined by row position; the result is cached per name set.

        The position comes from :meth:`positions` (no global sort, no single-partition window). The
        joined rows are persisted (memory, spilling to disk) so the gates' count jobs do not repeat
        the join.
        """
        import pandas as pd

        key = tuple(sorted(codes))
        if key not in self._coded:
            n = len(self)
            bad = [k for k, v in codes.items() if len(v) != n]
            if bad:
                raise InputError(f"{self.source}: {bad[0]} has {len(codes[bad[0]])} values for {n} rows")
            local = pd.DataFrame({POS: range(n), **{k: codes[k] for k in key}})
            pushed = session().createDataFrame(local)
            rows = self.positions()
            from pyspark import StorageLevel

            joined = rows.join(pushed, on=POS, how="inner").drop(POS)
            self._coded[key] = joined.persist(StorageLevel.MEMORY_AND_DISK)
        return self._coded[key]


    def positions(self) -> Any:
        """The rows with their 0-based position in row order (column ``POS``), computed without
        moving every row to one partition (what ``row_number()`` over a window without a partition
        does).

        The order column holds (file, id) or just an id, where ``monotonically_increasing_id`` puts
        the partition index in the upper 31 bits and the row's index within the partition in the
        lower 33 (pyspark API docs). Within one partition the rows of one file are consecutive, so a
        (file, partition) segment is a run of consecutive ids: one small aggregate gives each
        segment's first id and size, the driver turns them into offsets in row order, and each row's
        position is its id minus its segment's first id plus the segment's offset (a broadcast join
        of a table with one row per segment).
        """
        from pyspark.sql import functions as F

        frame = self._frame
        is_struct = frame.schema[ORDER].dataType.typeName() == "struct"
        file_col = F.col(f"{ORDER}.f") if is_struct else F.lit("")
        id_col = F.col(f"{ORDER}.i") if is_struct else F.col(ORDER)
        keyed = frame.withColumn("__f", file_col).withColumn("__p", F.shiftright(id_col, 33))
        segments = keyed.groupBy("__f", "__p").agg(F.min(id_col).alias("lo"), F.count(F.lit(1)).alias("n"))
        rows = sorted(segments.collect(), key=lambda r: (r["__f"], r["lo"]))
        offsets, start = [], 0
        for r in rows:
            offsets.append((r["__f"], int(r["__p"]), start - int(r["lo"])))
            start += int(r["n"])
        table = session().createDataFrame(offsets, "__f string, __p long, __base long")
        return (
            keyed.join(F.broadcast(table), on=["__f", "__p"], how="inner")
            .withColumn(POS, id_col + F.col("__base"))
            .drop("__f", "__p", "__base")
        )


def open_table(path: str | Path, *, display: str | None = None) -> SparkTable:
    """A Parquet file or dataset directory as a lazy Spark-backed table."""
    where = display or str(path)
    return SparkTable(read_dataset(path, display=where), where)


def read_table(
    path: str | Path,
    *,
    columns: Any = None,
    null_values: Any = ("",),
    display: str | None = None,
    missing: str = "error",
) -> pd.DataFrame:
    """Drop-in for :func:`mlgate.io.tables.read_table` that reads through Spark (Parquet only).

    Only the requested columns leave Spark (column pruning happens in the Parquet scan). Parquet has
    typed nulls, so ``null_values`` (CSV spellings of missing) does not apply.
    """
    where = display or str(path)
    frame = read_dataset(path, display=where)
    if columns is not None:
        absent = [c for c in columns if c not in frame.columns]
        if absent and missing == "error":
            raise InputError(f"{where}: no column(s) {', '.join(absent)}")
        frame = frame.select(*[c for c in columns if c in frame.columns], ORDER)
    return to_pandas(frame, where=where)


__all__ = ["ORDER", "POS", "SparkTable", "open_table", "read_dataset", "read_table", "session", "stop"]
