"""Execution engines for the inputs of the gates (``data.engine``).

``pandas`` (the default) reads each table into memory on this machine. ``spark`` reads Parquet files or
dataset directories with pyspark (:mod:`mlgate.engines.spark`), validates them and computes the
group-wise sufficient statistics there (:mod:`mlgate.engines.spark_stats`, ``spark_drift``,
``spark_schema``); decisions stay local.
Nothing here is imported unless a config asks for it, so ``mlgate --help`` stays fast.
"""

from __future__ import annotations
