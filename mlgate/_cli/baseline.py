"""``mlgate baseline save`` and ``mlgate baseline show``: the stored production baseline."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from mlgate._cli._common import echo, handle_errors, make_trust, trust_options
from mlgate._cli.check import CONFIG_OPTION

if TYPE_CHECKING:
    from mlgate.config import LoadedConfig


@click.group()
def baseline() -> None:
    """Store the current candidate as the baseline, or show a stored one."""


@baseline.command("save")
@CONFIG_OPTION
@click.option(
    "-o",
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder to write predictions.csv and metrics.json into (created if missing). Default: the "
    "folder the config's baseline names (baseline.artifact: NAME -> NAME/).",
)
@click.option("--debug", is_flag=True, hidden=True)
@trust_options
@handle_errors
def save(
    config_path: Path, out: Path | None, debug: bool, allow_pickle: bool, allow_outside_repo: bool
) -> None:
    """Store the candidate's predictions, metrics, data hash and config hash as the new baseline.

    Run it on the main branch after a merge. With baseline.artifact: NAME it writes NAME/ and CI
    uploads that folder as the artifact pull requests compare with (the GitHub Action with
    command: baseline-save, or the GitLab baseline component); otherwise commit the folder and point
    pull requests at it, e.g. baseline.predictions: git:origin/main:baseline/predictions.csv. With
    MLflow models (candidate.model and baseline.model: models:/NAME@ALIAS) the candidate is
    registered as a version of NAME and ALIAS moves to it.
    """
    import dataclasses

    from mlgate._version import __version__
    from mlgate.config import load_config
    from mlgate.inputs import build_inputs
    from mlgate.io.baseline import default_out, save_baseline
    from mlgate.io.mlflow_promote import promote, promotion_target

    loaded = load_config(config_path, make_trust(allow_pickle, allow_outside_repo))
    target = promotion_target(loaded)
    if out is None and target is None:
        out = default_out(loaded)
        if out is None:
            raise click.UsageError(
                "--out is required: the config's baseline names no folder (set baseline.artifact, or "
                "baseline.predictions to DIR/predictions.csv)")
    if out is not None:
        _check_baseline_out(out)
    # The old baseline is not needed (and may not exist yet on the first save): do not load it.
    bare = loaded.config.model_copy(update={"baseline": None})
    inputs = build_inputs(dataclasses.replace(loaded, config=bare))
    if out is not None:
        saved = save_baseline(loaded, inputs, out, __version__)
        doc = saved.document
        click.echo(f"baseline saved: {saved.predictions_path} and {saved.metrics_path}")
        click.echo(
            f"  {doc['n_rows']} rows, {len(doc['metrics'])} metrics, "
            f"eval data sha256 {doc['data_sha256'][:12]}"
        )
        _step_outputs(loaded, saved.metrics_path.parent)
    if target is not None:
        origin = inputs.candidate.origin if inputs.candidate is not None else {}
        done = promote(loaded, target, origin.get("model_id"))
        again = "" if done.created else " (that run was already registered: no new version)"
        echo(
            f"promoted: models:/{done.name} version {done.version} (run {done.run_id}) is now "
            f"@{done.alias}{again}"
        )


def _step_outputs(loaded: LoadedConfig, folder: Path) -> None:
    """In a GitHub Actions step, ``dir`` and ``artifact`` outputs: what the action uploads, under the
    name the pull requests' ``baseline.artifact`` looks for. The multi-line form with a random
    delimiter, so no path can inject another output
    (docs.github.com/actions/reference/workflows-and-actions/workflow-commands#multiline-strings)."""
    import os
    import secrets

    from mlgate.errors import InputError

    target = os.environ.get("GITHUB_OUTPUT")
    if os.environ.get("GITHUB_ACTIONS") != "true" or not target:
        return
    src = loaded.config.baseline
    name = src.artifact if src is not None and src.artifact else "mlgate-baseline"
    delim = f"mlgate_{secrets.token_hex(8)}"
    try:
        with open(target, "a", encoding="utf-8", newline="\n") as fh:
            fh.write(f"dir<<{delim}\n{folder.resolve()}\n{delim}\nartifact={name}\n")
    except OSError as exc:
        raise InputError(f"GITHUB_OUTPUT {target}: cannot write: {exc.strerror}") from None


def _check_baseline_out(out: Path) -> None:
    """``out`` gets predictions.csv and metrics.json: refused when it is a link, or when either file
    exists and is not part of a baseline mlgate saved (metrics.json of format mlgate-baseline)."""
    import os
    import stat

    from mlgate.errors import InputError
    from mlgate.io.baseline import FORMAT, METRICS_FILE, PREDICTIONS_FILE
    from mlgate.render.safe_paths import check_target

    real = check_target(out, option="--out", what="a baseline", allow_cwd=True)
    if not os.path.lexists(real / METRICS_FILE) and not os.path.lexists(real / PREDICTIONS_FILE):
        return
    for name in (METRICS_FILE, PREDICTIONS_FILE):
        path = real / name
        if os.path.lexists(path) and not stat.S_ISREG(os.lstat(path).st_mode):
            raise InputError(f"{out / name}: exists and is not a regular file; mlgate never replaces it",
                             hint="pass --out another folder")
    try:
        doc = json.loads((real / METRICS_FILE).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError):
        doc = None
    if not isinstance(doc, dict) or doc.get("format") != FORMAT:
        raise InputError(
            f"{out}: holds {METRICS_FILE} or {PREDICTIONS_FILE} that mlgate did not save as a baseline; "
            "mlgate never overwrites them", hint="pass --out a new folder, or move those files away")


def _resolve_show_path(loaded: LoadedConfig | None, path: str | None) -> tuple[str, str | None]:
    """(metrics value to read, task) from the argument or from the config's baseline section."""
    if path is not None:
        return path, None
    assert loaded is not None
    src = loaded.config.baseline
    if src is None or (src.metrics is None and src.predictions is None):
        raise click.UsageError("no baseline.metrics or baseline.predictions in the config; pass PATH")
    if src.metrics is not None:
        return src.metrics, loaded.config.task.value
    assert src.predictions is not None
    head, _, _tail = src.predictions.rpartition("/")
    sep = "/" if head and not head.endswith(":") else ""
    return f"{head}{sep}metrics.json", loaded.config.task.value


def _artifact_file(loaded: LoadedConfig, baseline_dir: Path | None, err: bool
                   ) -> tuple[Path | None, dict[str, str]]:
    """``baseline.artifact``: the stored metrics.json of the folder given, or of the artifact downloaded
    with a token, the way ``mlgate check`` would find it; says which on one line (on stderr with
    ``err``: --json keeps stdout JSON). None: the base branch has none yet."""
    from mlgate.io.artifacts.resolve import NO_BASELINE_YET, fetch
    from mlgate.io.artifacts.stored import locate
    from mlgate.io.baseline import METRICS_FILE

    src = loaded.config.baseline
    assert src is not None and src.artifact is not None
    echo(f"baseline.artifact: {src.artifact} (what `mlgate baseline save` stored in CI on the base "
         "branch)", err=err)
    fetched = fetch(src.artifact, loaded.base_dir, baseline_dir)
    echo(fetched.how, err=err)
    if fetched.folder is None:
        echo(NO_BASELINE_YET, err=err)
        return None, dict(fetched.origin)
    return locate(fetched.folder, f"artifact {src.artifact}") / METRICS_FILE, dict(fetched.origin)


@baseline.command("show")
@click.argument("path", required=False)
@CONFIG_OPTION
@click.option("--json", "as_json", is_flag=True, help="Print the stored metrics.json as is.")
@click.option("--baseline-dir", type=click.Path(file_okay=False, path_type=Path),
              help="baseline.artifact: show this unzipped artifact folder instead of downloading it "
              "(also MLGATE_BASELINE_DIR; else GITHUB_TOKEN downloads it).")
@click.option("--allow-outside-repo", is_flag=True,
              help="Read a baseline outside the repository (also MLGATE_ALLOW_OUTSIDE_REPO=1).")
@click.option("--debug", is_flag=True, hidden=True)
@handle_errors
def show(path: str | None, config_path: Path, as_json: bool, baseline_dir: Path | None,
         allow_outside_repo: bool, debug: bool) -> None:
    """Show a stored baseline: PATH (a metrics.json, its folder, or git:REF:PATH), else the config's
    (with baseline.artifact: the folder --baseline-dir gives, or the artifact a token downloads)."""
    from tabulate import tabulate

    from mlgate.config import load_config
    from mlgate.io.baseline import parse_baseline_metrics
    from mlgate.text import one_line

    needs_config = path is None or path.startswith("git:")
    trust = make_trust(allow_outside_repo=allow_outside_repo)
    loaded = load_config(config_path, trust) if needs_config else None
    origin: dict[str, str] = {}
    task: str | None
    if path is None and loaded is not None and loaded.config.baseline is not None \
            and loaded.config.baseline.artifact is not None:
        found, origin = _artifact_file(loaded, baseline_dir, as_json)
        if found is None:
            return
        file, value, task = found, f"artifact {loaded.config.baseline.artifact}", loaded.config.task.value
    else:
        value, task = _resolve_show_path(loaded, path)
        file = _show_file(loaded, value)
    metrics, doc = parse_baseline_metrics(file, value, task)
    if as_json:
        # json.dumps escapes control characters; "##[" (a GitHub workflow command anywhere in a log
        # line, see mlgate.text) can only sit inside a string, where \u005b is the same "[".
        click.echo(json.dumps(doc, indent=2).replace("##[", "##\\u005b"))
        return
    meta: list[tuple[str, Any]] = [
        ("task", doc.get("task")),
        ("rows", metrics.n_rows),
        ("eval data sha256", (metrics.data_sha256 or "")[:16]),
        ("config sha256", str(doc.get("config_sha256") or "")[:16]),
        ("commit", str(origin.get("commit") or doc.get("git_sha") or "")[:12]),
        ("run", origin.get("run_id")),
        ("mlgate", doc.get("mlgate_version")),
    ]
    echo(f"baseline {value}")
    echo(tabulate([(k, one_line(v, 200)) for k, v in meta if v], tablefmt="plain"))
    echo("")
    rows = [(name, f"{v:.6g}") for name, v in sorted(metrics.values.items())]
    echo(tabulate(rows, headers=["metric", "value"], tablefmt="simple", disable_numparse=True))


def _show_file(loaded: LoadedConfig | None, value: str) -> Path:
    from mlgate.io.baseline import METRICS_FILE
    from mlgate.io.sources import local_path

    if loaded is not None:
        return local_path(loaded, value, "baseline.metrics")
    file = Path(value)
    if file.is_dir():
        file = file / METRICS_FILE
    if not file.is_file():
        raise click.UsageError(f"{value}: no such file (expected a metrics.json or its folder)")
    return file
