"""``mlgate init``: a commented starter mlgate.yaml and, with ``--ci``, the CI files for this repository.

The CI files are the templates shipped in ``mlgate/templates_data`` (a copy of the repository's
``templates/``, kept identical by a test), with only the config path and default branch filled in.
An existing config is never overwritten, not even with ``--force`` (it holds the user's edits; to get a
fresh starter, move it away): next to one, ``init --ci`` writes only the CI files. Existing CI files are
overwritten only with ``--force``; nothing is written when any target exists without it.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

import click

from mlgate._cli._common import handle_errors

STARTER = """\
# mlgate.yaml: the quality gate for this repository's model.
# Reference: https://github.com/mlgate/mlgate/blob/main/docs/configuration.md
# Editor completion: `mlgate config-schema -o mlgate.schema.json`
version: 1
task: binary                    # binary | multiclass | regression
data:
  eval: {eval}  # .csv, .csv.gz, .parquet, .jsonl; paths are relative to this file
  label: {label}  # the true label column
  positive: "1"                 # binary: the positive class value as it appears in the label column
  id: {id}  # join key shared with the prediction files: without it rows are joined by position
  # reference: data/train.parquet   # for the drift gate
# schema: schemas/eval.yaml     # pandera YAML (`mlgate schema infer`) or a Great Expectations suite
candidate:
  predictions: {candidate}  # columns: id, prediction, score (P(positive))
baseline:
{baseline}
gates:
  performance:
    metrics:
      accuracy: {{min: 0.70, max_drop: 0.01}}
      roc_auc: {{min: 0.70, max_drop: 0.01}}
  # fairness:
  #   sensitive: [sex]
  #   metrics:
  #     demographic_parity_ratio: {{min: 0.8}}
"""

# With CI files the baseline is the artifact the baseline job stores on the default branch (nothing
# to commit); without them, a folder `mlgate baseline save` writes and the user commits.
BASELINE_ARTIFACT = "  artifact: mlgate-baseline  # stored by the CI baseline job on the default branch"
BASELINE_FOLDER = ("  predictions: baseline/predictions.csv  # the production model on the same rows "
                   "(`mlgate baseline save`)")
DATA_SUFFIXES = (".csv", ".csv.gz", ".parquet", ".jsonl", ".jsonl.gz")
SKIP_DIRS = {"node_modules", "site-packages", "venv", "env", "__pycache__", "build", "dist"}
EVAL_HINTS = ("eval", "test", "valid", "holdout")
LABEL_HINTS = ("label", "target", "y", "class", "outcome")
ID_HINTS = ("id", "row_id", "uid", "key")


@dataclass(frozen=True)
class Repo:
    root: Path
    is_git: bool
    default_branch: str
    data_files: tuple[Path, ...]


def _git(cwd: Path, *args: str) -> str | None:
    try:
        proc = subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return None
    return proc.stdout.strip() if proc.returncode == 0 and proc.stdout.strip() else None


def detect_repo(cwd: Path) -> Repo:
    top = _git(cwd, "rev-parse", "--show-toplevel")
    root = Path(top) if top else cwd.resolve()
    # origin/HEAD names the remote's default branch; without a remote, git's own default or the current one.
    remote_head = _git(root, "symbolic-ref", "--short", "refs/remotes/origin/HEAD")
    branch = (
        (remote_head.split("/", 1)[1] if remote_head and "/" in remote_head else None)
        or _git(root, "config", "init.defaultBranch")
        or _git(root, "branch", "--show-current")
        or "main"
    )
    return Repo(root, top is not None, branch, tuple(_data_files(root)))


def _data_files(root: Path, depth: int = 3) -> list[Path]:
    found: list[Path] = []
    stack = [(root, 0)]
    while stack and len(found) < 200:
        folder, level = stack.pop()
        try:
            entries = sorted(folder.iterdir())
        except OSError:
            continue
        for entry in entries:
            if entry.is_dir():
                if level < depth and not entry.name.startswith(".") and entry.name not in SKIP_DIRS:
                    stack.append((entry, level + 1))
            elif entry.name.lower().endswith(DATA_SUFFIXES):
                found.append(entry)
    return sorted(found)


def _guess(repo: Repo, config_dir: Path) -> dict[str, str]:
    """Fill the starter with the repository's own files where the names make it obvious."""
    values = {"eval": "data/eval.parquet", "label": "label", "candidate": "out/candidate.csv", "id": "id"}
    evals = [p for p in repo.data_files
             if any(h in p.name.lower() for h in EVAL_HINTS) and "pred" not in p.name.lower()]
    preds = [p for p in repo.data_files if "pred" in p.name.lower() and "baseline" not in str(p).lower()]

    def rel(path: Path) -> str:
        # mlgate.yaml's paths are relative to the file itself, so "../data/x.csv" when needed.
        return Path(os.path.relpath(path.resolve(), config_dir.resolve())).as_posix()

    if evals:
        values["eval"] = rel(evals[0])
        if evals[0].name.lower().endswith(".csv"):
            with evals[0].open(encoding="utf-8", errors="replace") as fh:
                header = [c.strip().strip('"') for c in fh.readline().split(",")]
            label = next((c for c in header if c.lower() in LABEL_HINTS), None)
            values["label"] = label or values["label"]
            key = next((c for c in header if c.lower() in ID_HINTS or c.lower().endswith("_id")), None)
            values["id"] = key or values["id"]
    if preds:
        values["candidate"] = rel(preds[0])
    # Plain YAML scalars when safe, else JSON strings (valid YAML) for spaces, colons, quotes...
    return {k: v if re.fullmatch(r"[A-Za-z0-9_./-]+", v) else json.dumps(v) for k, v in values.items()}


