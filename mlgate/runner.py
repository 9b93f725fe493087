"""``run(loaded) -> Report``: load inputs once, run every configured gate in isolation."""

from __future__ import annotations

import time
import traceback
from collections.abc import Callable, Collection, Mapping
from pathlib import Path
from typing import Any

from mlgate._version import __version__
from mlgate.bundle import GateInputs
from mlgate.config import LoadedConfig
from mlgate.config._base import Section
from mlgate.errors import MlgateError
from mlgate.gates import configured
from mlgate.gates.interface import Gate
from mlgate.io.fingerprint import file_sha256, git_sha
from mlgate.result import ErrorKind, GateResult, Provenance, Report


def _input_paths(loaded: LoadedConfig, given: Collection[str] = ()) -> dict[str, str]:
    cfg = loaded.config
    # Data handed over as DataFrames was not read from the files the config names: no hash.
    values = [
        None if "eval" in given else cfg.data.eval,
        None if "reference" in given else cfg.data.reference,
    ]
    for src in (cfg.candidate, cfg.baseline):
        if src is not None:
            values += [
                getattr(src, "predictions", None),
                getattr(src, "model", None),
                getattr(src, "metrics", None),
            ]
    ref = cfg.schema_ref
    if ref is not None and ":" not in ref.path.replace("\\", "/").split("/")[-1]:
        values.append(ref.path)
    return {v: loaded.resolve(v) for v in values if v is not None}


def provenance(
    loaded: LoadedConfig,
    given: Collection[str] = (),
    models: Mapping[str, Mapping[str, str]] | None = None,
    known: Mapping[str, str] | None = None,
    baseline: Mapping[str, str] | None = None,
) -> Provenance:
    """Hashes of the input files (``known``: those already computed, by configured value)."""
    hashes = {uri: origin["sha256"] for uri, origin in (models or {}).items() if "sha256" in origin}
    from mlgate.io.sources import local_path

    for shown, real in sorted(_input_paths(loaded, given).items()):
        if known and shown in known:  # already hashed when the inputs were read
            hashes[shown] = known[shown]
            continue
        # The file the gates read (a git: blob at its ref, a local file resolved and confined to the
        # repository): a symlink out of the repository is not even hashed into the scorecard.
        try:
            p = local_path(loaded, real, "provenance")
        except MlgateError:
            continue
        hashes[shown] = file_sha256(p)
    return Provenance(
        config_sha256=loaded.sha256,
        inputs=hashes,
        git_sha=git_sha(loaded.base_dir),
        config_path=loaded.path.name,
        models=dict(models or {}),
        baseline=dict(baseline or {}),
    )


def _model_origins(inputs: GateInputs) -> dict[str, Mapping[str, str]]:
    sets = (inputs.candidate, inputs.baseline)
    return {p.source: p.origin for p in sets if p is not None and p.origin}


def config_id(loaded: LoadedConfig) -> str:
    """One sticky comment per config: the explicit report.id, or a hash-free name from the path."""
    if loaded.config.report.id:
        return loaded.config.report.id
    try:
        rel = loaded.path.relative_to(Path.cwd().resolve())
    except ValueError:
        rel = Path(loaded.path.name)
    return str(rel).replace("\\", "/")


def run_gate(gate: Gate[Any], inputs: GateInputs, section: Section) -> GateResult:
    """Run one gate on its section; an exception becomes an ``error`` result for this gate only."""
    start = time.perf_counter()
    try:
        result = gate.run(inputs, section)
    except MlgateError as exc:
        return GateResult(
            name=gate.name,
            error=str(exc),
            error_kind=ErrorKind.INPUT if exc.exit_code == 2 else ErrorKind.INTERNAL,
            summary="could not be evaluated",
            chart=gate.chart,
        )
    except Exception as exc:  # noqa: BLE001 - isolation is the point: one bug must not hide other gates
        tb = traceback.extract_tb(exc.__traceback__)
        where = f" at {Path(tb[-1].filename).name}:{tb[-1].lineno}" if tb else ""
        return GateResult(
            name=gate.name,
            error=f"internal error{where}: {type(exc).__name__}: {exc}",
            error_kind=ErrorKind.INTERNAL,
            summary="crashed (a bug in mlgate; please report it)",
            chart=gate.chart,
        )
    return GateResult(**{**result.__dict__, "duration_s": time.perf_counter() - start, "chart": gate.chart})


def run(
    loaded: LoadedConfig,
    *,
    advisory: bool = False,
    progress: Callable[[str], None] | None = None,
    frames: Mapping[str, object] | None = None,
    baseline_dir: Path | None = None,
) -> Report:
    """Evaluate every configured gate. Raises :class:`InputError` when the inputs cannot be loaded.

    ``frames``: DataFrames (pandas or pyspark) for ``"eval"``/``"reference"`` instead of the files.
    ``baseline_dir``: the unzipped ``baseline.artifact`` folder instead of a download.
    """
    from mlgate.inputs import build_inputs

    given = {k for k, v in (frames or {}).items() if v is not None}
    if progress:
        progress("loading inputs")
    inputs = build_inputs(loaded, frames, baseline_dir=baseline_dir)
    results = []
    for gate, section in configured(loaded.config):
        if progress:
            progress(f"gate {gate.name}")
        results.append(run_gate(gate, inputs, section))
    known = {loaded.config.data.eval: inputs.eval.sha256} if inputs.eval.sha256 else {}
    return Report(
        gates=tuple(results),
        provenance=provenance(loaded, given, _model_origins(inputs), known, inputs.baseline_origin),
        mlgate_version=__version__,
        advisory=advisory,
        config_id=config_id(loaded),
        title=loaded.config.report.title,
        notes=inputs.notes,
    )
