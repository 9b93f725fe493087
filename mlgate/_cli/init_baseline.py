"""``mlgate init``'s step for the first baseline, worded for the baseline mode of the config it wrote
or kept: an artifact the CI baseline job stores after the first merge, or a folder to save and commit.

The config is read as plain YAML, not validated: a kept config may be half-edited, and init only
needs to know where its baseline comes from.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import Any

# The warning a pull request opened before the first merge gets (mlgate.io.artifacts.resolve).
_FIRST_PR = "no baseline on main yet: it appears after the first merge"
_SAVED_FILES = ("predictions.csv", "metrics.json")
_MAX_BYTES = 1_000_000


@dataclass(frozen=True)
class BaselineMode:
    artifact: str | None = None
    model: str | None = None
    # Folder `mlgate baseline save` writes without --out (relative to the current directory, as the
    # user typed the config path), or where --out must point when the config names another file.
    folder: str | None = None
    needs_out: bool = False


def _baseline_section(config: Path) -> dict[str, Any]:
    import yaml

    try:
        with config.open("rb") as fh:
            doc = yaml.safe_load(fh.read(_MAX_BYTES))
    except (OSError, yaml.YAMLError):
        return {}
    section = doc.get("baseline") if isinstance(doc, dict) else None
    return section if isinstance(section, dict) else {}


def baseline_of(config: Path) -> BaselineMode:
    section = _baseline_section(config)
    artifact = section.get("artifact")
    if isinstance(artifact, str) and artifact:
        return BaselineMode(artifact=artifact)
    model = section.get("model")
    if isinstance(model, str) and model:
        return BaselineMode(model=model)
    value = section.get("predictions") or section.get("metrics")
    if not isinstance(value, str) or "://" in value:
        return BaselineMode()
    base = PurePosixPath(config.parent.as_posix())
    if value.startswith("git:"):
        # git:REF:PATH names the file on another ref; the folder is saved here and committed there.
        value = value.split(":", 2)[2] if value.count(":") >= 2 else ""
        if value.startswith("/"):  # from the repository root (init runs there or below)
            base, value = PurePosixPath("."), value.lstrip("/")
    if not value:
        return BaselineMode()
    path = base / value
    return BaselineMode(folder=str(path.parent), needs_out=path.name not in _SAVED_FILES)


def first_baseline_step(mode: BaselineMode, ci: str | None, config: Path, branch: str) -> str:
    cfg = "" if config.as_posix() == "mlgate.yaml" else f" -c {config.as_posix()}"
    if mode.artifact is not None and ci is not None:
        if ci == "github":
            job = "the baseline workflow (.github/workflows/mlgate-baseline.yml)"
            stored = f"uploads the first {mode.artifact} artifact"
            request = "pull request"
        else:
            job = "the mlgate-baseline job (.gitlab/mlgate.gitlab-ci.yml)"
            stored = "keeps what it saved as the job's artifacts"
            request = "merge request"
        return (f"after the first merge to {branch}, {job} runs `mlgate baseline save` and {stored}, the "
                f"first baseline; every later {request} is compared with it. Until then a {request} "
                f"gets its scorecard with the warning \"{_FIRST_PR}\" (never a failure)")
    if mode.artifact is not None:
        return (f"baseline.artifact: {mode.artifact} is stored by a CI baseline job: add it with "
                f"`mlgate init --ci github|gitlab`; locally, pass `mlgate check --baseline-dir DIR`")
    if mode.model is not None:
        return (f"the first baseline is baseline.model ({mode.model}): it must exist before the first check; "
                f"with MLflow (models:/NAME@ALIAS for both models) `mlgate baseline save{cfg}` on "
                f"{branch} moves ALIAS to the candidate")
    if mode.folder is None:
        return ("create the first baseline: `mlgate baseline save" + cfg + " --out DIR` on " + branch
                + ", then point the config's baseline section at DIR")
    out = f" --out {mode.folder}" if mode.needs_out else ""
    return (f"create the first baseline from the production model's predictions on {branch}: "
            f"`mlgate baseline save{cfg}{out}` (it writes {mode.folder}/), then commit {mode.folder}/")
