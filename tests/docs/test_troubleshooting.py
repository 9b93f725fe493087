"""docs/troubleshooting.md quotes the real messages: each case is reproduced on the demo project and the
page's text block must equal what mlgate prints now."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.conftest import run_cli
from tests.docs.examples import DOCS, examples

PAGE = DOCS / "troubleshooting.md"


def _edit(old: str, new: str) -> Callable[[Path], list[str]]:
    def setup(project: Path) -> list[str]:
        cfg = project / "mlgate.yaml"
        text = cfg.read_text(encoding="utf-8")
        assert old in text, f"the demo config no longer contains {old!r}: update this case"
        cfg.write_text(text.replace(old, new, 1), encoding="utf-8")
        return ["check"]

    return setup


def _short_predictions(project: Path) -> list[str]:
    rows = (project / "out" / "candidate.csv").read_text(encoding="utf-8").splitlines()
    (project / "short.csv").write_text("\n".join(rows[:-5]) + "\n", encoding="utf-8")
    return _edit("out/candidate.csv", "short.csv")(project)


def _fifo(project: Path) -> list[str]:
    os.mkfifo(project / "data" / "pipe.csv")
    return _edit("data/eval.csv", "data/pipe.csv")(project)


def _pickle(project: Path) -> list[str]:
    (project / "models").mkdir()
    (project / "models" / "candidate.pkl").write_bytes(b"not loaded")
    return _edit("  predictions: out/candidate.csv", "  model: models/candidate.pkl")(project)


def _outside(project: Path) -> list[str]:
    shutil.copy(project / "data" / "eval.csv", project.parent / "eval.csv")
    return _edit("data/eval.csv", "../eval.csv")(project)


def _several_problems(project: Path) -> list[str]:
    """A label missing in one row, the required ``age`` and ``sex`` empty in others."""
    import csv
    import io

    path = project / "data" / "eval.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    head = rows[0]
    rows[1][head.index("credit")] = ""
    rows[3][head.index("age")] = rows[5][head.index("age")] = ""
    rows[4][head.index("sex")] = ""
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")
    return ["check"]


CASES: dict[str, Callable[[Path], list[str]]] = {
    "missing-config": lambda project: ["check", "-c", "mlgate.yml"],
    "typo": _edit("accuracy: {min", "acuracy: {min"),
    "no-positive": _edit("  positive: good\n", ""),
    "yaml-tab": _edit("  label: credit", "\tlabel: credit"),
    "eval-missing": _edit("data/eval.csv", "data/evaluation.csv"),
    "label-missing": _edit("label: credit", "label: target"),
    "pred-ids": _short_predictions,
    "several-problems": _several_problems,
    "positive-case": _edit("  positive: good\n", "  positive: Good\n"),
    "outside": _outside,
    "pickle": _pickle,
    "gitref": _edit("baseline/predictions.csv", "git:origin/main:baseline/predictions.csv"),
    "deep-config": _edit("task: binary\n", "task: binary\nextra: " + "[" * 100 + "]" * 100 + "\n"),
    "fifo": _fifo,
    "trust-key": _edit("task: binary\n", "task: binary\nallow_pickle: true\n"),
}


def documented() -> dict[str, str]:
    return {ex.marker_arg: ex.body for ex in examples(PAGE) if ex.marker == "error-case"}


def test_every_documented_case_is_reproduced() -> None:
    assert set(documented()) == set(CASES)


@pytest.mark.parametrize("case", sorted(CASES))
def test_page_quotes_the_real_message(case: str, demo_project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(demo_project)
    for var in ("CI", "GITHUB_ACTIONS", "GITLAB_CI", "GITHUB_EVENT_NAME"):
        monkeypatch.delenv(var, raising=False)
    args = CASES[case](demo_project)
    res = run_cli([*args, "-o", str(demo_project.parent / "report")])
    assert res.exit_code == 2, res.output
    actual = "\n".join(line.rstrip() for line in res.stderr.strip().splitlines() if "Warning" not in line
                       and "require_minimum_pandas_version" not in line)
    assert documented()[case].strip() == actual, f"troubleshooting.md ({case}) is out of date; now:\n{actual}"
