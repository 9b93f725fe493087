"""Cells and pipe tables of the markdown scorecard (GitHub-flavoured markdown, as cmark-gfm and
GitLab render it).

Tables are written compactly (``| a | b |``, no padding to column width): padding only costs
characters against the platforms' comment limits and renders the same. Cells are escaped by the
caller with :func:`mlgate.render.escape.md`, which escapes ``|`` so that data cannot add a cell.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from typing import Any

from mlgate.escape import html, inert_references, md
from mlgate.result import Check, Status
from mlgate.text import truncate

ICONS = {
    Status.PASS: "✅",
    Status.WARN: "⚠️",
    Status.FAIL: "❌",
    Status.SKIP: "⏭️",
    Status.ERROR: "💥",
}
_ALIGN = {"l": "---", "r": "--:", "c": ":-:"}


def num(x: Any) -> str:
    if x is None:
        return ""
    if isinstance(x, float):
        if not math.isfinite(x):
            return "n/a"
        return f"{x:.4g}"
    return md(x)


def status_cell(status: Status) -> str:
    # A no-break space: a narrow column must not wrap the icon away from its word.
    return f"{ICONS[status]}\u00a0{status.value}"


def html_text(text: object, max_len: int = 200) -> str:
    """Text inside a raw HTML block (``<summary>``), where markdown escapes are not read and would
    show as backslashes: cut, on one line, references broken (GitHub links them in HTML blocks too),
    then HTML-escaped."""
    one_line = " ".join(truncate(str(text), max_len).split())
    return html(inert_references(one_line), max_len=4 * max_len)


def short_num(x: float | None) -> str:
    """A metric in a narrow headline cell: three decimals for values of ordinary size."""
    if x is None:
        return ""
    if not math.isfinite(x):
        return "n/a"
    return f"{x:.3f}" if 0.001 <= abs(x) < 100 or x == 0 else f"{x:.3g}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str = "") -> str:
    """A GFM pipe table; ``align`` holds one of l/r/c per column (default left)."""
    marks = [_ALIGN[align[i]] if i < len(align) else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def interval(c: Check, fmt: Callable[[float], str] = num) -> str:
    if c.ci_low is None or c.ci_high is None:
        return ""
    return f"[{fmt(c.ci_low)},\u00a0{fmt(c.ci_high)}]"


def delta(c: Check, fmt: Callable[[float], str] | None = None) -> str:
    if c.delta is None or not math.isfinite(c.delta):
        return ""
    arrow = "▲" if c.delta > 0 else ("▼" if c.delta < 0 else "=")
    shown = f"{c.delta:+.4g}" if fmt is None else ("+" if c.delta >= 0 else "") + fmt(c.delta)
    return f"{arrow}\u00a0{shown}"
