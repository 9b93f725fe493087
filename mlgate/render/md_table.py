"""Cells and pipe tables of the markdown scorecard (GitHub-flavoured markdown, as cmark-gfm and
GitLab render it).

Tables are written compactly (``| a | b |``, no padding to column width): padding only costs
characters against the platforms' comment limits and renders the same. Cells are escaped by the
caller with :func:`mlgate.render.escape.md`, which escapes ``|`` so that data cannot add a cell.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from mlgate.escape import md
from mlgate.result import Check, Status

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
    return f"{ICONS[status]} {status.value}"


def table(headers: Sequence[str], rows: Sequence[Sequence[Any]], align: str = "") -> str:
    """A GFM pipe table; ``align`` holds one of l/r/c per column (default left)."""
    marks = [_ALIGN[align[i]] if i < len(align) else "---" for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join(marks) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def interval(c: Check) -> str:
    if c.ci_low is None or c.ci_high is None:
        return ""
    return f"[{num(c.ci_low)}, {num(c.ci_high)}]"


def delta(c: Check) -> str:
    if c.delta is None or not math.isfinite(c.delta):
        return ""
    arrow = "▲" if c.delta > 0 else ("▼" if c.delta < 0 else "=")
    return f"{arrow} {c.delta:+.4g}"
