"""What a run evaluated (hashes of the config and inputs, the commit, models, the baseline's origin)
and its JSON form both ways, part of the ``scorecard.json`` contract (``mlgate.result``)."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from mlgate import jsonread as jr

_HEX = re.compile(r"[0-9a-f]{7,64}")
_SHA256 = re.compile(r"[0-9a-f]{64}")
_SHA_TEXT, _COMMIT_TEXT = "a SHA-256 in lowercase hex", "a commit SHA in lowercase hex"


@dataclass(frozen=True)
class Provenance:
    config_sha256: str
    inputs: Mapping[str, str]
    git_sha: str | None = None
    config_path: str | None = None
    # Registry models (MLflow): URI -> registered model, version, alias, run id, flavor, sha256.
    models: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    # baseline.artifact: artifact, artifact_id, run_id, run_url, commit, branch, source, how.
    baseline: Mapping[str, str] = field(default_factory=dict)


def provenance_to_dict(prov: Provenance) -> dict[str, Any]:
    return {
        "config_sha256": prov.config_sha256, "config_path": prov.config_path, "inputs": dict(prov.inputs),
        "git_sha": prov.git_sha, **({"models": dict(prov.models)} if prov.models else {}),
        **({"baseline": dict(prov.baseline)} if prov.baseline else {}),
    }


def provenance_from_dict(d: dict[str, Any]) -> Provenance:
    """Hashes and the commit may hold only hex digits; ``models`` is not read back (not rendered)."""
    inputs = jr.opt_obj(d, "inputs", "provenance")
    for name in inputs:
        jr.hex_str(inputs, name, "provenance.inputs", _SHA256, _SHA_TEXT, optional=False)
    raw = jr.opt_obj(d, "baseline", "provenance")
    # provenance.baseline: short plain strings; unknown keys and non-strings are dropped.
    origin = {k: v[:100] for k in ("artifact", "artifact_id", "run_id", "branch", "source", "commit")
              if isinstance(v := raw.get(k), str) and v}
    if "commit" in origin:
        jr.hex_str(origin, "commit", "provenance.baseline", _HEX, _COMMIT_TEXT, optional=False)
    return Provenance(
        # "" (written as such): the error report of a run whose config could not be read.
        config_sha256=jr.hex_str({**d, "config_sha256": d.get("config_sha256") or None}, "config_sha256",
                                 "provenance", _SHA256, _SHA_TEXT, optional=True) or "",
        inputs=dict(inputs),
        git_sha=jr.hex_str(d, "git_sha", "provenance", _HEX, _COMMIT_TEXT, optional=True),
        config_path=jr.opt_str(d, "config_path", "provenance"),
        baseline=origin,
    )
