"""Text in the SVG charts: fitted to its column at word boundaries, the full text on hover.

A label that does not fit is wrapped onto a second line and then shortened, always between words
(or after a ``_``, ``-``, ``/`` or ``.`` inside a long identifier such as ``demographic_parity_ratio``),
and the element gets a ``<title>`` with the whole text, which browsers show as a tooltip (SVG 2,
section 5.7). Widths are estimated, not measured (no script, no font loading): about 0.6 em per
character for the system sans-serif fonts of the page's stylesheet.
"""

from __future__ import annotations

import re

from mlgate.escape import html as esc

EM = 0.6  # average advance of a character, in em (DejaVu Sans digits 0.636, lowercase about 0.58)
ELLIPSIS = "…"
# Where an identifier may break: after these characters (never inside a run of letters or digits).
_SOFT = re.compile(r"(?<=[_\-/.])")


def width(text: str, size: float) -> float:
    return len(text) * size * EM


Piece = tuple[str, bool]  # a word or the part of a word after a soft break, and "glued to the previous"


def _pieces(text: str, limit: int) -> list[Piece]:
    """Words, with words longer than ``limit`` split after their soft break characters."""
    out: list[Piece] = []
    for word in text.split():
        parts = [p for p in _SOFT.split(word) if p] if len(word) > limit else [word]
        out += [(parts[0], False), *((p, True) for p in parts[1:])]
    return out


def _line(pieces: list[Piece]) -> str:
    return "".join(p if glued or i == 0 else f" {p}" for i, (p, glued) in enumerate(pieces))


def wrap(text: str, chars: int, lines: int = 1) -> list[str]:
    """``text`` on at most ``lines`` lines of about ``chars`` characters, broken between words; the
    last line ends with an ellipsis when something was left out. A single piece longer than a line
    (no space and no soft break in it) is the only thing ever cut inside, and says so with ``…``."""
    rows: list[list[Piece]] = [[]]
    for piece in _pieces(text, chars):
        if rows[-1] and len(_line([*rows[-1], piece])) > chars:
            if len(rows) == lines:
                return [*(_fit(r, chars) for r in rows[:-1]), _shortened(rows[-1], chars)]
            rows.append([])
        rows[-1].append(piece)
    return [_fit(r, chars) for r in rows]


def _fit(row: list[Piece], chars: int) -> str:
    line = _line(row)
    return line if len(line) <= chars else line[: chars - 1] + ELLIPSIS


def _shortened(row: list[Piece], chars: int) -> str:
    """The line with an ellipsis after its last whole piece that leaves room for it."""
    while len(row) > 1 and len(_line(row)) + 1 > chars:
        row = row[:-1]
    line = _line(row)
    return (line if len(line) + 1 <= chars else line[: chars - 1]) + ELLIPSIS


def text(x: float, y: float, content: str, cls: str = "lbl", anchor: str = "start", *,
         full: str | None = None) -> str:
    """One ``<text>``; ``full``: the whole text when ``content`` is a shortened form (shown on hover)."""
    title = f"<title>{esc(full)}</title>" if full is not None and full != content else ""
    return f'<text x="{x}" y="{y}" class="{cls}" text-anchor="{anchor}">{title}{esc(content)}</text>'


def block(x: float, y: float, content: str, chars: int, lines: int = 2, *, cls: str = "lbl",
          anchor: str = "start", line_h: float = 13.0) -> str:
    """``content`` on at most ``lines`` lines of ``chars`` characters, centred on ``y``; when it had to
    be wrapped or shortened, the whole text is its ``<title>``."""
    parts = wrap(content, chars, lines)
    changed = len(parts) > 1 or parts[0] != " ".join(content.split())
    title = f"<title>{esc(content)}</title>" if changed else ""
    top = y - (len(parts) - 1) * line_h / 2
    spans = "".join(
        f'<tspan x="{x}" y="{round(top + i * line_h, 2)}">{esc(p)}</tspan>' for i, p in enumerate(parts)
    )
    return f'<text class="{cls}" text-anchor="{anchor}">{title}{spans}</text>'
