"""Plain-text sentences for limit and candidate-vs-baseline checks (performance, slices, fairness).

Gates write plain text; the renderers escape it. Each message is one sentence that says what changed,
by how much, against which allowed drop, and on what evidence.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING

from mlgate.result import Check, LimitKind, Status
from mlgate.result import Limit as CheckLimit
from mlgate.stats.decision import Outcome
from mlgate.text import number

if TYPE_CHECKING:
    from mlgate.stats.paired import Comparison


@dataclass(frozen=True)
class Limit:
    """A value against its min/max: the limit it breaks, else the one that matters for the metric's
    direction (a higher-is-better metric's min, a lower-is-better one's max), and the words for it."""

    broken: bool
    op: str  # ">=" or "<="
    bound: float
    text: str  # "below the minimum 0.8", "above the maximum 0.1" or ">= 0.8"

    @property
    def typed(self) -> CheckLimit:
        """As ``Check.limit``."""
        return CheckLimit(LimitKind.MIN if self.op == ">=" else LimitKind.MAX, self.bound)


def worsening_limit(
    higher: bool, allowed: float, baseline: float, max_drop: float | None = None,
    relative: float | None = None, source: str = "",
) -> CheckLimit:
    """The typed limit of a candidate-vs-baseline check: ``allowed`` worsening from ``baseline``,
    with the derivation shown under the charts; ``relative`` names a max_drop_relative that set it
    (``stats.decision.allowed_drop``: the stricter of the two applies), ``source`` another origin."""
    kind, sign, word = (
        (LimitKind.MAX_DROP, "−", "drop") if higher else (LimitKind.MAX_INCREASE, "+", "increase")
    )
    how = source
    if relative is not None and (max_drop is None or relative * abs(baseline) < max_drop):
        how = f"{relative:g} × the baseline"
    text = f"the baseline {fmt(baseline)} {sign} the allowed {word} {fmt(allowed)}"
    return CheckLimit(kind, allowed, baseline, text + (f" ({how})" if how else ""))


def against_limits(value: float, lo: float | None, hi: float | None, higher: bool) -> Limit | None:
    """The min/max verdict of one value (performance and fairness), or None without a limit."""
    if lo is not None and value < lo:
        return Limit(True, ">=", lo, f"below the minimum {lo:g}")
    if hi is not None and value > hi:
        return Limit(True, "<=", hi, f"above the maximum {hi:g}")
    if lo is not None and (hi is None or higher):
        return Limit(False, ">=", lo, f">= {lo:g}")
    if hi is not None:
        return Limit(False, "<=", hi, f"<= {hi:g}")
    return None


def absolute_check(
    metric: str, value: float, lo: float | None, hi: float | None, *, higher: bool, blocking: Status,
    subject: str | None = None, why: str | None = None, attribute: str | None = None,
    group: str | None = None,
) -> Check | None:
    """The min/max check of one value (a performance metric, a fairness aggregate), or None without a
    limit; ``subject`` names it in the message (default: the metric), ``why`` follows it."""
    limit = against_limits(value, lo, hi, higher)
    if limit is None:
        return None
    said = f"{subject or metric} is {fmt(value)}"
    if why is not None:
        message = f"{said} ({limit.text}): {why}"
    else:
        message = f"{said}, {limit.text}." if limit.broken else f"{said} ({limit.text})."
    return Check(
        name=f"{metric} {limit.op} {limit.bound:g}",
        status=blocking if limit.broken else Status.PASS,
        metric=metric,
        attribute=attribute,
        group=group,
        value=value,
        threshold=limit.bound,
        limit=limit.typed,
        message=message,
    )


fmt = number  # one formatter for every number the gates write (mlgate.text.number)


def fmt_p(p: float) -> str:
    """The p-value with its relation: '= 0.042' or '< 0.001' (follows the word 'p')."""
    if not math.isfinite(p):
        return "n/a"
    return "< 0.001" if p < 0.001 else f"= {p:.2g}"


def change(metric: str, cmp: Comparison) -> str:
    """'accuracy is worse by 0.031 (0.812 -> 0.781)' in the metric's own direction."""
    moved = f"({fmt(cmp.baseline)} → {fmt(cmp.candidate)})"
    if cmp.worse_by > 0:
        return f"{metric} is worse by {fmt(cmp.worse_by)} {moved}"
    if cmp.worse_by < 0:
        return f"{metric} improved by {fmt(-cmp.worse_by)} {moved}"
    return f"{metric} is unchanged {moved}"


def interval(cmp: Comparison, confidence: float) -> str:
    return f"{confidence:.0%} interval of the change [{fmt(cmp.ci_low)}, {fmt(cmp.ci_high)}]"


