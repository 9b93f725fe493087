"""Extract the fenced examples of the documentation and the README, with the markers that steer them.

Markers are HTML comments on the line right before a fence (invisible on GitHub and in MkDocs):

- ``<!-- mlgate:skip-example: why -->``: not executed (kept rare; a test counts them);
- ``<!-- mlgate:example-file PATH -->``: the block is also written to PATH in the page's project, so
  later commands on the same page can use it;
- ``<!-- mlgate:error-case NAME -->``: the block is an error message the troubleshooting test
  reproduces.
"""

from __future__ import annotations

import re
import shlex
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs"
FENCE = re.compile(
    r"^(?P<indent>[ ]*)```(?P<lang>[\w+-]*)[^\n]*\n(?P<body>.*?)^(?P=indent)```[ ]*$", re.M | re.S
)
MARKER = re.compile(r"^\s*<!--\s*mlgate:(?P<kind>[\w-]+)(?::\s*|\s+)?(?P<arg>.*?)\s*-->\s*$")
SHELL_KEYWORDS = {"for", "do", "done", "if", "then", "else", "elif", "fi", "while", "until", "{", "}", "!"}


@dataclass(frozen=True)
class Example:
    page: Path
    line: int
    lang: str
    body: str
    marker: str | None = None
    marker_arg: str = ""

    @property
    def where(self) -> str:
        return f"{self.page.relative_to(ROOT)}:{self.line}"


def pages() -> list[Path]:
    return [*sorted(DOCS.rglob("*.md")), ROOT / "README.md"]


def examples(page: Path) -> list[Example]:
    text = page.read_text(encoding="utf-8")
    out = []
    for m in FENCE.finditer(text):
        line = text.count("\n", 0, m.start()) + 1
        before = text[: m.start()].rstrip("\n").rsplit("\n", 1)[-1]
        mk = MARKER.match(before)
        indent = m.group("indent")
        lines = m.group("body").split("\n")
        body = "\n".join(ln[len(indent):] if ln.startswith(indent) else ln for ln in lines)
        out.append(Example(page, line, m.group("lang").lower(), body,
                           mk.group("kind") if mk else None, mk.group("arg") if mk else ""))
    return out


def all_examples() -> list[Example]:
    return [ex for page in pages() for ex in examples(page)]


def commands(script: str) -> list[list[str]]:
    """Simple commands of a shell snippet (control operators split them), keywords and assignments dropped."""
    lexer = shlex.shlex(script.replace("\\\n", " "), posix=True, punctuation_chars=";&|")
    lexer.whitespace = " \t\r"
    lexer.commenters = "#"
    lexer.wordchars += "$={}[]-./:*@%+,^~()<>!?"
    cmds: list[list[str]] = [[]]
    for tok in lexer:
        if tok in ("\n", ";", "&&", "||", "|", "&", ";;") or set(tok) <= set(";&|\n"):
            cmds.append([])
            continue
        cur = cmds[-1]
        if not cur and (tok in SHELL_KEYWORDS or re.match(r"^[A-Za-z_]\w*=", tok)):
            continue
        cur.append(tok)
    return [c for c in cmds if c]
