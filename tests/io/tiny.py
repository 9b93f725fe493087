"""A tiny project on disk (eval CSV, prediction files, mlgate.yaml) for the input tests."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from click.testing import Result

from tests.conftest import run_cli


def rows_csv(header: list[str], rows: list[list[object]]) -> str:
    lines = [",".join(header), *(",".join("" if v is None else str(v) for v in r) for r in rows)]
    return "\n".join(lines) + "\n"


def project(
    root: Path,
    eval_csv: str,
    preds: dict[str, str],
    *,
    data: dict[str, Any] | None = None,
    gates: dict[str, Any] | None = None,
    extra: dict[str, Any] | None = None,
) -> Path:
    """Write ``eval.csv``, one ``<name>.csv`` per prediction file and an mlgate.yaml; returns it."""
    root.mkdir(parents=True, exist_ok=True)
    (root / "eval.csv").write_text(eval_csv, encoding="utf-8")
    cfg: dict[str, Any] = {
        "version": 1,
        "task": "binary",
        "data": {"eval": "eval.csv", "label": "label", "positive": "good", **(data or {})},
        "gates": gates or {"performance": {"metrics": {"accuracy": {"min": 0.0}}}},
        **(extra or {}),
    }
    for name, text in preds.items():
        (root / f"{name}.csv").write_text(text, encoding="utf-8")
        cfg[name] = {"predictions": f"{name}.csv"}
    path = root / "mlgate.yaml"
    path.write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    return path


def check(config: Path, *extra: str) -> Result:
    return run_cli(["check", "-c", str(config), "--out", str(config.parent / "report"), *extra])
