"""The compact terminal summary (coloured on a TTY, plain in CI logs) and step progress for stderr.

Gate summaries and messages quote data (column names, category values, file names). Printed raw, an
escape sequence in the data could move the cursor, rewrite earlier lines, set the window title or
hide text (ECMA-48 CSI/OSC sequences), and bidi controls could reorder what is shown (CVE-2021-42574,
"Trojan Source"), so everything from a report passes through :func:`clean` before it is styled, and
the whole summary through :func:`mlgate.text.printable`, so that no line of it can be a GitHub
workflow command (a report title or gate name starting with ``::``).
"""

from __future__ import annotations

import re
import time
from collections.abc import Callable

import click
from tabulate import tabulate

from mlgate.result import Check, GateResult, Report, Status
from mlgate.text import ANSI_RE, BIDI, printable

_COLOURS = {
    Status.PASS: "green",
    Status.WARN: "yellow",
    Status.FAIL: "red",
    Status.SKIP: "bright_black",
    Status.ERROR: "magenta",
}
# C0 and C1 controls, DEL, the line/paragraph separators and the Unicode bidi/direction marks.
_CONTROL = re.compile(f"[\x00-\x1f\x7f-\x9f{BIDI}]")
_BREAKS = re.compile("\r\n|[\n\r\t\x0b\x0c\x1c-\x1e\x85\u2028\u2029]")
MAX_SUMMARY = 90
MAX_VALUE = 300  # any value shown in the summary


def clean(text: object, max_len: int | None = MAX_VALUE) -> str:
    """``text`` with escape sequences and control characters removed; line breaks and tabs become
    spaces; cut to ``max_len`` characters with a visible ``…``."""
    s = ANSI_RE.sub("", str(text))
    s = _BREAKS.sub(" ", s)
    s = _CONTROL.sub("", s)
    if max_len is not None and len(s) > max_len:
        s = s[: max_len - 1] + "…"
    return s


def _s(status: Status, color: bool) -> str:
    text = status.value.upper()
    return click.style(text, fg=_COLOURS[status], bold=True) if color else text


def _counts(gate_checks: tuple[Status, ...]) -> str:
    if not gate_checks:
        return ""
    passed = sum(s in (Status.PASS, Status.SKIP) for s in gate_checks)
    return f"{passed}/{len(gate_checks)}"


MAX_LISTED = 10  # failing checks, and warnings, listed one line each; the rest are counted
MAX_LINE = 130  # one listed check: the gate, the check and the start of its message


def plural(n: int, word: str) -> str:
    """``1 warning``, ``2 warnings``, ``0 warnings``."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def _check_line(gate: GateResult, check: Check, color: bool) -> str:
    """``  WARN [fairness] demographic_parity_ratio vs baseline (sex): <message>``, cut to a line."""
    name = clean(check.name, 80)
    if check.attribute and check.attribute not in check.name:
        name += f" ({clean(check.attribute, 40)})"
    text = f"[{clean(gate.name, 24)}] {name}"
    if check.message:
        text += f": {clean(check.message, None)}"
    return f"  {_s(check.status, color)} {clean(text, MAX_LINE)}"


def _listed(report: Report, color: bool) -> list[str]:
    """Every failing, then every warning check, one line each naming its gate (at most
    :data:`MAX_LISTED` of each, the rest counted), under a count line with the plurals right."""
    lines: list[str] = []
    for status, word in ((Status.FAIL, "failed check"), (Status.WARN, "warning")):
        found = [(g, c) for g in report.gates for c in g.checks if c.status is status]
        if not found:
            continue
        lines.append(f"{plural(len(found), word)}:")
        lines += [_check_line(g, c, color) for g, c in found[:MAX_LISTED]]
        if len(found) > MAX_LISTED:
            rest = len(found) - MAX_LISTED
            lines.append(f"  … and {plural(rest, 'more ' + word)} in the report")
    return lines


def render_terminal(report: Report, *, color: bool) -> str:
    """Verdict line, one row per gate (status, checks passed, time, summary), then every gate that
    could not run, every failing check and every warning, one line each."""
    rows = [
        [
            clean(g.name, 24),
            _s(g.status, color),
            _counts(tuple(c.status for c in g.checks)),
            (f"{g.duration_s:.2f}s" if g.duration_s < 1 else f"{g.duration_s:.1f}s") if g.duration_s else "",
            clean(g.headline, MAX_SUMMARY),
        ]
        for g in report.gates
    ]
    head = f"{clean(report.title, 60)}: {_s(report.status, color)} (exit {report.exit_code})"
    lines = [head, tabulate(rows, headers=["gate", "status", "ok", "time", "summary"], tablefmt="simple",
                            disable_numparse=True)]
    lines[1:1] = [f"note: {clean(n)}" for n in report.notes]  # Report.notes: one line each
    for gate in report.gates:
        if gate.error is not None:
            lines.append(f"  {_s(Status.ERROR, color)} [{clean(gate.name, 24)}] {clean(gate.error, 300)}")
    lines += _listed(report, color)
    if report.advisory and report.status is Status.FAIL:
        lines.append("advisory mode: gate failures do not change the exit code")
    lines.append(f"mlgate {clean(report.mlgate_version, 40)}")
    return printable("\n".join(lines), styles=color)


class Progress:
    """Step progress for a TTY: the running step on one line, then its duration once it is done.

    Called with each new step by :func:`mlgate.runner.run`; :meth:`close` ends the last one. Output goes
    through ``write`` (the CLI passes stderr) so stdout stays clean for the summary and pipes.
    """

    def __init__(self, write: Callable[[str], None], *, color: bool = True,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self._write, self._color, self._clock = write, color, clock
        self._step: str | None = None
        self._start = 0.0

    def _dim(self, text: str) -> str:
        return click.style(text, dim=True) if self._color else text

    def _finish(self) -> None:
        if self._step is not None:
            elapsed = self._clock() - self._start
            # \r + erase line (CSI 2 K) replaces the "running" line with the finished one.
            self._write("\r\x1b[2K" + self._dim(f"mlgate: {self._step} ({elapsed:.1f}s)") + "\n")
            self._step = None

    def __call__(self, step: str) -> None:
        self._finish()
        self._step, self._start = clean(step, 100), self._clock()
        self._write(self._dim(f"mlgate: {self._step} …"))

    def close(self) -> None:
        self._finish()
