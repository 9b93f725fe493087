"""The stored baseline: ``mlgate baseline save`` writes it, ``baseline.metrics`` reads it back.

A saved baseline is a folder with ``predictions.csv`` (the model's predictions on the eval rows, the
format of ``baseline.predictions``: a paired comparison is possible when the eval rows are the same)
and ``metrics.json`` (every metric of the task, plus hashes of the eval data and of the config, so a
later unpaired comparison can tell when the data changed).
"""

from __future__ import annotations

import json
import math
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from mlgate.bundle import BaselineMetrics
from mlgate.errors import InputError
from mlgate.io.fingerprint import file_sha256, git_sha
from mlgate.io.sources import local_path
from mlgate.metrics_registry import METRICS

if TYPE_CHECKING:
    from mlgate.bundle import GateInputs
    from mlgate.config import LoadedConfig

FORMAT = "mlgate-baseline"
VERSION = 1
MAX_BYTES = 10_000_000
METRICS_FILE = "metrics.json"
PREDICTIONS_FILE = "predictions.csv"


def eval_sha256(loaded: LoadedConfig) -> str:
    return file_sha256(local_path(loaded, loaded.config.data.eval, "data.eval"))


def parse_baseline_metrics(
    path: Path, display: str, task: str | None = None
) -> tuple[BaselineMetrics, dict[str, Any]]:
    """Validate a metrics.json; returns the metrics and the whole document (for ``baseline show``)."""
    hint = "write it with `mlgate baseline save --out DIR` and point baseline.metrics at DIR/metrics.json"
    try:
        raw = path.read_bytes()[: MAX_BYTES + 1]
    except OSError as exc:
        raise InputError(f"{display}: cannot read: {exc.strerror}") from None
    if len(raw) > MAX_BYTES:
        raise InputError(f"{display}: larger than {MAX_BYTES} bytes, not a baseline metrics file", hint=hint)
    try:
        doc = json.loads(raw.decode("utf-8-sig"))
    except UnicodeDecodeError as exc:
        raise InputError(f"{display}: not UTF-8 text (byte {exc.start})", hint=hint) from None
    except json.JSONDecodeError as exc:
        raise InputError(f"{display}:{exc.lineno}:{exc.colno}: invalid JSON: {exc.msg}", hint=hint) from None
    except RecursionError:  # the decoder recurses once per level: a hostile file nests thousands deep
        raise InputError(f"{display}: invalid JSON: nested too deeply", hint=hint) from None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(
            f'{display}: not an mlgate baseline metrics file (no "format": "{FORMAT}")', hint=hint
        )
    if doc.get("version") != VERSION:
        raise InputError(
            f"{display}: version {doc.get('version')!r} is not supported (expected {VERSION})",
            hint="save the baseline again with this mlgate version",
        )
    if task is not None and doc.get("task") != task:
        raise InputError(
            f"{display}: task is {doc.get('task')!r} but mlgate.yaml says '{task}'",
            hint="point baseline.metrics at a baseline saved for this task",
        )
    metrics = doc.get("metrics")
    if not isinstance(metrics, dict):
        raise InputError(f"{display}: 'metrics' must be an object of metric name -> number", hint=hint)
    values: dict[str, float] = {}
    for name, value in metrics.items():
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            raise InputError(f"{display}: metrics.{name}: {value!r} is not a finite number", hint=hint)
        if name in METRICS:
            values[str(name)] = float(value)
    n_rows = doc.get("n_rows")
    if isinstance(n_rows, bool) or not isinstance(n_rows, int) or n_rows < 1:
        raise InputError(f"{display}: n_rows must be a positive integer, got {n_rows!r}", hint=hint)
    sha = doc.get("data_sha256")
    return BaselineMetrics(
        values=values, n_rows=n_rows, source=display, data_sha256=sha if isinstance(sha, str) else None
    ), doc


def read_baseline_metrics(loaded: LoadedConfig, value: str) -> BaselineMetrics:
    path = local_path(loaded, value, "baseline.metrics")
    return parse_baseline_metrics(path, value, loaded.config.task.value)[0]


@dataclass(frozen=True)
class SavedBaseline:
    metrics_path: Path
    predictions_path: Path
    document: dict[str, Any]


def _atomic_write(path: Path, data: bytes) -> None:
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


MODEL_SUFFIXES = (".skops", ".onnx")


