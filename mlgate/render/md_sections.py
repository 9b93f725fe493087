"""One folded ``<details>`` section per gate: its checks (numbers only: the messages are listed
under the table, not repeated in a column), its detail tables and its notes.

A gate with many checks (drift: one per column) lists only the checks that did not pass, since
its detail tables already show every column; the rest are counted and are in scorecard.html.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from mlgate.escape import md
from mlgate.render.md_table import ICONS, delta, html_text, interval, num, status_cell, table
from mlgate.result import Check, GateResult, Status, severity

MAX_CHECK_ROWS = 50
MAX_TABLE_ROWS = 20
MAX_NOTES = 10
# Above this many checks a section lists only those that did not pass.
MAX_ALL_CHECKS = 15
MAX_MESSAGES = 20

_OPTIONAL: tuple[tuple[str, Callable[[Check], str]], ...] = (
    ("Attribute", lambda c: md(c.attribute) if c.attribute is not None else ""),
    ("Group", lambda c: md(c.group) if c.group is not None else ""),
    ("Value", lambda c: num(c.value)),
    ("Baseline", lambda c: num(c.baseline)),
    ("Change", lambda c: delta(c)),
    ("Interval", lambda c: interval(c)),
    ("p", lambda c: num(c.p_value)),
    ("Threshold", lambda c: num(c.threshold)),
    ("MDE", lambda c: num(c.mde)),
)


def more_rows(shown: int, total: int, what: str) -> list[str]:
    """The line under a table that was cut (none when it was not)."""
    if total <= shown:
        return []
    return ["", f"… and {total - shown:,} more {what}: see scorecard.json or scorecard.html"]


def ordered(checks: Sequence[Check]) -> list[Check]:
    """Worst first; the gate's own order among equals."""
    return sorted(checks, key=lambda c: -severity(c.status))


def checks_table(checks: Sequence[Check], limit: int = MAX_CHECK_ROWS) -> str:
    """Worst first, at most ``limit`` rows, only the columns some row fills."""
    rows_of = ordered(checks)[:limit]
    cols = [(h, f) for h, f in _OPTIONAL if any(f(c) for c in rows_of)]
    headers = ["Check", "Status", *[h for h, _ in cols]]
    rows = [[md(c.name), status_cell(c.status), *[f(c) for _, f in cols]] for c in rows_of]
    return "\n".join([table(headers, rows), *more_rows(len(rows_of), len(checks), "checks")])


def _messages(checks: Sequence[Check]) -> list[str]:
    """What did not pass, in words: one line per check, up to 200 characters each."""
    shown = [c for c in ordered(checks) if c.status is not Status.PASS and c.message][:MAX_MESSAGES]
    return [f"- {ICONS[c.status]} {md(c.name)}: {md(c.message, max_len=200)}" for c in shown]


def _checks_part(gate: GateResult) -> list[str]:
    checks = list(gate.checks)
    if not checks:
        return []
    shown = checks if len(checks) <= MAX_ALL_CHECKS else [c for c in checks if c.status is not Status.PASS]
    parts: list[str] = []
    if shown:
        parts += [checks_table(shown), ""]
    passed = len(checks) - len(shown)
    if passed:
        parts += [f"{passed:,} more checks passed (listed in scorecard.html).", ""]
    messages = _messages(checks)
    if messages:
        parts += [*messages, ""]
    return parts


def gate_section(gate: GateResult, *, with_tables: bool = True, open_: bool = False) -> str:
    parts = [
        # Name and status only: the gate table above has the summary, and a summary line that
        # wraps costs every reader a line of height.
        f"<details{' open' if open_ else ''}><summary><b>{html_text(gate.name, 60)}</b> — "
        f"{status_cell(gate.status)}</summary>",
        "",
    ]
    if gate.headline:
        parts += [f"*{md(gate.headline, max_len=300)}*", ""]
    if gate.error is not None:
        parts += [f"> {md(gate.error, max_len=1000)}", ""]
    if gate.skipped_reason is not None:
        parts += [f"Skipped: {md(gate.skipped_reason)}", ""]
    parts += _checks_part(gate)
    if with_tables:
        for t in gate.tables:
            parts += [
                f"**{md(t.title)}**",
                "",
                table([md(h) for h in t.headers], [[num(v) for v in r] for r in t.rows[:MAX_TABLE_ROWS]]),
                *more_rows(MAX_TABLE_ROWS, len(t.rows), "rows"),
                "",
            ]
    for note in gate.notes[:MAX_NOTES]:
        parts += [f"> {md(note, max_len=500)}", ""]
    if len(gate.notes) > MAX_NOTES:
        parts += [f"> … and {len(gate.notes) - MAX_NOTES} more notes in scorecard.json", ""]
    parts += ["</details>", ""]
    return "\n".join(parts)
