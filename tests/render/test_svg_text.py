"""Chart labels are fitted between words, and a fitted label carries its whole text as a tooltip."""

from __future__ import annotations

import pytest

from mlgate.render.svg_text import block, wrap
from tests.render.sample import HOSTILE


@pytest.mark.parametrize(
    ("text", "chars", "lines", "expected"),
    [
        ("0.973 female vs male", 17, 1, ["0.973 female vs…"]),  # was "0.973 female vs m…"
        ("0.973 female vs male", 17, 2, ["0.973 female vs", "male"]),
        ("female & >=25 vs male & <25", 20, 1, ["female & >=25 vs…"]),
        ("sex & age_group", 20, 2, ["sex & age_group"]),
        # A long identifier breaks after its underscores, not inside a word.
        ("demographic_parity_ratio ↑", 20, 2, ["demographic_parity_", "ratio ↑"]),
        ("equalized_odds_difference_between_groups", 20, 1, ["equalized_odds_…"]),
        # One piece with no break in it is the only thing ever cut inside, and it says so.
        ("a" * 30, 10, 1, ["a" * 9 + "…"]),
        ("  spaced \n out  ", 20, 1, ["spaced out"]),
    ],
)
def test_wrap_breaks_between_words(text: str, chars: int, lines: int, expected: list[str]) -> None:
    assert wrap(text, chars, lines) == expected
    assert all(len(line) <= chars for line in expected)


def test_a_fitted_label_has_its_whole_text_as_title_and_stays_escaped() -> None:
    out = block(10, 20, HOSTILE, 20, 2)
    assert out.startswith('<text class="lbl" text-anchor="start"><title>&lt;img src=x onerror=alert(1)&gt; |')
    assert "<img" not in out and out.count("<tspan") == 2
    assert block(10, 20, "short", 20, 2) == (
        '<text class="lbl" text-anchor="start"><tspan x="10" y="20.0">short</tspan></text>')
