"""Terminal summary: compact, coloured only when asked, and data cannot inject terminal escapes."""

from __future__ import annotations

import re

import click
from hypothesis import given
from hypothesis import strategies as st

from mlgate.render.terminal import Progress, clean, render_terminal
from mlgate.result import Check, GateResult, Provenance, Report, Status
from mlgate.views import ChartKind
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


def _report(*gates: GateResult) -> Report:
    return Report(gates=gates, provenance=Provenance(config_sha256="0" * 64, inputs={}), mlgate_version="t")


def test_every_failing_and_warning_check_gets_a_line_naming_gate_and_check() -> None:
    report = _report(
        GateResult(chart=ChartKind.METRICS, name="performance", checks=(
            Check(name="accuracy >= 0.70", status=Status.PASS),
            Check(name="roc_auc vs baseline", status=Status.WARN,
                  message="inconclusive: interval [-0.03, 0.01]"),
        )),
        GateResult(chart=ChartKind.GROUPS, name="fairness", checks=(
            Check(name="demographic_parity_ratio vs baseline", status=Status.FAIL, attribute="sex",
                  message="ratio 0.61 < 0.8"),
            Check(name="groups too small to judge", status=Status.WARN, attribute="age_group"),
        )),
    )
    lines = render_terminal(report, color=False).splitlines()
    listed = lines[lines.index("1 failed check:"):]
    assert listed[:5] == [
        "1 failed check:",
        "  FAIL [fairness] demographic_parity_ratio vs baseline (sex): ratio 0.61 < 0.8",
        "2 warnings:",
        "  WARN [performance] roc_auc vs baseline: inconclusive: interval [-0.03, 0.01]",
        "  WARN [fairness] groups too small to judge (age_group)",
    ]


def test_plurals() -> None:
    one = _report(GateResult(name="drift", checks=(Check(name="age", status=Status.WARN),)))
    two = _report(GateResult(name="drift", checks=(Check(name="age", status=Status.FAIL),
                                                   Check(name="sex", status=Status.FAIL))))
    assert "1 warning:" in render_terminal(one, color=False).splitlines()
    assert "2 failed checks:" in render_terminal(two, color=False).splitlines()


def test_many_warnings_are_listed_up_to_a_cap_and_counted() -> None:
    checks = tuple(Check(name=f"column {i}", status=Status.WARN) for i in range(25))
    out = render_terminal(_report(GateResult(name="drift", checks=checks)), color=False)
    assert out.count("  WARN [drift] column ") == 10
    assert "  … and 15 more warnings in the report" in out.splitlines()


HOSTILE = "x\n::error::owned\x1b[2J\x1b]0;title\x07\r\u202eevil ##[set-output name=a]b"


def test_hostile_gate_check_attribute_and_message_are_inert_in_the_listed_lines() -> None:
    report = _report(GateResult(name=f"g{HOSTILE}", checks=(
        Check(name=f"c{HOSTILE}", status=Status.WARN, attribute=f"a{HOSTILE}", message=f"m{HOSTILE}"),
        Check(name=f"f{HOSTILE}", status=Status.FAIL, message="y" * 10_000),
    )))
    for color in (False, True):
        out = render_terminal(report, color=color)
        plain = click.unstyle(out)
        assert "\x1b[2J" not in out and "\x1b]" not in out and "\r" not in out and "\u202e" not in out
        assert "\x07" not in out
        for line in plain.splitlines():
            assert not line.lstrip().startswith("::"), line
            assert "##[" not in line, line
        warn = next(line for line in plain.splitlines() if line.startswith("  WARN "))
        # One line, naming the gate, the check and the attribute, however the names try to break it.
        assert warn.startswith("  WARN [gx ::error::owned") and "cx ::error::owned" in warn, warn
        fail = next(line for line in plain.splitlines() if line.startswith("  FAIL "))
        assert len(fail) <= 140 and fail.endswith("…"), fail


def test_the_performance_summary_counts_warnings_with_the_right_plural() -> None:
    from mlgate.gates.performance import PerformanceGate

    checks = [Check(name="a", status=Status.PASS), Check(name="b", status=Status.WARN)]
    assert PerformanceGate._summary(checks, 300) == "1 of 2 checks passed, 1 warning"
    checks.append(Check(name="c", status=Status.WARN))
    assert PerformanceGate._summary(checks, 300) == "1 of 3 checks passed, 2 warnings"
