"""The comment as GitHub shows it: cmark-gfm's HTML with GitHub's stylesheet (npm
``github-markdown-css``), laid out and screenshot in headless Chromium, measured with every
``<details>`` closed (as a reviewer first sees it)."""

from __future__ import annotations

import base64
import os
import shutil
from pathlib import Path

import cmarkgfm
import numpy as np
import pytest
from cmarkgfm.cmark import Options

from mlgate.result import Report
from tests.conftest import ROOT, require
from tests.render.browser import CDP, Browser, decode_png
from tests.render.comment_reports import (
    comment,
    failing_four_gate_report,
    make_failing,
    run_project,
    warned_report,
)
from tests.render.test_html_browser import _ink, load

pytestmark = pytest.mark.system

WINDOW = 1280  # px: the browser window of issue 19's budget
# The comment's text column in GitHub's pull-request page at that window: the 1,280 px layout less
# the sidebar, the avatar gutter and the comment box's padding (16 px).
COLUMN = 860
MAX_HEIGHT = 1_000  # px, sections closed: a typical four-gate comment (issue 19)
# The demo has five gates and ten warnings, every one listed on its own line.
DEMO_MAX_HEIGHT = 1_300
CSS = Path("github-markdown-css") / "github-markdown-light.css"


def stylesheet() -> str:
    """GitHub's markdown CSS from node_modules: this checkout's, or the one whose ``.bin`` is on PATH."""
    candidates = [ROOT / "node_modules" / CSS]
    for entry in os.environ.get("PATH", "").split(os.pathsep):
        if entry.endswith(os.path.join("node_modules", ".bin")):
            candidates.append(Path(entry).parent / CSS)
    found = next((c for c in candidates if c.is_file()), None)
    require(found is not None, "npm package github-markdown-css is not installed (scripts/install-tools.sh)")
    assert found is not None
    return found.read_text(encoding="utf-8")


def page_html(markdown: str, css: str) -> str:
    # GitHub renders comments with cmark-gfm (tables, autolinks, tag filter) and keeps <details>,
    # <summary>, <b> and <sub> through its sanitizer; unsafe mode keeps them here too.
    body = cmarkgfm.github_flavored_markdown_to_html(markdown, options=Options.CMARK_OPT_UNSAFE)
    return (
        '<!DOCTYPE html><html><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" "
        "content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<style>{css}</style><style>body{{margin:0}}"
        f".markdown-body{{box-sizing:border-box;max-width:{COLUMN}px;padding:16px}}</style></head>"
        f'<body><article class="markdown-body">{body}</article></body></html>'
    )


@pytest.fixture(scope="module")
def reports(demo_template: Path, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Report]:
    project = tmp_path_factory.mktemp("failing") / "project"
    shutil.copytree(demo_template, project)
    return {
        "demo": run_project(demo_template / "mlgate.yaml"),
        "failing": run_project(make_failing(project)),
        "four-gates-warn": warned_report(),
        "four-gates-fail": failing_four_gate_report(),
    }


def show(browser: Browser, tmp_path: Path, markdown: str) -> tuple[CDP, np.ndarray]:
    path = tmp_path / "comment.html"
    path.write_text(page_html(markdown, stylesheet()), encoding="utf-8")
    page = load(browser, path, width=WINDOW)
    height = page.evaluate("Math.ceil(document.documentElement.scrollHeight)")
    page.call("Emulation.setDeviceMetricsOverride", width=WINDOW, height=height, deviceScaleFactor=1,
              mobile=False)
    shot = page.call("Page.captureScreenshot", format="png")
    img = decode_png(base64.b64decode(shot["data"]))
    (tmp_path / "comment.png").write_bytes(base64.b64decode(shot["data"]))
    return page, img


@pytest.mark.parametrize("which", ["demo", "failing", "four-gates-warn", "four-gates-fail"])
def test_comment_fits_one_screen_with_sections_closed(
    browser: Browser, tmp_path: Path, reports: dict[str, Report], which: str
) -> None:
    page, img = show(browser, tmp_path, comment(reports[which]))
    assert page.evaluate("[...document.querySelectorAll('details')].every(d => !d.open)") is True
    height = page.evaluate(
        "Math.ceil(document.querySelector('.markdown-body').getBoundingClientRect().height)")
    limit = MAX_HEIGHT if which.startswith("four-gates") else DEMO_MAX_HEIGHT
    assert height <= limit, f"{which}: {height} px tall"
    assert img.shape[0] >= height - 2 and _ink(img) > 0.02  # something was painted, not a blank page
    # Nothing wider than the column: GitHub would scroll the tables sideways.
    overflow = page.evaluate(
        "[...document.querySelectorAll('.markdown-body > *')].filter(e => e.scrollWidth > e.clientWidth + 1)"
        ".map(e => e.tagName)")
    assert overflow == [], overflow


def test_height_check_catches_an_unfolded_comment(
    browser: Browser, tmp_path: Path, reports: dict[str, Report]
) -> None:
    """Control: the same demo comment with its sections open is far taller, so the budget can fail."""
    text = comment(reports["demo"]).replace("<details>", "<details open>")
    page, _ = show(browser, tmp_path, text)
    height = page.evaluate("document.querySelector('.markdown-body').getBoundingClientRect().height")
    assert height > 3 * MAX_HEIGHT
