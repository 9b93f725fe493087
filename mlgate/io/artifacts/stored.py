"""Read what ``mlgate baseline save`` stored in an artifact folder, and decide how to compare.

- the eval data is the one the baseline was scored on (same SHA-256): its predictions, paired;
- the eval data changed and a model file was stored: the baseline model is scored on the new rows
  (``.skops`` through mlgate's allowlist audit, or ``.onnx``; never a pickle from an artifact);
- the eval data changed and no model was stored: the stored metrics, unpaired; the slices gate,
  which needs the baseline's rows, gets a message saying what to store.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.errors import InputError

if TYPE_CHECKING:
    from mlgate.bundle import BaselineMetrics
    from mlgate.config import LoadedConfig

_PLAIN_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$")
MODEL_SUFFIXES = (".skops", ".onnx")


@dataclass(frozen=True)
class Plan:
    display: str
    predictions: Path | None = None
    model: Path | None = None
    metrics: BaselineMetrics | None = None
    # What metrics.json says of the job that saved it (GitLab's API names neither run nor commit).
    saved_by: dict[str, str] = field(default_factory=dict)


def locate(folder: Path, where: str) -> Path:
    """The folder holding the stored metrics.json: ``folder`` itself or one folder below (GitLab
    keeps the artifact's paths, GitHub strips their common folder)."""
    from mlgate.io.baseline import METRICS_FILE

    if (folder / METRICS_FILE).is_file():
        return folder
    found = sorted(p.parent for p in folder.glob(f"*/{METRICS_FILE}") if p.is_file())
    if len(found) == 1:
        return found[0]
    raise InputError(f"{where}: no {METRICS_FILE} of `mlgate baseline save` in the artifact"
                     + (" (several found)" if found else ""),
                     hint="the baseline job must upload the folder `mlgate baseline save` writes")


def _member(root: Path, doc: dict[str, Any], key: str, where: str) -> Path | None:
    name = doc.get(key)
    if name is None:
        return None
    if not isinstance(name, str) or not _PLAIN_NAME.match(name):
        raise InputError(f"{where}: metrics.json: {key} must be a plain file name, got {name!r}")
    path = root / name
    if path.is_symlink() or not path.is_file():
        raise InputError(f"{where}: {name} (named by metrics.json) is not a file in the artifact")
    return path


def plan(loaded: LoadedConfig, folder: Path, display: str, eval_sha: str | None) -> Plan:
    from mlgate.io.baseline import parse_baseline_metrics

    root = locate(folder, display)
    metrics, doc = parse_baseline_metrics(root / "metrics.json", display, loaded.config.task.value)
    saved_by = _saved_by(doc)
    if eval_sha is not None and metrics.data_sha256 == eval_sha:
        preds = _member(root, doc, "predictions", display)
        if preds is not None:
            return Plan(display, predictions=preds, saved_by=saved_by)
    model = _member(root, doc, "model", display)
    if model is not None:
        if model.suffix.lower() not in MODEL_SUFFIXES:
            raise InputError(f"{display}: {model.name}: only .skops or .onnx models are read from an "
                             "artifact (a pickle would run code)")
        return Plan(display, model=model, saved_by=saved_by)
    if loaded.config.gates.section("slices") is not None:
        stored = str(metrics.data_sha256 or "?")[:12]
        now = str(eval_sha or "?")[:12]
        raise InputError(
            f"{display}: its predictions are for other eval rows (eval data sha256 {stored}, this "
            f"data.eval {now}) and no model was stored to re-score: the slices gate needs the "
            "baseline's predictions on these rows",
            hint="give candidate.model a .skops/.onnx file so baseline save stores it, or keep "
                 "data.eval as on the base branch")
    return Plan(display, metrics=metrics, saved_by=saved_by)


def _saved_by(doc: dict[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    sha = doc.get("git_sha")
    if isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{7,64}", sha):
        out["commit"] = sha
    ci = doc.get("ci")
    if isinstance(ci, dict):
        for key in ("run_id", "job_id"):
            value = ci.get(key)
            if isinstance(value, str) and value.isdigit() and len(value) < 20:
                out[key] = value
    return out
