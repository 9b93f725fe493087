"""Privileged runs never load code; trust switches come from the workflow, never from mlgate.yaml;
every input path stays inside the repository.

Attacks of issue 15: ``allow_pickle: true`` in the pull request's own mlgate.yaml switched the pickle
guard off; the guard only knew ``pull_request_target``; a pandera Python schema imported the pull
request's code in a privileged event; a schema symlinked out of the repository was read.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import joblib
import pandas as pd
import pytest
from sklearn.linear_model import LogisticRegression

from mlgate.config import load_config
from mlgate.errors import ConfigError, InputError
from mlgate.inputs import build_inputs
from mlgate.schema.load import load_schema
from mlgate.trust import PRIVILEGED_GITHUB_EVENTS, Trust, privileged_reason

FEATURES = ["duration_months", "credit_amount", "installment_rate", "age"]
GITLAB_FORK = {
    "GITLAB_CI": "true",
    "CI_PIPELINE_SOURCE": "merge_request_event",
    "CI_PROJECT_ID": "100",
    "CI_MERGE_REQUEST_PROJECT_ID": "100",
    "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "200",
}
PRIVILEGED: list[tuple[str, dict[str, str]]] = [
    *(
        (event, {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": event})
        for event in sorted(PRIVILEGED_GITHUB_EVENTS)
    ),
    ("gitlab-fork-in-parent", GITLAB_FORK),
    ("MLGATE_UNTRUSTED", {"MLGATE_UNTRUSTED": "1"}),
]
IDS = [name for name, _ in PRIVILEGED]
ENVS = [env for _, env in PRIVILEGED]
SCHEMA_MODULE = """\
from pathlib import Path
Path(__file__).with_name("imported").write_text("the pull request's code ran")
import pandera.pandas as pa
S = pa.DataFrameSchema({})
"""


def _set(monkeypatch: pytest.MonkeyPatch, env: dict[str, str]) -> None:
    for name, value in env.items():
        monkeypatch.setenv(name, value)


def _with(root: Path, old: str, new: str) -> Path:
    path = root / "mlgate.yaml"
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


def _pickle_project(root: Path) -> Path:
    train = pd.read_csv(root / "data" / "train.csv", keep_default_na=False)
    joblib.dump(LogisticRegression(max_iter=500).fit(train[FEATURES], train["credit"]), root / "model.joblib")
    _with(root, "  id: id\n", f"  id: id\n  features: [{', '.join(FEATURES)}]\n")
    return _with(root, "  predictions: out/candidate.csv", "  model: model.joblib")


def _schema_module(root: Path) -> Path:
    (root / "schemas").mkdir(exist_ok=True)
    (root / "schemas" / "s.py").write_text(SCHEMA_MODULE, encoding="utf-8")
    return root / "schemas" / "imported"


@pytest.mark.parametrize("env", ENVS, ids=IDS)
def test_privileged_runs_refuse_pickle_even_with_the_flag(
    demo_project: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    config = _pickle_project(demo_project)
    _set(monkeypatch, {**env, "MLGATE_ALLOW_PICKLE": "1"})
    with pytest.raises(InputError, match="never loaded in a privileged run") as err:
        build_inputs(load_config(config, Trust.from_environ(allow_pickle=True)))
    assert "candidate.model: model.joblib" in str(err.value)
    assert err.value.hint is not None and "no flag changes that" in err.value.hint


@pytest.mark.parametrize("env", ENVS, ids=IDS)
def test_privileged_runs_never_import_a_python_schema(
    demo_project: Path, monkeypatch: pytest.MonkeyPatch, env: dict[str, str]
) -> None:
    sentinel = _schema_module(demo_project)
    _set(monkeypatch, env)
    for kind in ("auto", "pandera-python"):
        with pytest.raises(InputError, match=r"pandera Python schema .*never loaded in a privileged run"):
            load_schema("schemas/s.py:S", kind, demo_project, Trust.from_environ(allow_outside_repo=True))
    assert not sentinel.exists(), "the pull request's schema module was imported"


def test_check_refuses_a_python_schema_on_workflow_run(demo_project: Path, cli: Callable[..., Any]) -> None:
    sentinel = _schema_module(demo_project)
    config = _with(demo_project, "schema: schemas/eval.yaml", "schema: schemas/s.py:S")
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "workflow_run"}
    result = cli(
        [
            "check",
            "-c",
            str(config),
            "-o",
            str(demo_project / "rep"),
            "--allow-pickle",
            "--allow-outside-repo",
        ],
        env=env,
    )
    assert result.exit_code == 2, result.output
    assert "never loaded in a privileged run (the GitHub event is workflow_run)" in result.output
    assert not sentinel.exists()


def test_check_refuses_pickle_on_issue_comment_with_the_flag(
    demo_project: Path, cli: Callable[..., Any]
) -> None:
    config = _pickle_project(demo_project)
    env = {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "issue_comment"}
    result = cli(["check", "-c", str(config), "-o", str(demo_project / "rep"), "--allow-pickle"], env=env)
    assert result.exit_code == 2, result.output
    assert "a pickle/joblib model is never loaded in a privileged run" in result.output


def test_a_python_schema_loads_in_an_unprivileged_run(
    demo_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The sentinel does detect an import (so its absence above means something)."""
    sentinel = _schema_module(demo_project)
    _set(monkeypatch, {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request"})
    loaded = load_schema("schemas/s.py:S", "auto", demo_project, Trust.from_environ())
    assert loaded.kind == "pandera-python" and sentinel.exists()


@pytest.mark.parametrize(
    ("old", "new", "key", "flag"),
    [
        (
            "  model: model.joblib",
            "  model: model.joblib\n  allow_pickle: true",
            "candidate.allow_pickle",
            "--allow-pickle",
        ),
        (
            "version: 1\n",
            "version: 1\nallow_outside_repo: true\n",
            "allow_outside_repo",
            "--allow-outside-repo",
        ),
        (
            "  predictions: baseline/predictions.csv",
            "  predictions: baseline/predictions.csv\n  allow_pickle: false",
            "baseline.allow_pickle",
            "--allow-pickle",
        ),
    ],
    ids=["candidate-allow-pickle", "allow-outside-repo", "baseline-allow-pickle"],
)
def test_trust_switches_in_mlgate_yaml_are_an_error(
    demo_project: Path, old: str, new: str, key: str, flag: str
) -> None:
    _pickle_project(demo_project)
    config = _with(demo_project, old, new)
    with pytest.raises(ConfigError, match=rf"mlgate\.yaml:\d+: {key}: trust switches are not read") as err:
        load_config(config)
    assert err.value.hint is not None and flag in err.value.hint


def test_pickle_loads_with_the_flag_or_the_environment_in_a_pull_request(
    demo_project: Path, monkeypatch: pytest.MonkeyPatch, cli: Callable[..., Any]
) -> None:
    config = _pickle_project(demo_project)
    _set(monkeypatch, {"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request"})
    with pytest.raises(InputError, match="runs any code it contains"):
        build_inputs(load_config(config))
    assert build_inputs(load_config(config, Trust.from_environ(allow_pickle=True))).candidate is not None
    monkeypatch.setenv("MLGATE_ALLOW_PICKLE", "1")
    assert build_inputs(load_config(config)).candidate is not None
    result = cli(
        ["check", "-c", str(config), "-o", str(demo_project / "rep"), "--allow-pickle"],
        env={"GITHUB_ACTIONS": "true", "GITHUB_EVENT_NAME": "pull_request", "MLGATE_ALLOW_PICKLE": ""},
    )
    assert result.exit_code in (0, 1), result.output


def _outside(root: Path, name: str, content: str) -> Path:
    target = root.parent / "outside" / name
    target.parent.mkdir(exist_ok=True)
    target.write_text(content, encoding="utf-8")
    return target


def test_a_schema_symlinked_out_of_the_repository_is_refused(demo_project: Path) -> None:
    link = demo_project / "schemas" / "eval.yaml"
    secret = _outside(demo_project, "secret.yaml", link.read_text(encoding="utf-8"))
    link.unlink()
    link.symlink_to(secret)
    with pytest.raises(
        InputError, match=r"schema: schemas/eval\.yaml: resolves to a file outside the repository"
    ):
        build_inputs_and_schema(load_config(demo_project / "mlgate.yaml"))
    trusted = Trust(allow_outside_repo=True)
    assert load_schema("schemas/eval.yaml", "auto", demo_project, trusted).kind == "pandera-yaml"


def build_inputs_and_schema(loaded: Any) -> None:
    """The inputs load the schema for the schema gate, which raises the error met doing so."""
    from mlgate.gates.schema import SchemaGate

    section = loaded.config.schema_gate
    assert section is not None
    SchemaGate().run(build_inputs(loaded), section)


def test_a_python_schema_file_symlinked_out_is_refused_and_not_imported(demo_project: Path) -> None:
    sentinel = _schema_module(demo_project)
    moved = _outside(demo_project, "s.py", SCHEMA_MODULE)
    (demo_project / "schemas" / "s.py").unlink()
    (demo_project / "schemas" / "s.py").symlink_to(moved)
    with pytest.raises(InputError, match=r"schemas/s\.py:S: resolves to a file outside the repository"):
        load_schema("schemas/s.py:S", "auto", demo_project, Trust())
    assert not sentinel.exists() and not moved.with_name("imported").exists()


@pytest.mark.parametrize(
    ("old", "new", "key"),
    [
        ("  eval: data/eval.csv", "  eval: {}", "data.eval"),
        ("  reference: data/train.csv", "  reference: {}", "data.reference"),
        ("  predictions: out/candidate.csv", "  predictions: {}", "candidate.predictions"),
    ],
    ids=["eval", "reference", "predictions"],
)
@pytest.mark.parametrize("how", ["symlink", "dotdot", "absolute"])
def test_input_paths_out_of_the_repository_are_refused(
    demo_project: Path, old: str, new: str, key: str, how: str
) -> None:
    source = demo_project / old.split(": ")[1]
    target = _outside(demo_project, source.name, source.read_text(encoding="utf-8"))
    if how == "symlink":
        source.unlink()
        source.symlink_to(target)
        value = old.split(": ")[1]
    else:
        value = f"../outside/{target.name}" if how == "dotdot" else str(target)
    config = _with(demo_project, old, new.format(value))
    with pytest.raises(
        InputError, match=rf"{key}: {value}: resolves to a file outside the repository"
    ) as err:
        build_inputs(load_config(config))
    assert err.value.hint is not None and "--allow-outside-repo" in err.value.hint
    assert build_inputs(load_config(config, Trust(allow_outside_repo=True))).eval is not None


def test_outside_paths_allowed_by_the_environment(
    demo_project: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = _outside(
        demo_project, "eval.csv", (demo_project / "data" / "eval.csv").read_text(encoding="utf-8")
    )
    config = _with(demo_project, "  eval: data/eval.csv", f"  eval: {target}")
    monkeypatch.setenv("MLGATE_ALLOW_OUTSIDE_REPO", "1")
    assert build_inputs(load_config(config)).eval is not None


def test_a_config_symlinked_out_of_the_repository_is_refused(demo_project: Path, tmp_path: Path) -> None:
    target = _outside(demo_project, "mlgate.yaml", (demo_project / "mlgate.yaml").read_text(encoding="utf-8"))
    (demo_project / "mlgate.yaml").unlink()
    (demo_project / "mlgate.yaml").symlink_to(target)
    with pytest.raises(InputError, match=r"config: .*mlgate\.yaml: resolves to a file outside the repo"):
        load_config(demo_project / "mlgate.yaml")


@pytest.mark.parametrize(
    ("env", "privileged"),
    [
        ({"GITHUB_EVENT_NAME": "pull_request"}, False),
        ({"GITHUB_EVENT_NAME": "push"}, False),
        ({"MLGATE_UNTRUSTED": "0"}, False),
        ({"MLGATE_UNTRUSTED": "yes"}, True),
        ({**GITLAB_FORK, "CI_MERGE_REQUEST_SOURCE_PROJECT_ID": "100"}, False),
        (GITLAB_FORK, True),
    ],
    ids=["pull_request", "push", "untrusted-0", "untrusted-yes", "gitlab-same-project", "gitlab-fork"],
)
def test_privileged_reason(env: dict[str, str], privileged: bool) -> None:
    assert (privileged_reason(env) is not None) is privileged
