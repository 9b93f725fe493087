"""Fixtures shared by the headless-Chromium tests of the HTML report and the rendered comment."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.conftest import require_browser
from tests.render.browser import Browser


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    """One Chromium per test module (skips, or fails on CI, when Chromium is missing)."""
    b = Browser(require_browser())
    try:
        yield b
    finally:
        b.close()
