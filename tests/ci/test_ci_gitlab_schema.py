"""GitLab templates against GitLab's CI schema (check-jsonschema's vendored ``vendor.gitlab-ci``).

A component is two YAML documents: the ``spec:`` header, and jobs with ``$[[ inputs.x ]]`` placeholders
(https://docs.gitlab.com/ci/inputs/). Each is validated; the jobs after interpolating the inputs' defaults
and after interpolating other values, the way GitLab does before validating the pipeline.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from envs import ROOT

from tests.conftest import require

COMPONENTS = sorted([*ROOT.glob("templates/*/template.yml"), *ROOT.glob("templates/*.yml")])
CLASSIC = [ROOT / "templates/legacy/mlgate.gitlab-ci.yml", ROOT / "templates/gitlab/mlgate.gitlab-ci.yml"]
PLACEHOLDER = re.compile(r"\$\[\[\s*inputs\.([\w-]+)\s*\]\]")


def validate(paths: list[Path]) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("check-jsonschema")
    require(exe.exists(), "check-jsonschema is not installed (pip install -e .[dev])")
    return subprocess.run([str(exe), "--builtin-schema", "vendor.gitlab-ci", *map(str, paths)],
                          capture_output=True, text=True, timeout=120)


def split(path: Path) -> tuple[dict[str, Any], str]:
    header, body = path.read_text(encoding="utf-8").split("\n---\n", 1)
    return yaml.safe_load(header), body


def interpolate(body: str, values: dict[str, Any]) -> str:
    def one(match: re.Match[str]) -> str:
        value = values[match.group(1)]
        return str(value).lower() if isinstance(value, bool) else str(value)

    return PLACEHOLDER.sub(one, body)


def test_components_exist() -> None:
    assert {p.parent.name for p in COMPONENTS} >= {"check", "baseline"}


@pytest.mark.parametrize("path", COMPONENTS, ids=lambda p: p.parent.name)
def test_component_header_and_jobs_match_gitlabs_schema(path: Path, tmp_path: Path) -> None:
    spec, body = split(path)
    inputs = spec["spec"]["inputs"]
    used = set(PLACEHOLDER.findall(body))
    assert used == set(inputs), "every input is used and every placeholder is declared"
    for name, declared in inputs.items():
        assert declared.get("description"), f"input {name} needs a description"
        assert "default" in declared, f"input {name}: a default keeps the component usable as is"

    header_file = tmp_path / "header.yml"
    header_file.write_text(yaml.safe_dump(spec))
    defaults = {k: v["default"] for k, v in inputs.items()}
    others = {k: ("custom-" + str(v) if isinstance(v, str) else not v) for k, v in defaults.items()}
    others.update({k: v["options"][-1] for k, v in inputs.items() if "options" in v})
    files = [header_file]
    for label, values in (("defaults", defaults), ("others", others)):
        jobs = tmp_path / f"jobs-{label}.yml"
        jobs.write_text(interpolate(body, values))
        assert yaml.safe_load(jobs.read_text()), label
        files.append(jobs)
    proc = validate(files)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_classic_templates_match_gitlabs_schema() -> None:
    proc = validate(CLASSIC)
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_schema_check_is_really_checking(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yml"
    bad.write_text("job:\n  script: [echo]\n  artifacts:\n    reports:\n      junit: 3\n  when: sometimes\n")
    proc = validate([bad])
    assert proc.returncode == 1
    assert "job" in proc.stdout


def test_check_component_publishes_the_merge_request_reports() -> None:
    _, body = split(ROOT / "templates/check/template.yml")
    job = yaml.safe_load(body)["mlgate-check"]
    assert job["rules"] == [{"if": '$CI_PIPELINE_SOURCE == "merge_request_event"'}]
    reports = job["artifacts"]["reports"]
    assert reports["junit"].endswith("/junit.xml")
    assert reports["codequality"].endswith("/gl-code-quality-report.json")
    assert job["artifacts"]["when"] == "always"
    # Inputs reach the script through variables, never pasted into the shell text.
    assert not any("$[[" in line for line in job["script"])
