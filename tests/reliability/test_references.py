"""No data text becomes a live mention, cross-reference or link on GitHub or GitLab; no bidi control survives.

cmark-gfm (GitHub's renderer) shows the links that markdown itself makes: the HTML must have no
``<a``. Mentions and references are linked later, on the server, in the rendered text; the patterns
below are written from the platforms' documentation, independently of mlgate's escaping, and must
not match that text:

- GitHub Docs, "Autolinked references and URLs": URLs; ``#26``, ``GH-26``, ``owner/repo#26``;
  commit SHAs (``a5c3785``, ``user@sha``, ``owner/repo@sha``); and ``@user`` mentions.
- GitLab Docs, "GitLab Flavored Markdown", GitLab-specific references and URL auto-linking.
"""

from __future__ import annotations

import html as html_lib
import json
import re
import xml.etree.ElementTree as ET

import cmarkgfm
import pytest
from cmarkgfm.cmark import Options

from mlgate.publish.local import annotation_lines, code_quality
from mlgate.render import mermaid, svg
from mlgate.render.charts import Bar, BarPanel
from mlgate.render.html import render_html
from mlgate.render.junit import render_junit
from mlgate.render.markdown import render_markdown
from mlgate.render.terminal import render_terminal
from mlgate.result import Check, GateResult, Provenance, Report, Status, Table
from mlgate.views import ChartKind

SHA = "a5c3785ed8d6a35868bc169f07e40e889087fd2e"
REFS = [
    "@octocat", "@org/team", "@all", "ping @octocat!", "mail me@e.vil.com",
    "#26", "x #26", "GH-26", "gh-26", "GL-26", "jlord/sheetsee.js#26", "sheetsee.js#26",
    "!123", "group/project!123", "$123", "group/project$123", "&123", "group&123",
    "~bug", '~"feature request"', "~123", "group/project~bug", "%v1.23", '%"release candidate"', "%123",
    "^alert#123", '*iteration:"sprint"', "gitlab-org/gitlab>", "[issue:123]", "[work_item:group/p/1]",
    "[epic:1]", "[vulnerability:1]", "[[Home]]",
    SHA, SHA[:7], f"user@{SHA[:12]}", f"jlord/sheetsee.js@{SHA}", f"{SHA[:8]}...{SHA[8:16]}",
    "https://e.vil/x", "http://e.vil", "ftp://e.vil", "smb://e.vil/share", "irc://e.vil", "www.e.vil.com",
    "mailto:a@e.vil", "<https://e.vil>", "[click](https://e.vil)", "![img](https://e.vil/p.png)",
]
GITHUB = {
    "mention": r"(?<![\w`])@[A-Za-z0-9][A-Za-z0-9-]*",
    "issue": r"(?<![\w&])#\d+\b",
    "cross-repo issue": r"[\w.-]+/[\w.-]+#\d+",
    "GH-": r"(?i)\bGH-\d+\b",
    # 7 to 40 hex digits; plain numbers are left alone on purpose (none in REFS), see escape.py.
    "commit": r"(?<![0-9A-Za-z_])[0-9a-fA-F]{7,40}(?![0-9A-Za-z_])",
    "url": r"(?i)\b(?:https?|ftp)://|\bwww\.",
    "email": r"[\w.+-]+@[\w-]+\.[\w.-]+",
}
GITLAB = {
    "user or group": r"@[\w.-]+",
    "project": r"[\w.-]+/[\w.-]+>",
    "issue": r"#\d+",
    "GL-": r"(?i)\bGL-\d+",
    "typed reference": r"\[(?:issue|work_item|epic|vulnerability|feature_flag|cadence|contact|wiki_page):",
    "wiki": r"\[\[",
    "merge request": r"!\d+",
    "snippet": r"\$\d+",
    "epic": r"&\d+",
    "iteration": r"\*iteration:",
    "label": r'~(?:\d+|[\w-]+|"[^"]+")',
    "milestone": r'%(?:\d+|[\w.-]+|"[^"]+"|\*)',
    "alert": r"\^alert#\d+",
    "commit": r"(?<![0-9A-Za-z_])[0-9a-fA-F]{7,40}(?![0-9A-Za-z_])",
    "url": r"(?i)\b[a-z][a-z0-9+.-]*://",
}
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
BIDI_RE = re.compile(f"[{BIDI}]")


def report_with(values: list[str]) -> Report:
    text = " ".join(values)
    checks = tuple(
        Check(name=v, status=Status.FAIL, message=f"value {v} failed", attribute=v, group=v) for v in values
    )
    gate = GateResult(name="schema", summary=text, checks=checks, notes=(text,),
                      tables=(Table(title=text, headers=("row", text), rows=tuple((i, v) for i, v in
                                                                                   enumerate(values))),))
    broken = GateResult(chart=ChartKind.COLUMNS, name="drift", error=f"data.reference: {text}")
    # No hashes: the footer's own (mlgate-computed) sha256 is not data.
    return Report(gates=(gate, broken), provenance=Provenance(config_sha256="", inputs={}),
                  mlgate_version="t", title=text[:150])


def rendered_text(markdown: str) -> tuple[str, str]:
    """(HTML as cmark-gfm renders it, the text the server-side reference filters see)."""
    page = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    text = html_lib.unescape(re.sub(r"<[^>]*>", " ", page))
    return page, text


@pytest.mark.parametrize("value", REFS)
def test_no_reference_survives_in_the_scorecard(value: str) -> None:
    page, text = rendered_text(render_markdown(report_with([value])))
    assert "<a " not in page and "<img" not in page, value
    for platform, patterns in (("GitHub", GITHUB), ("GitLab", GITLAB)):
        for kind, pattern in patterns.items():
            found = re.findall(pattern, text)
            assert not found, f"{platform} {kind} reference in {value!r}: {found}"
    # The value is still readable: only zero-width spaces were added.
    assert value.replace(" ", "")[:6] in text.replace("\u200b", "").replace(" ", "")


def test_the_step_summary_error_has_no_reference() -> None:
    from mlgate.escape import md

    page, text = rendered_text(md(" ".join(REFS), max_len=10_000))
    assert "<a " not in page
    for pattern in [*GITHUB.values(), *GITLAB.values()]:
        assert not re.search(pattern, text), pattern


def test_bidi_controls_are_removed_in_every_output() -> None:
    values = [f"evil{ch}gnp.exe" for ch in BIDI]
    report = report_with(values)
    bars = tuple(Bar(label=v, value=0.5, status=Status.FAIL) for v in values)
    outputs = {
        "markdown": render_markdown(report, charts=mermaid.mermaid_charts(report)),
        "html": render_html(report),
        "junit": render_junit(report),
        "terminal": render_terminal(report, color=False),
        "annotations": "\n".join(annotation_lines(report)),
        "code quality": json.dumps(code_quality(report), ensure_ascii=False),
        "mermaid": mermaid.label(values[4]) + mermaid.group_chart(BarPanel(title=values[0], bars=bars)),
        "svg": svg.bar_chart(BarPanel(title=values[0], bars=(Bar(label=values[3], value=1.0,
                                                                   status=Status.PASS, note=values[5]),))),
    }
    for name, out in outputs.items():
        assert not BIDI_RE.search(out), name
        assert "gnp.exe" in out, name  # the text itself is still there
    ET.fromstring(outputs["junit"])
