"""Helpers: a demo project reduced to the schema gate, and edits of its CSV files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pandas as pd
import yaml

EVAL = "data/eval.csv"


def schema_only(root: Path, **gate: Any) -> None:
    cfg = root / "mlgate.yaml"
    data: dict[str, Any] = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    data["gates"] = {"schema": {"max_examples": 3, **gate}}
    cfg.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def set_config(root: Path, key: str, value: Any) -> None:
    cfg = root / "mlgate.yaml"
    data: dict[str, Any] = yaml.safe_load(cfg.read_text(encoding="utf-8"))
    node = data
    *path, last = key.split(".")
    for k in path:
        node = node[k]
    node[last] = value
    cfg.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def edit_csv(root: Path, rel: str, fn: Callable[[pd.DataFrame], pd.DataFrame | None]) -> None:
    path = root / rel
    frame = pd.read_csv(path, keep_default_na=False, dtype=str)
    out = fn(frame)
    (frame if out is None else out).to_csv(path, index=False)


def check(root: Path, cli: Any) -> tuple[int, dict[str, Any]]:
    result = cli(["check", "-c", str(root / "mlgate.yaml"), "--out", str(root / "report")])
    assert "Traceback" not in result.output, result.output
    card = root / "report" / "scorecard.json"
    data = json.loads(card.read_text(encoding="utf-8")) if card.exists() else {}
    return result.exit_code, data


def gate(card: dict[str, Any], name: str = "schema") -> dict[str, Any]:
    return next(g for g in card["gates"] if g["name"] == name)


def failing(card: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return {c["name"]: c for c in gate(card)["checks"] if c["status"] in ("fail", "warn")}
