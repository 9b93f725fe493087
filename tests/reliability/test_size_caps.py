"""Reports and messages stay bounded whatever the data: every value is cut with a visible marker.

One 300,000-character value used to make a 28 MB scorecard.md (it is repeated in check names,
messages, table cells and charts). The caps are documented in docs/reliability.md.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import yaml
from click.testing import CliRunner

from mlgate.errors import InputError
from mlgate.publish.local import annotation_lines
from mlgate.render.html import render_html
from mlgate.render.junit import render_junit
from mlgate.render.markdown import render_markdown
from mlgate.render.mermaid import mermaid_charts
from mlgate.render.terminal import render_terminal
from mlgate.result import Check, GateResult, Provenance, Report, Status, Table

MB = 1_000_000
BIG = 300_000
MARKER = re.compile(r"…\\?\[\u200b?truncated (\d{1,3}(?:,\d{3})*) chars\\?\]")


def _main() -> Any:
    from mlgate._cli import main

    return main


def test_one_huge_value_in_the_data_a_column_name_and_a_check_message(demo_project: Path) -> None:
    value, column = "V" * BIG, "C" * BIG
    for rel in ("data/eval.csv", "data/train.csv"):
        frame = pd.read_csv(demo_project / rel, keep_default_na=False)
        frame = frame.rename(columns={"purpose": column})
        frame["sex"] = frame["sex"].replace({"female": value})  # a group of the fairness gate
        # Not an allowed value: the schema gate's check message quotes it.
        frame["checking_status"] = frame["checking_status"].replace({"no checking account": "X" + value})
        frame.to_csv(demo_project / rel, index=False)
    schema = yaml.safe_load((demo_project / "schemas/eval.yaml").read_text(encoding="utf-8"))
    schema["columns"][column] = schema["columns"].pop("purpose")
    (demo_project / "schemas/eval.yaml").write_text(yaml.safe_dump(schema), encoding="utf-8")
    cfg: dict[str, Any] = yaml.safe_load((demo_project / "mlgate.yaml").read_text(encoding="utf-8"))
    cfg["gates"]["slices"]["columns"] = [column]
    cfg["gates"]["fairness"]["sensitive"] = ["sex"]
    cfg["gates"]["fairness"]["intersections"] = []
    (demo_project / "mlgate.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")

    out = demo_project / "report"
    result = CliRunner().invoke(
        _main(), ["check", "-c", str(demo_project / "mlgate.yaml"), "-o", str(out), "--publish", "none"]
    )
    assert result.exit_code in (0, 1), result.output
    assert len(result.output) < 20_000
    assert "V" * BIG in (out / "scorecard.json").read_text(encoding="utf-8")  # the data contract keeps it
    md = (out / "scorecard.md").read_text(encoding="utf-8")
    assert len(md.encode("utf-8")) < MB
    assert MARKER.search(md) and "VVVVVVVVVV" in md.replace("\u200b", "")
    for name in ("scorecard.html", "junit.xml"):
        text = (out / name).read_text(encoding="utf-8")
        assert len(text.encode("utf-8")) < MB, name
        assert MARKER.search(text), name
    ET.fromstring((out / "junit.xml").read_text(encoding="utf-8"))


def _huge_report() -> Report:
    """Hundreds of checks and rows per gate, every string as long as it gets and full of characters that
    escaping makes longer (& becomes &amp; in HTML and XML, @ gets a zero-width space)."""
    nasty = "&@<\"'" * 60_000
    gates = tuple(
        GateResult(
            name=f"gate{g}",
            summary=nasty,
            checks=tuple(Check(name=nasty, status=Status.FAIL, message=nasty, attribute=nasty, group=nasty,
                               metric=nasty, value=0.5) for _ in range(300)),
            tables=tuple(Table(title=nasty, headers=(nasty,) * 8, rows=((nasty,) * 8,) * 300)
                         for _ in range(3)),
            notes=(nasty,) * 50,
            error=None,
        )
        for g in range(6)
    )
    return Report(gates=gates, provenance=Provenance(config_sha256="a" * 64, inputs={nasty: "b" * 64}),
                  mlgate_version="t", title=nasty)


@pytest.fixture(scope="module")
def huge() -> Report:
    return _huge_report()


def test_markdown_stays_under_1_mb(huge: Report) -> None:
    md = render_markdown(huge, charts=mermaid_charts(huge))
    assert len(md.encode("utf-8")) < MB
    assert md.startswith("<!-- mlgate:scorecard") and "FAIL" in md.split("\n")[1]


def test_html_and_junit_are_bounded(huge: Report) -> None:
    page = render_html(huge)
    assert len(page.encode("utf-8")) <= 5 * MB and page.rstrip().endswith("</html>")
    junit = render_junit(huge)
    assert len(junit.encode("utf-8")) <= 5 * MB
    root = ET.fromstring(junit)
    # The checks that are not listed are still counted as failing.
    assert int(root.get("failures") or 0) >= 6


def test_terminal_and_annotations_are_bounded(huge: Report) -> None:
    assert len(render_terminal(huge, color=False)) < 20_000
    lines = annotation_lines(huge)
    assert lines and all(len(line) < 10_000 for line in lines)


def test_error_messages_cut_values() -> None:
    err = InputError(f"data/eval.csv: no column '{'C' * BIG}'", hint=f"columns found: {'D' * BIG}")
    text = str(err)
    assert len(text) < 5_000
    assert MARKER.search(text)
    assert text.startswith("data/eval.csv: no column 'CCC")


def test_a_huge_prediction_id_in_an_error_on_stderr(demo_project: Path, tmp_path: Path) -> None:
    preds = pd.read_csv(demo_project / "out/candidate.csv")
    preds["id"] = preds["id"].astype(str)
    preds.loc[0, "id"] = "I" * BIG
    preds.to_csv(demo_project / "out/candidate.csv", index=False)
    args = ["check", "-c", str(demo_project / "mlgate.yaml"), "-o", str(tmp_path / "r"), "--publish", "none"]
    result = CliRunner().invoke(_main(), args)
    assert result.exit_code == 2
    assert len(result.stderr) < 5_000 and MARKER.search(result.stderr), result.stderr[:500]