def _template(*parts: str) -> str:
    return (resources.files("mlgate") / "templates_data" / "/".join(parts)).read_text(encoding="utf-8")


def ci_files(ci: str, fork_safe: bool, repo: Repo, config_rel: str) -> dict[Path, str]:
    """Target path (relative to the repository root) -> content."""

    def fill(text: str) -> str:
        if config_rel != "mlgate.yaml":
            quoted = json.dumps(config_rel)
            text = text.replace("config: mlgate.yaml", f"config: {quoted}")
            text = text.replace("--config mlgate.yaml", f"--config {quoted}")
        return text.replace("branches: [main]", f"branches: [{json.dumps(repo.default_branch)}]")

    if ci == "github":
        wf = Path(".github/workflows")
        files = {wf / "mlgate-baseline.yml": _template("github", "mlgate-baseline.yml")}
        if fork_safe:
            files[wf / "mlgate.yml"] = _template("github", "mlgate-fork-safe.yml")
            files[wf / "mlgate-publish.yml"] = _template("github", "mlgate-publish.yml")
        else:
            files[wf / "mlgate.yml"] = _template("github", "mlgate.yml")
        return {path: fill(text) for path, text in files.items()}
    files = {Path(".gitlab/mlgate.gitlab-ci.yml"): fill(_template("gitlab", "mlgate.gitlab-ci.yml"))}
    if not (repo.root / ".gitlab-ci.yml").exists():
        files[Path(".gitlab-ci.yml")] = "include:\n  - local: .gitlab/mlgate.gitlab-ci.yml\n"
    return files


