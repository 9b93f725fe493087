"""Text from data, config or other programs, made safe to quote in a message or to print in a CI log.

A pull request controls the data, the config and the file names that mlgate reads, so any string
may be hostile. Printed raw, it can act on what reads the log:

- GitHub Actions' runner parses every line of a step's stdout and stderr. A line that starts with
  ``::`` once leading whitespace is trimmed is a workflow command (``::add-mask::``, ``::warning::``,
  ``::stop-commands::``), and the legacy ``##[command]data`` form is found *anywhere* in a line
  (actions/runner, src/Runner.Common/ActionCommand.cs: ``TryParseV2`` trims with ``TrimStart()``,
  ``TryParse`` uses ``IndexOf("##[")``). The runner splits lines at LF and at CR, so either
  character in a value starts a new line.
- GitLab's job log folds sections at ``section_start:<time>:<name>\\r\\e[0K`` (lib/gitlab/regex.rb,
  ``build_trace_section_regex``) and interprets ANSI sequences; both need CR or ESC.
- Terminals obey ECMA-48 control sequences (clear the screen, move the cursor, set the title), and
  bidi controls reorder what is shown (CVE-2021-42574, "Trojan Source").

:func:`one_line` and :func:`quote` are for values put into messages (errors, notes): every control
character, line break and bidi control becomes a visible escape (``\\n``, ``\\x1b``, ``\\u202e``), so
the reader still sees that the value holds one. :func:`printable` is the last line of defence where
the CLI prints: whatever reached it, no line it returns can be a workflow command.
"""

from __future__ import annotations

import math
import re

# Unicode bidi controls: ALM, LRM, RLM, LRE..RLO (embeddings and overrides), LRI..PDI (isolates).
BIDI = "\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069"
BIDI_RE = re.compile(f"[{BIDI}]")
# C0 controls (tab aside), DEL, C1 controls (NEL U+0085 included), line and paragraph separators.
CONTROL = "\x00-\x08\x0a-\x1f\x7f-\x9f\u2028\u2029"
UNSAFE_RE = re.compile(f"[{CONTROL}{BIDI}]")
# ECMA-48: CSI (ESC [ ... final byte, or the 8-bit CSI U+009B), OSC/DCS/PM/APC/SOS strings ended by
# BEL or ST (or by nothing: an unterminated one swallows the rest), and the other two-byte escapes.
ANSI_RE = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]"
    r"|(?:\x1b[\]P^_X]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# Select Graphic Rendition only (colour, bold): what click.style writes.
SGR_RE = re.compile(r"\x1b\[[0-9;]*m")

MAX_MESSAGE = 2_000  # one line of an error message
MAX_QUOTED = 200  # one value quoted in a message


def truncate(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, the cut shown: ``…[truncated 299,800 chars]``.

    The marker is counted in ``limit``, so truncating twice changes nothing.
    """
    if len(text) <= limit:
        return text
    keep = limit
    while True:  # the marker's length depends on the count it shows: settle both (two rounds at most)
        marker = f"…[truncated {len(text) - keep:,} chars]"
        if keep + len(marker) <= limit or keep == 0:
            return text[:keep] + marker
        keep = max(0, limit - len(marker))


def _visible(m: re.Match[str]) -> str:
    ch = m.group(0)
    named = {"\n": "\\n", "\r": "\\r"}
    if ch in named:
        return named[ch]
    code = ord(ch)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def neutralize(line: str) -> str:
    """One printed line that GitHub's runner cannot take for a workflow command: a backslash goes
    inside every ``##[`` and before a line that starts with ``::`` once whitespace is trimmed
    (``str.lstrip`` trims every character .NET's ``TrimStart`` does, and more)."""
    line = line.replace("##[", "##\\[")
    return "\\" + line if line.lstrip().startswith("::") else line


def one_line(text: object, limit: int = MAX_MESSAGE) -> str:
    """``text`` as one inert line: truncated, with control characters, line breaks and bidi controls
    shown as escapes, and no workflow command in it."""
    return neutralize(UNSAFE_RE.sub(_visible, truncate(str(text), limit)))


def quote(value: object, limit: int = MAX_QUOTED) -> str:
    """A value from data or config, quoted for a message: ``'x\\n::warning::…'`` on one line."""
    return "'" + one_line(value, limit) + "'"


def printable(text: str, *, styles: bool = False, commands: bool = False) -> str:
    """``text`` safe to write to a terminal or a CI log, line by line (``\\n`` separates lines).

    Escape sequences are removed (SGR colours kept with ``styles``, as click.style writes them);
    other control characters and bidi controls become visible escapes; no line may start a workflow
    command, unless ``commands`` says the lines are mlgate's own ``::error``/``::warning`` commands.
    """
    out = []
    for line in text.split("\n"):
        if styles:
            kept = SGR_RE.findall(line)
            parts = [UNSAFE_RE.sub(_visible, ANSI_RE.sub("", p)) for p in SGR_RE.split(line)]
            line = parts[0] + "".join(k + p for k, p in zip(kept, parts[1:], strict=True))
        else:
            line = UNSAFE_RE.sub(_visible, ANSI_RE.sub("", line))
        if commands and line.startswith("::"):
            out.append(line.replace("##[", "##\\["))
        elif SGR_RE.sub("", line).lstrip().startswith("::"):
            out.append("\\" + line.replace("##[", "##\\["))
        else:
            out.append(neutralize(line))
    return "\n".join(out)


def number(x: float | None, digits: int = 4) -> str:
    """The one way a number is written in messages and tables: ``digits`` significant digits, and
    ``n/a`` for a value that is missing, NaN or infinite (a metric undefined on the rows at hand)."""
    if x is None or not math.isfinite(x):
        return "n/a"
    return f"{x:.{digits}g}"
