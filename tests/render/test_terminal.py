"""Terminal summary: compact, coloured only when asked, and data cannot inject terminal escapes."""

from __future__ import annotations

import re

import click
from hypothesis import given
from hypothesis import strategies as st

from mlgate.render.terminal import Progress, clean, render_terminal
from mlgate.result import Check, GateResult, Provenance, Report, Status
from tests.render.chart_sample import chart_report

EVIL = "ok\x1b[2J\x1b]0;pwned\x07\x1b[1A\rfake PASS\u202egnp.exe\x9b31m\x00"


def evil_report() -> Report:
    gate = GateResult(name="drift\x1b[31m", summary=f"summary {EVIL}",
                      checks=(Check(name="c", status=Status.FAIL, message=f"column {EVIL}"),))
    return Report(gates=(gate,), provenance=Provenance(config_sha256="0" * 64, inputs={}), mlgate_version="t",
                  title=f"title {EVIL}")


def test_clean_strips_escapes_and_controls() -> None:
    assert clean(EVIL) == "ok fake PASSgnp.exe"  # \x9b31m is an 8-bit CSI sequence, removed whole
    assert clean("a\nb\tc") == "a b c"
    assert clean("x" * 10, max_len=5) == "xxxx…"


@given(st.text())
def test_clean_output_has_no_control_characters(s: str) -> None:
    out = clean(s)
    assert not re.search("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out)


def test_plain_summary_has_no_escape_at_all() -> None:
    out = render_terminal(evil_report(), color=False)
    assert "\x1b" not in out and "\r" not in out and "\x9b" not in out and "\u202e" not in out
    assert "FAIL (exit 1)" in out and "column ok fake PASS" in out


def test_colour_comes_only_from_our_styling() -> None:
    out = render_terminal(evil_report(), color=True)
    # Every escape in the output is an SGR colour code that click.style produced.
    escapes = set(re.findall(r"\x1b\[[0-9;]*[A-Za-z]", out))
    assert escapes <= {"\x1b[31m", "\x1b[1m", "\x1b[0m"}, escapes
    assert click.unstyle(out) == render_terminal(evil_report(), color=False)


def test_compact_table_lists_every_gate() -> None:
    out = render_terminal(chart_report(), color=False)
    lines = out.splitlines()
    assert lines[0] == "mlgate scorecard: FAIL (exit 1)"
    assert lines[1].split() == ["gate", "status", "ok", "time", "summary"]
    for name in ("performance", "schema", "fairness", "drift", "slices"):
        assert any(line.startswith(name) for line in lines)
    assert any(line.startswith("performance") and " 2/4 " in line for line in lines)


def test_progress_rewrites_the_running_line() -> None:
    written: list[str] = []
    ticks = iter([0.0, 1.5, 1.5, 4.0])
    p = Progress(written.append, color=False, clock=lambda: next(ticks))
    p("loading inputs")
    p("gate \x1b[2Jperformance")
    p.close()
    assert written == [
        "mlgate: loading inputs …",
        "\r\x1b[2Kmlgate: loading inputs (1.5s)\n",
        "mlgate: gate performance …",
        "\r\x1b[2Kmlgate: gate performance (2.5s)\n",
    ]