def _next_steps(ci: str | None, fork_safe: bool, repo: Repo, config: Path, *, config_kept: bool,
                wrote_pipeline: bool) -> list[str]:
    """What is left to do, and nothing that init has just done."""
    from mlgate._cli.init_baseline import baseline_of, first_baseline_step

    mode = baseline_of(config)
    if config_kept:
        steps = [f"mlgate validate-config -c {config}  # your existing config, unchanged"]
    else:
        steps = [f"edit {config}: point data.eval, data.label and the prediction files at your data"]
        # In artifact mode a local `mlgate check` needs the downloaded artifact (or a token).
        then = "" if mode.artifact else f"  # then: mlgate check -c {config}"
        steps.append(f"mlgate validate-config -c {config}{then}")
    first = first_baseline_step(mode, ci, config, repo.default_branch)
    from_ci = mode.artifact is not None and ci is not None
    if not from_ci:
        steps.append(first)
    if ci == "github":
        steps.append("add the step that writes the candidate's predictions to .github/workflows/mlgate.yml "
                     "and .github/workflows/mlgate-baseline.yml")
        if fork_safe:
            steps.append("mlgate-publish.yml posts the scorecard of fork pull requests; it runs from the "
                         "default branch, so merge it before the first fork pull request")
    elif ci == "gitlab":
        steps.append("add a masked CI/CD variable MLGATE_GITLAB_TOKEN (project access token, api scope, "
                     "Reporter role) so the scorecard is posted on merge requests")
        if not wrote_pipeline:
            steps.append("add to your existing .gitlab-ci.yml:  "
                         "include: [{local: .gitlab/mlgate.gitlab-ci.yml}]")
    if repo.is_git and ci is not None:
        request = "pull request" if ci == "github" else "merge request"
        steps.append(f"commit the new files and open a {request} to see the gate run")
    if from_ci:
        # Comes after the first pull request: its merge is what stores the first baseline.
        steps.append(first)
    return steps


@click.command()
@click.option("-c", "--config", "config_path", default="mlgate.yaml", show_default=True,
              type=click.Path(path_type=Path))
@click.option("--ci", type=click.Choice(["github", "gitlab"]), default=None,
              help="Also write the CI files for GitHub Actions or GitLab CI.")
@click.option("--fork-safe", is_flag=True,
              help="GitHub: compute in pull_request with a read-only token, publish from workflow_run.")
@click.option("--force", is_flag=True,
              help="Overwrite existing CI files. An existing config is never overwritten: move it away "
              "for a fresh starter.")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def init(config_path: Path, ci: str | None, fork_safe: bool, force: bool, debug: bool) -> None:
    """Write a commented starter mlgate.yaml (and with --ci, the CI workflow files)."""
    if fork_safe and ci != "github":
        raise click.UsageError("--fork-safe applies to --ci github (GitLab runs fork pipelines in the fork)")
    repo = detect_repo(Path.cwd())
    config_abs = config_path.resolve()
    try:
        config_rel = config_abs.relative_to(repo.root).as_posix()
    except ValueError:
        config_rel = config_path.as_posix()
    config_kept = config_abs.exists()
    if config_kept and not ci:
        raise click.UsageError(f"{config_path} already exists and init never overwrites a config (not even "
                               "with --force): move it away for a fresh starter, or pass --ci github|gitlab "
                               "to add only the CI files (nothing was written)")
    targets: dict[Path, str] = {}
    if not config_kept:
        baseline = BASELINE_ARTIFACT if ci else BASELINE_FOLDER
        targets[config_abs] = STARTER.format(**_guess(repo, config_abs.parent), baseline=baseline)
    ci_targets = ci_files(ci, fork_safe, repo, config_rel) if ci else {}
    targets.update({repo.root / p: t for p, t in ci_targets.items()})
    existing = [p for p in targets if p.exists()]
    if existing and not force:
        names = ", ".join(str(p) for p in existing)
        raise click.UsageError(f"{names} already exist(s); pass --force to overwrite (nothing was written)")
    if config_kept:
        click.echo(f"kept {config_abs} (an existing config is never overwritten)")
    for path, text in targets.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        click.echo(f"wrote {path}")
    where = str(repo.root)
    if repo.is_git:
        where = f"git repository {repo.root} (default branch {repo.default_branch})"
    click.echo(f"\nin {where}; next steps:")
    steps = _next_steps(ci, fork_safe, repo, config_path, config_kept=config_kept,
                        wrote_pipeline=Path(".gitlab-ci.yml") in ci_targets)
    for number, step in enumerate(steps, start=1):
        click.echo(f"  {number}. {step}")