def status_of(outcome: Outcome, severity: str) -> Status:
    if outcome is Outcome.FAIL:
        return Status.FAIL if severity == "error" else Status.WARN
    if outcome in (Outcome.INCONCLUSIVE, Outcome.UNPROVEN):
        return Status.WARN
    return Status.PASS


def rule_note(rule: str, confidence: float) -> str:
    """The scorecard's note on how a comparison is decided."""
    a = (1.0 - confidence) / 2.0
    if rule == "margin":
        return (
            f"Decision rule 'margin' (three zones at the allowed drop): a check fails when the "
            f"{confidence:.0%} interval of the change lies beyond the allowed drop (one-sided p < {a:.3g}; "
            f"a true drop equal to the allowed drop blocks at most {a:.3g} of the time), passes when it "
            "lies within it, and is inconclusive (a warning) otherwise."
        )
    if rule == "evidence":
        return (
            f"Decision rule 'evidence': a check fails only when the regression is past the allowed drop "
            f"and significant (one-sided p < {a:.3g}: the interval excludes zero); past the allowed drop "
            "without significance it warns (inconclusive)."
        )
    return "Decision rule 'strict': the whole interval must stay within the allowed drop (non-inferiority)."


def strict_clause(outcome: Outcome, ci: str, high: float, limit: str, change: str = "drop") -> str:
    """Why the strict rule did not pass (performance, slices, fairness): the pessimistic end ``high``
    of the interval ``ci`` exceeds ``limit``; a failure when the estimate is worse, else unproven."""
    if outcome is Outcome.FAIL:
        return (
            f"the {ci} allows a {change} of up to {fmt(high)}, more than {limit} "
            "(decision: strict, non-inferiority not shown)"
        )
    return (
        f"the {ci} still allows a {change} of up to {fmt(high)}, more than {limit} "
        "(decision: strict): not blocking"
    )


def power(
    cmp: Comparison, allowed: float | None, alpha: float, outcome: Outcome
) -> tuple[float | None, int | None]:
    """(minimum detectable drop at 80% power, rows that would decide when inconclusive)."""
    if allowed is None:
        return None, None
    mde = cmp.test.mde(allowed, alpha)
    rows = cmp.test.rows_needed(allowed, alpha, cmp.n) if outcome is Outcome.INCONCLUSIVE else None
    return (mde if math.isfinite(mde) else None), rows


def power_text(sentence_: str, mde: float | None, rows: int | None, outcome: Outcome) -> str:
    """The sentence with its power added before the final period: the drop it detects at 80% power
    and, when inconclusive, about how many eval rows would decide."""
    if mde is None:
        return sentence_
    text = f"detects a drop of {fmt(mde)} with 80% power"
    if outcome is Outcome.INCONCLUSIVE:
        text += (
            f"; about {rows} eval rows would decide"
            if rows is not None
            else "; no number of rows decides an estimate on the margin"
        )
    return f"{sentence_[:-1]} ({text})."


def sentence(
    what: str,
    cmp: Comparison,
    outcome: Outcome,
    allowed: float | None,
    *,
    confidence: float,
    alpha: float,
    p: float,
    p_label: str = "p",
    rule: str = "evidence",
) -> str:
    """One sentence for the verdict; ``what`` is e.g. 'accuracy' or 'accuracy on purpose = car'."""
    head = change(what, cmp)
    ci = interval(cmp, confidence)
    limit = f"the allowed drop of {fmt(allowed)}"
    if rule == "margin" and outcome is not Outcome.REPORTED:
        if outcome is Outcome.FAIL:
            return f"{head}; the {ci} lies beyond {limit} ({p_label} {fmt_p(p)}): regression shown."
        if outcome is Outcome.PASS:
            return f"{head}; the {ci} lies within {limit}."
        return (
            f"{head}; the {ci} includes {limit} ({p_label} {fmt_p(p)} for a drop beyond it, needs "
            f"< {alpha:.3g}): inconclusive on {cmp.n} rows."
        )
    if outcome is Outcome.FAIL and cmp.worse_by > (allowed or 0.0) and math.isfinite(p) and p < alpha:
        return f"{head}, more than {limit}, and significantly so ({p_label} {fmt_p(p)}, {ci})."
    if outcome is Outcome.FAIL:  # strict rule
        return f"{head}; {strict_clause(outcome, ci, cmp.worse_by_high, limit)}."
    if outcome is Outcome.INCONCLUSIVE:
        return (
            f"{head}, more than {limit}, but not significantly on {cmp.n} rows ({p_label} {fmt_p(p)}, "
            f"needs < {alpha:.3g}): inconclusive; more eval rows would decide."
        )
    if outcome is Outcome.UNPROVEN:
        return f"{head}, but {strict_clause(outcome, ci, cmp.worse_by_high, limit)}."
    if outcome is Outcome.REPORTED:
        return f"{head}; no max_drop configured, so the change is reported, not judged."
    return f"{head}, within {limit}."
