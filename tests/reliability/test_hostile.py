"""Hostile column names and values go through every renderer and come out inert.

The eval data of the demo project gets a hostile column name (a slice column) and hostile group
values (a sensitive attribute); the real gates then carry them into every output.
"""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import cmarkgfm
import pandas as pd
import yaml
from cmarkgfm.cmark import Options

from mlgate.publish.load import load_report_dir
from mlgate.publish.local import annotation_lines, code_quality
from mlgate.render.terminal import render_terminal

NAME = "<script>alert('n')</script>|@octocat #1 ::error::x\n`y` [z](http://e.vil)"
VALUE = '<img src=x onerror=alert(1)>|@admin #2 ::warning file=a::b =HYPERLINK("http://e.vil")'


def _config(root: Path) -> dict[str, Any]:
    out: dict[str, Any] = yaml.safe_load((root / "mlgate.yaml").read_text(encoding="utf-8"))
    return out


def test_hostile_strings_are_inert_everywhere(demo_project: Path, cli: Any) -> None:
    for rel in ("data/eval.csv", "data/train.csv"):
        frame = pd.read_csv(demo_project / rel, keep_default_na=False)
        frame = frame.rename(columns={"purpose": NAME})
        frame["sex"] = frame["sex"].replace({"female": VALUE})
        frame.to_csv(demo_project / rel, index=False)
    cfg = _config(demo_project)
    cfg.pop("schema", None)
    cfg["gates"].pop("schema", None)
    cfg["gates"]["slices"]["columns"] = [NAME]
    cfg["gates"]["fairness"]["sensitive"] = ["sex"]
    cfg["gates"]["fairness"]["intersections"] = []
    (demo_project / "mlgate.yaml").write_text(yaml.safe_dump(cfg, sort_keys=False), encoding="utf-8")

    out = demo_project / "report"
    result = cli(["check", "-c", str(demo_project / "mlgate.yaml"), "-o", str(out), "--publish", "none"])
    assert result.exit_code in (0, 1), result.output
    data = json.loads((out / "scorecard.json").read_text(encoding="utf-8"))
    everything = json.dumps(data)
    assert "onerror" in everything and "octocat" in everything, "the hostile strings must reach the report"

    md = (out / "scorecard.md").read_text(encoding="utf-8")
    html = cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)
    for bad in ("<script", "<img", "@octocat", "@admin", "#1 ", '<a href="http://e.vil'):
        assert bad not in html, bad
    assert "onerror" in html  # present, as inert text

    page = (out / "scorecard.html").read_text(encoding="utf-8")
    assert "<script>alert" not in page and "<img src=x" not in page
    assert "&lt;script&gt;" in page or "&lt;img" in page

    ET.fromstring((out / "junit.xml").read_text(encoding="utf-8"))

    report, _ = load_report_dir(out)
    lines = annotation_lines(report)
    assert lines, "failing or warning checks become annotations"
    for line in lines:
        # One workflow command per line: data cannot start another command on a new line.
        assert "\n" not in line and "\r" not in line
        assert line.startswith(("::error", "::warning", "::notice"))
    json.dumps(code_quality(report))

    terminal = render_terminal(report, color=True)
    assert "\x1b]" not in terminal  # no OSC sequences from data
