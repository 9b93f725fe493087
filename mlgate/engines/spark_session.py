"""The local Spark session of ``data.engine: spark`` (one per process), or the active one when mlgate
runs inside Spark. pyspark is imported only here first, after the check that it is installed, so a
missing pyspark is an input error with the install hint (exit 2), not a crash.
"""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any

from mlgate.errors import InputError

_SESSION: Any = None


def require_pyspark() -> Any:
    try:
        import pyspark.sql as sql
    except ImportError:
        raise InputError(
            "data.engine: spark needs pyspark, which is not installed",
            hint='pip install "mlgate[spark]" (and a Java 17 runtime), or set data.engine: pandas',
        ) from None
    return sql


def session() -> Any:
    """The local Spark session (one per process), or the active one when mlgate runs inside Spark."""
    global _SESSION
    sql = require_pyspark()
    active = sql.SparkSession.getActiveSession()
    if active is not None:
        return active
    if _SESSION is not None:
        return _SESSION
    if shutil.which("java") is None and not _java_home():
        raise InputError(
            "data.engine: spark needs a Java runtime (java not found on PATH, JAVA_HOME unset)",
            hint="install Java 17 (e.g. Debian's openjdk-17-jre-headless), or set data.engine: pandas",
        )
    builder = (
        sql.SparkSession.builder.master("local[2]")
        .appName("mlgate")
        .config("spark.ui.enabled", "false")
        # No stage progress bars on stderr: the CLI reports its own progress, and CI logs stay clean.
        .config("spark.ui.showConsoleProgress", "false")
        # Small shuffles: the statistics are group counts, a few hundred rows at most.
        .config("spark.sql.shuffle.partitions", "4")
        .config("spark.sql.execution.arrow.pyspark.enabled", "true")
        .config("spark.sql.session.timeZone", "UTC")
    )
    try:
        _SESSION = builder.getOrCreate()
    except Exception as exc:  # noqa: BLE001 - the JVM failing to start is an environment problem
        raise InputError(
            f"data.engine: spark: could not start Spark: {type(exc).__name__}: {str(exc)[:300]}",
            hint="check the Java runtime (java -version: 17 or later), or set data.engine: pandas",
        ) from None
    _SESSION.sparkContext.setLogLevel("ERROR")
    return _SESSION


def _java_home() -> bool:
    import os

    home = os.environ.get("JAVA_HOME")
    return home is not None and (Path(home) / "bin" / "java").exists()


def stop() -> None:
    """Stop the session this module started (tests call it at the end of a module)."""
    global _SESSION
    if _SESSION is not None:
        _SESSION.stop()
        _SESSION = None
