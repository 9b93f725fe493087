"""Shared Spark fixtures: one local Spark session (``local[2]``) per test process, and the packaged
demo (German Credit) written as Parquet with one config per engine."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from tests.conftest import require


def _has_pyspark() -> bool:
    try:
        import pyspark  # noqa: F401
    except ImportError:
        return False
    return True


@pytest.fixture(scope="session")
def spark() -> Iterator[Any]:
    require(_has_pyspark(), "pyspark is not installed (pip install 'mlgate[spark]')")
    require(shutil.which("java") is not None, "no Java runtime (scripts/install-tools.sh installs one)")
    from mlgate.engines import spark as engine

    yield engine.session()
    engine.stop()


@pytest.fixture(scope="session")
def spark_project(spark: Any, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo project with its tables as Parquet, and one config per engine."""
    from mlgate.demo import build_demo

    root = tmp_path_factory.mktemp("spark-demo")
    config = build_demo(root).read_text(encoding="utf-8")
    for csv in [*root.glob("*/*.csv")]:
        frame = pd.read_csv(csv, keep_default_na=False, na_values=[""])
        frame.to_parquet(csv.with_suffix(".parquet"), index=False)
        parquet = csv.with_suffix(".parquet")
        config = config.replace(str(csv.relative_to(root)), str(parquet.relative_to(root)))
    (root / "mlgate.yaml").write_text(config, encoding="utf-8")
    (root / "mlgate-spark.yaml").write_text(
        config.replace("  id: id\n", "  id: id\n  engine: spark\n"), encoding="utf-8"
    )
    return root


def comparable(doc: Any) -> Any:
    """The scorecard without what legitimately differs between two runs (timings, config hash)."""
    if isinstance(doc, dict):
        return {
            k: comparable(v)
            for k, v in doc.items()
            if k not in ("duration_s", "provenance", "config_id", "generated_at")
        }
    if isinstance(doc, list):
        return [comparable(v) for v in doc]
    return doc
