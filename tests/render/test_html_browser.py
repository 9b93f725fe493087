"""scorecard.html in real headless Chromium: no console errors, no requests, a non-blank page, phone width."""

from __future__ import annotations

import base64
import subprocess
from pathlib import Path

import numpy as np
import pytest

from mlgate.render.html import render_html
from tests.conftest import require_browser
from tests.render.browser import CDP, FLAGS, Browser, decode_png
from tests.render.chart_sample import chart_report
from tests.render.sample import sample_report

pytestmark = pytest.mark.system

VERMILLION, GREEN = (0xD5, 0x5E, 0x00), (0x00, 0x9E, 0x73)


def load(browser: Browser, path: Path, width: int = 1024, mobile: bool = False) -> CDP:
    page = browser.page()
    for domain in ("Page", "Runtime", "Log", "Network"):
        page.call(f"{domain}.enable")
    page.call("Emulation.setDeviceMetricsOverride", width=width, height=900, deviceScaleFactor=1,
              mobile=mobile)
    page.call("Page.navigate", url=path.resolve().as_uri())
    page.wait_for("Page.loadEventFired")
    page.evaluate("1")  # drain events queued during load
    return page


def problems(page: CDP, own_url: str) -> list[str]:
    out = []
    for ev in page.events:
        m, p = ev["method"], ev["params"]
        if m == "Runtime.exceptionThrown":
            out.append(f"exception: {p['exceptionDetails'].get('text')}")
        elif m == "Runtime.consoleAPICalled" and p["type"] in ("error", "warning", "assert"):
            out.append(f"console.{p['type']}")
        elif m == "Log.entryAdded" and p["entry"]["level"] in ("error", "warning"):
            out.append(f"log: {p['entry']['text']}")
        elif m == "Network.requestWillBeSent" and p["request"]["url"] != own_url:
            out.append(f"request: {p['request']['url']}")
    return out


@pytest.mark.parametrize("make", [chart_report, sample_report], ids=["charts", "hostile"])
def test_page_loads_clean_offline(browser: Browser, tmp_path: Path, make) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "scorecard.html"
    path.write_text(render_html(make()), encoding="utf-8")
    page = load(browser, path)
    assert problems(page, path.resolve().as_uri()) == []
    assert page.evaluate("document.querySelectorAll('script,img,iframe,object,embed').length") == 0
    # The hostile strings are shown as text, not parsed as markup.
    assert page.evaluate("document.body.innerText.includes('<img src=x onerror=alert(1)>')") is True
    assert page.evaluate("document.title").endswith(make().status.value.upper())


def test_detection_works_on_a_page_that_fetches(browser: Browser, tmp_path: Path) -> None:
    """Control: an external image under the same CSP is blocked and reported, so the check can fail."""
    from mlgate.render.html import CSP

    path = tmp_path / "bad.html"
    path.write_text(
        f'<!DOCTYPE html><meta http-equiv="Content-Security-Policy" content="{CSP}">'
        '<img src="https://example.invalid/x.png"><script>console.error("boom")</script>',
        encoding="utf-8",
    )
    found = problems(load(browser, path), path.resolve().as_uri())
    assert any("example.invalid" in f for f in found), found


def test_charts_are_drawn_and_phone_width_does_not_overflow(browser: Browser, tmp_path: Path) -> None:
    path = tmp_path / "scorecard.html"
    path.write_text(render_html(chart_report()), encoding="utf-8")
    page = load(browser, path)
    n = page.evaluate("document.querySelectorAll('svg.chart').length")
    assert n == 6  # metrics, 3 fairness panels, drift, slices
    # Every chart has a non-trivial rendered box.
    boxes = page.evaluate(
        "[...document.querySelectorAll('svg.chart')].map(s => s.getBoundingClientRect().height)")
    assert all(h > 60 for h in boxes), boxes
    phone = load(browser, path, width=390, mobile=True)
    widths = phone.evaluate("[document.documentElement.scrollWidth, window.innerWidth]")
    assert widths[0] <= widths[1], f"page scrolls sideways on a phone: {widths}"
    shot = phone.call("Page.captureScreenshot", format="png")
    img = decode_png(base64.b64decode(shot["data"]))
    assert img.shape[1] == 390
    assert _ink(img) > 0.03


def _ink(img: np.ndarray) -> float:
    """Share of pixels that differ from the most common colour (the background)."""
    flat = img[..., :3].reshape(-1, 3).astype(np.int32)
    keys = flat[:, 0] << 16 | flat[:, 1] << 8 | flat[:, 2]
    values, counts = np.unique(keys, return_counts=True)
    background = values[np.argmax(counts)]
    return float(np.mean(keys != background))


def _has_colour(img: np.ndarray, rgb: tuple[int, int, int], tol: int = 12) -> int:
    diff = np.abs(img[..., :3].astype(np.int32) - np.array(rgb)).max(axis=-1)
    return int((diff <= tol).sum())


def screenshot(exe: str, tmp_path: Path, url: str, size: str = "1000,1400") -> np.ndarray:
    out = tmp_path / "shot.png"
    profile = tmp_path / "profile"
    subprocess.run(
        [exe, *FLAGS, f"--user-data-dir={profile}", f"--screenshot={out}", f"--window-size={size}",
         "--hide-scrollbars", url],
        check=True, capture_output=True, timeout=90,
    )
    return decode_png(out.read_bytes())


def test_screenshot_is_not_blank_and_shows_the_status_colours(tmp_path: Path) -> None:
    exe = require_browser()
    path = tmp_path / "scorecard.html"
    path.write_text(render_html(chart_report()), encoding="utf-8")
    img = screenshot(exe, tmp_path, path.resolve().as_uri())
    assert _ink(img) > 0.05
    # Failing bars (hatched vermillion) and passing bars (bluish green) are actually painted.
    assert _has_colour(img, VERMILLION) > 500
    assert _has_colour(img, GREEN) > 500
    # Content reaches the lower half too: the page did not stop rendering after the header.
    assert _ink(img[img.shape[0] // 2 :]) > 0.03


def test_screenshot_check_catches_a_blank_page(tmp_path: Path) -> None:
    exe = require_browser()
    path = tmp_path / "blank.html"
    path.write_text("<!DOCTYPE html><title>x</title><body></body>", encoding="utf-8")
    img = screenshot(exe, tmp_path, path.resolve().as_uri(), size="400,300")
    assert _ink(img) < 0.01