def _store_model(loaded: LoadedConfig, out: Path) -> str | None:
    """Copy candidate.model (a .skops or .onnx file) next to the predictions as model.<suffix>, so a
    later pull request whose eval data changed can score the baseline model on its rows. Pickles and
    registry URIs are not stored: an artifact never carries code to run."""
    value = loaded.config.candidate.model
    if value is None or "://" in value or ":/" in value.split("/")[0]:
        return None
    suffix = Path(value).suffix.lower()
    if suffix not in MODEL_SUFFIXES:
        return None
    name = f"model{suffix}"
    _atomic_write(out / name, local_path(loaded, value, "candidate.model").read_bytes())
    return name


def default_out(loaded: LoadedConfig) -> Path | None:
    """Where ``baseline save`` writes without --out: the folder named by the config's baseline
    (``artifact: NAME`` -> NAME/ next to mlgate.yaml; a predictions.csv or metrics.json -> its folder)."""
    src = loaded.config.baseline
    if src is None:
        return None
    if src.artifact is not None:
        return loaded.base_dir / src.artifact
    value = src.predictions or src.metrics
    if value is None or "://" in value:
        return None
    if value.startswith("git:"):
        path = value.split(":", 2)[2]
        if path.startswith("/"):
            from mlgate.io.sources import repo_root

            value = str(repo_root(loaded.base_dir) / path.lstrip("/"))
        else:
            value = path
    p = Path(loaded.resolve(value))
    if p.name not in (PREDICTIONS_FILE, METRICS_FILE):
        return None
    return p.parent


def save_baseline(loaded: LoadedConfig, inputs: GateInputs, out: Path, version: str) -> SavedBaseline:
    """Store the candidate's predictions and metrics as the new baseline in ``out``."""
    import numpy as np
    import pandas as pd

    from mlgate.stats.metrics import compute

    cfg = loaded.config
    cand = inputs.candidate
    if cand is None:
        raise InputError(
            "baseline save: no candidate predictions", hint="set candidate.predictions or .model"
        )
    ev = inputs.eval
    k = len(ev.classes)
    values: dict[str, float] = {}
    for name, spec in METRICS.items():
        if cfg.task not in spec.tasks or (spec.needs_scores and cand.scores is None):
            continue
        value = compute(name, cfg.task, ev.y_true, cand.y_pred, cand.scores, k)
        if math.isfinite(value):
            values[name] = value
    cols: dict[str, Any] = {}
    if cfg.data.id is not None and ev.ids is not None:
        cols[cfg.data.id] = ev.ids
    if ev.classes:
        cols["prediction"] = np.asarray(ev.classes, dtype=object)[cand.y_pred]
        if cand.scores is not None and cand.scores.ndim == 1:
            cols["score"] = cand.scores
        elif cand.scores is not None:
            for j, c in enumerate(ev.classes):
                cols[f"proba_{c}"] = cand.scores[:, j]
    else:
        cols["prediction"] = cand.y_pred
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InputError(f"{out}: cannot create the baseline folder: {exc.strerror}") from None
    preds_path = out / PREDICTIONS_FILE
    _atomic_write(preds_path, pd.DataFrame(cols).to_csv(index=False).encode("utf-8"))
    doc: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "task": cfg.task.value,
        "label": cfg.data.label,
        "positive": cfg.data.positive,
        "classes": [str(c) for c in ev.classes],
        "n_rows": len(ev.y_true),
        "metrics": dict(sorted(values.items())),
        "predictions": PREDICTIONS_FILE,
        "predictions_sha256": file_sha256(preds_path),
        "data_sha256": inputs.eval.sha256 or eval_sha256(loaded),
        "config_sha256": loaded.sha256,
        "candidate_source": cand.source,
        "git_sha": git_sha(loaded.base_dir),
        "mlgate_version": version,
    }
    model = _store_model(loaded, out)
    if model is not None:
        doc["model"] = model
    ci = {k: v for k, v in (("run_id", os.environ.get("GITHUB_RUN_ID") or os.environ.get("CI_PIPELINE_ID")),
                            ("job_id", os.environ.get("CI_JOB_ID"))) if v and v.isdigit()}
    if ci:
        doc["ci"] = ci
    metrics_path = out / METRICS_FILE
    _atomic_write(metrics_path, (json.dumps(doc, indent=2, sort_keys=False) + "\n").encode("utf-8"))
    return SavedBaseline(metrics_path=metrics_path, predictions_path=preds_path, document=doc)
