"""Mermaid xychart blocks: valid structure, data cannot break out, and the markdown still renders."""

from __future__ import annotations

import re

import cmarkgfm
from cmarkgfm.cmark import Options
from hypothesis import given
from hypothesis import strategies as st

from mlgate.render.markdown import render_markdown
from mlgate.render.mermaid import label, mermaid_charts, number
from tests.render.chart_sample import MERMAID_HOSTILE, chart_report
from tests.render.sample import HOSTILE, sample_report

# One line of an xychart block, per the grammar in mermaid's xychart.jison.
STRING = r'"[^"`\n]*"'
NUM = r"-?\d+(?:\.\d+)?"
LINE = re.compile(
    rf"^(xychart-beta|    title {STRING}|    x-axis \[{STRING}(?:, {STRING})*\]"
    rf"|    y-axis {STRING} {NUM} --> {NUM}|    (?:bar|line) \[{NUM}(?:, {NUM})*\])$"
)


FRONTMATTER = re.compile(
    r'---\nconfig:\n  theme: base\n  themeVariables:\n    xyChart:\n'
    r'      plotColorPalette: "#[0-9A-F]{6}, #000000"\n---\n'
)


def blocks(md: str) -> list[list[str]]:
    """Each chart's xychart lines, after its fixed frontmatter (the colours; no data in it)."""
    found = re.findall(r"```mermaid\n(.*?)\n```", md, re.S)
    assert all(FRONTMATTER.match(b) for b in found)
    return [FRONTMATTER.sub("", b, count=1).split("\n") for b in found]


def test_bars_take_the_colour_of_the_worst_status() -> None:
    text = mermaid_charts(chart_report())
    palettes = re.findall(r'plotColorPalette: "(#[0-9A-F]{6}), #000000"', text)
    # The metric chart holds a failing metric: vermillion; a passing fairness panel: bluish green.
    assert palettes[0] == "#D55E00" and set(palettes) <= {"#009E73", "#E69F00", "#D55E00"}


def test_blocks_have_the_xychart_structure() -> None:
    text = mermaid_charts(chart_report())
    found = blocks(text)
    assert len(found) == 4  # metrics + three fairness panels
    for lines in found:
        assert lines[0] == "xychart-beta"
        bad = [ln for ln in lines if not LINE.match(ln)]
        assert bad == [], bad
        cats = re.findall(STRING, next(ln for ln in lines if ln.startswith("    x-axis")))
        for series in (ln for ln in lines if ln.lstrip().startswith(("bar", "line"))):
            assert len(re.findall(NUM, series)) == len(cats)
    # Candidate bars, baseline line, on a shared 0..1 axis.
    metrics = found[0]
    assert metrics[2] == '    x-axis ["accuracy", "roc_auc", "log_loss"]'
    # The axis spans the data on round steps (0.55 to 0.8 here), not 0 to 1.
    assert metrics[3] == '    y-axis "metric value" 0.4 --> 0.9'
    assert metrics[4:6] == ["    bar [0.77, 0.74, 0.66]", "    line [0.76, 0.8, 0.55]"]


def test_hostile_labels_cannot_break_the_block() -> None:
    text = mermaid_charts(chart_report())
    assert text.count("```") == 2 * len(blocks(text))
    for bad in ("%%", "<script", "#quot;", "`x`", "init:"):
        assert bad not in "\n".join("\n".join(b) for b in blocks(text))
    assert "@octocat" not in text  # the text description goes through markdown escaping


ENTITY = re.compile(r"#(\d+);")


@given(st.text())
def test_any_label_is_one_safe_quoted_string(s: str) -> None:
    out = label(s)
    assert re.fullmatch(STRING, out), out
    inner = out[1:-1]
    # Specials appear only as Mermaid entity codes (#60;), which Mermaid draws as the character.
    bare = ENTITY.sub("", inner)
    assert not set(bare) & set("\"'`%#;:<>&{}[]|*\\\n\r"), bare
    assert "ﬂ°" not in inner and "¶ß" not in inner  # Mermaid's own entity placeholders
    decoded = ENTITY.sub(lambda m: chr(int(m.group(1))), inner)
    assert set(decoded) - set(bare) <= set("\"'`#;%&<>[]{}|\\*:")


def test_labels_use_mermaid_entity_codes_not_lookalikes() -> None:
    assert label("<25") == '"#60;25"'
    assert label("sex & age_group") == '"sex #38; age_group"'
    assert label('a "b"') == '"a #34;b#34;"'
    assert label("%%{init: x}%%") == '"#37;#37;#123;init#58; x#125;#37;#37;"'
    # No full-width look-alikes (U+FF01-FF5E) are written, and data holding them loses them.
    out = mermaid_charts(chart_report())
    assert not any("\uff01" <= ch <= "\uff5e" for ch in out)
    assert label("＜25") == '"25"'


def test_numbers_are_plain_decimals() -> None:
    assert number(1e-9) == "0" and number(-0.00001) == "0" and number(12345.678) == "12345.678"
    assert number(0.5) == "0.5"


def test_report_without_chartable_gates_has_no_block() -> None:
    assert mermaid_charts(sample_report().__class__(gates=(), provenance=sample_report().provenance,
                                                    mlgate_version="t")) == ""


def test_markdown_with_charts_renders_with_cmark_gfm() -> None:
    md = render_markdown(chart_report(), charts=mermaid_charts(chart_report()))
    html = cmarkgfm.github_flavored_markdown_to_html(md, options=Options.CMARK_OPT_UNSAFE)
    # Each chart is one code block GitHub hands to Mermaid; the tables around it still render.
    assert html.count('<pre lang="mermaid">') == 4 or html.count('class="language-mermaid"') == 4
    assert html.count("<table>") >= 4
    assert "xychart-beta" in html and "<script" not in html
    codes = [b.replace("&quot;", '"').replace("&gt;", ">")
             for b in re.findall(r'<pre lang="mermaid"><code>(.*?)</code>', html, re.S)]
    assert len(codes) == 4
    for b in codes:
        assert FRONTMATTER.match(b) and FRONTMATTER.sub("", b, count=1).startswith("xychart-beta\n")
    assert HOSTILE not in md and MERMAID_HOSTILE not in md
