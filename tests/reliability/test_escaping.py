"""Nothing from data or config reaches stdout/stderr as a workflow command, escape sequence or bidi control.

The reader of the log is modelled here from its own sources, independently of mlgate's escaping:

- GitHub's runner (actions/runner, src/Runner.Common/ActionCommand.cs) splits the output at LF and
  CR; ``TryParseV2`` takes a line for a command when it starts with ``::`` after ``TrimStart()``,
  ``TryParse`` when ``##[`` occurs anywhere in it.
- GitLab's job log folds a section at ``section_start:<time>:<name>[options]\\r\\e[0K``
  (lib/gitlab/regex.rb, ``build_trace_section_regex``).
"""

from __future__ import annotations

import re
import shutil
import warnings
from pathlib import Path
from typing import Any

import click
import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from mlgate._cli._common import handle_errors
from mlgate.errors import ConfigError, InputError
from mlgate.publish.local import annotation_lines
from mlgate.render.terminal import render_terminal
from mlgate.result import Check, GateResult, Provenance, Report, Status

EVIL = (
    "7\n::add-mask::PASS\r::warning title=x::pwned\r\n  ::stop-commands::tok ##[add-mask]FAIL "
    "section_start:1:evil[collapsed=true]\r\x1b[0K\x1b]0;title\x07\x1b[2J\u202egnp.exe\u2028::error::y"
    "\x85::notice::z\u2066"
)
GITLAB_SECTION = re.compile(r"section_(?:start|end):\d+:[a-zA-Z0-9_.-]+(?:\[[^\]]*\])?\r\x1b\[0K")
BIDI = re.compile("[\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def runner_commands(output: str) -> list[str]:
    """The lines GitHub's runner would run as workflow commands."""
    lines = re.split(r"\r\n|\r|\n", output)
    return [line for line in lines if line.lstrip().startswith("::") or "##[" in line]


def assert_inert(output: str, *, own: tuple[str, ...] = ()) -> None:
    commands = [c for c in runner_commands(output) if not c.startswith(own or ("\0",))]
    assert commands == [], commands
    assert "\x1b" not in output and "\r" not in output and "\x9b" not in output
    assert not GITLAB_SECTION.search(output)
    assert not BIDI.search(output)
    assert "\u2028" not in output and "\x85" not in output


def _copy(demo_project: Path, tmp_path: Path) -> Path:
    root = tmp_path / "hostile"
    shutil.copytree(demo_project, root)
    return root


def test_error_message_quoting_a_prediction_id(demo_project: Path, tmp_path: Path) -> None:
    """A hostile id in the predictions file ends in an input error that quotes it (exit 2)."""
    preds = pd.read_csv(demo_project / "out/candidate.csv")
    preds["id"] = preds["id"].astype(str)
    preds.loc[0, "id"] = EVIL
    preds.to_csv(demo_project / "out/candidate.csv", index=False)
    for env in ({}, {"GITHUB_ACTIONS": "true"}):
        result = CliRunner().invoke(
            _main(), ["check", "-c", str(demo_project / "mlgate.yaml"), "-o", str(tmp_path / "r"),
                      "--publish", "none"], env=env,
        )
        assert result.exit_code == 2, result.output
        assert_inert(result.stderr)
        # mlgate's message is its own lines (the id is unknown, and the eval id it replaced has no
        # prediction: two problems, each with its hint): the value's line breaks add none.
        lines = result.stderr.splitlines()
        assert len(lines) == 5 and lines[0] == "mlgate: error: 2 problems in the inputs:"
        assert all(line.startswith(("  - out/candidate.csv: ", "    hint: ")) for line in lines[1:])
        assert "\\n::add-mask::PASS" in lines[1]  # shown, escaped, so the reader sees what the id holds
        if env:
            # The one workflow command is mlgate's own error annotation.
            own = "::error title=mlgate could not evaluate::"
            assert [c[: len(own)] for c in runner_commands(result.stdout)] == [own]
        else:
            assert result.stdout == ""


def test_report_title_and_column_names_in_the_terminal_summary(demo_project: Path) -> None:
    cfg: dict[str, Any] = yaml.safe_load((demo_project / "mlgate.yaml").read_text(encoding="utf-8"))
    cfg["report"]["title"] = "::add-mask::PASS"
    cfg["gates"]["slices"]["columns"] = ["purpose", EVIL]
    (demo_project / "mlgate.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")
    result = CliRunner().invoke(
        _main(), ["check", "-c", str(demo_project / "mlgate.yaml"), "-o", str(demo_project / "r"),
                  "--publish", "none"],
    )
    assert result.exit_code == 2, result.output
    assert "add-mask" in result.stdout and "pwned" in result.stdout  # shown, inert
    assert_inert(result.output)


def test_render_terminal_lines_are_never_commands() -> None:
    gate = GateResult(name=f"::add-mask::{EVIL}", summary=EVIL,
                      checks=(Check(name=EVIL, status=Status.FAIL, message=EVIL),))
    report = Report(gates=(gate,), provenance=Provenance(config_sha256="0" * 64, inputs={}),
                    mlgate_version=EVIL, title=f"  ::add-mask::{EVIL}")
    assert_inert(render_terminal(report, color=False))
    assert_inert(click.unstyle(render_terminal(report, color=True)))


def test_errors_are_one_inert_line() -> None:
    err = InputError(f"data/eval.csv: no column '{EVIL}'", hint=f"columns found: {EVIL}")
    lines = str(err).split("\n")
    assert len(lines) == 2 and lines[1].startswith("  hint: ")
    assert_inert(str(err))
    # A config error keeps one line per problem, and only those.
    cfg = ConfigError(f"mlgate.yaml:3: a: {EVIL}\nmlgate.yaml:4: b: unknown key")
    assert len(str(cfg).split("\n")) == 2
    assert_inert(str(cfg))


@pytest.mark.parametrize("raise_", [InputError, KeyError, "warning"])
def test_the_cli_prints_errors_and_warnings_inert(raise_: Any) -> None:
    @click.command()
    @click.option("--debug", is_flag=True)
    @handle_errors
    def cmd(debug: bool) -> None:
        if raise_ == "warning":
            # Libraries quote data in warnings too (scikit-learn: "Found unknown categories [...]").
            warnings.warn(f"Found unknown categories [{EVIL!s}]", UserWarning, stacklevel=1)
            return
        raise raise_(EVIL)

    for args in ([], ["--debug"]):
        result = CliRunner().invoke(cmd, args)
        assert_inert(result.output)
        assert "add-mask" in result.output


def test_annotations_carry_data_inside_one_command_each() -> None:
    gate = GateResult(name=EVIL, error=EVIL,
                      checks=(Check(name=EVIL, status=Status.FAIL, message=EVIL),
                              Check(name="w", status=Status.WARN, message=EVIL)))
    report = Report(gates=(gate,), provenance=Provenance(config_sha256="0" * 64, inputs={}),
                    mlgate_version="t")
    lines = annotation_lines(report)
    assert len(lines) == 3
    for line in lines:
        assert runner_commands(line) == [line] and line.startswith(("::error title=", "::warning title="))
        assert "##[" not in line and not BIDI.search(line) and "\x1b" not in line


def _main() -> click.Group:
    from mlgate._cli import main

    return main
