"""False-block rate and power of the decision rules, simulated on synthetic paired data.

    python -m benchmarks.decisions            # the table in docs/statistics.md
    python -m benchmarks.decisions --reps 20000

Accuracy of two models on the same n rows is summarised by its discordant rows (b: only the candidate
is wrong, c: only the baseline is wrong); a true drop D with a discordance rate p_d draws (b, c) from
the multinomial (n; (p_d + D)/2, (p_d - D)/2). Each rule is applied to every draw:

- ``margin`` (the default): McNemar's mid-p test of "drop > max_drop" (``stats.mcnemar``);
- ``evidence`` (the former default): point drop past max_drop and McNemar's z against zero
  significant, the behaviour of the former paired bootstrap for accuracy.

The family-wise rows put six metrics at their margin at once (correlated normal tests) and count the
runs in which any of them blocks, without and with Holm's correction. Seeds are fixed: the table is
reproducible to the digit.
"""

from __future__ import annotations

import argparse
import math

import numpy as np
from scipy import stats

from mlgate.stats.margin import NormalDrop
from mlgate.stats.mcnemar import p_values
from mlgate.stats.multiple import adjust

ALPHA = 0.025
SCENARIOS = ((200, 0.10, 0.01), (1000, 0.10, 0.01), (10_000, 0.06, 0.01), (10_000, 0.15, 0.02))
DROPS = (0.0, 0.8, 1.0, 2.0)  # the true drop, in units of max_drop


def block_rates(
    n: int, p_disc: float, margin: float, drop: float, reps: int, seed: int
) -> tuple[float, float, float, float]:
    """(margin blocks, evidence blocks, margin passes, evidence passes) among ``reps`` draws."""
    rng = np.random.default_rng(seed)
    cnt = rng.multinomial(n, [(p_disc + drop) / 2, (p_disc - drop) / 2, 1 - p_disc], size=reps)
    b, c = cnt[:, 0], cnt[:, 1]
    up, down = p_values(b, c, n, margin)
    margin_rule = up < ALPHA
    with np.errstate(invalid="ignore", divide="ignore"):
        z = np.where(b + c > 0, (b - c) / np.sqrt(b + c), 0.0)
    evidence = ((b - c) / n > margin) & (stats.norm.sf(z) < ALPHA)
    evidence_pass = (b - c) / n <= margin
    return (
        float(margin_rule.mean()),
        float(evidence.mean()),
        float((down < ALPHA).mean()),
        float(evidence_pass.mean()),
    )


def family_wise(reps: int, seed: int, metrics: int = 6) -> tuple[float, float]:
    rng = np.random.default_rng(seed)
    margin, se = 0.01, 0.004
    z = np.sqrt(0.5) * rng.normal(0, 1, (reps, 1)) + np.sqrt(0.5) * rng.normal(0, 1, (reps, metrics))
    p = np.array([[NormalDrop(margin + se * v, se).p_above(margin) for v in row] for row in z])
    raw = float((p < ALPHA).any(axis=1).mean())
    holm = float((np.array([adjust(row, "holm") for row in p]) < ALPHA).any(axis=1).mean())
    return raw, holm


def table(reps: int) -> str:
    mc = 3 * math.sqrt(ALPHA * (1 - ALPHA) / reps)
    head = (
        "| rows | discordant | max_drop | rule | "
        + " | ".join(f"blocks at {d:g}× max_drop" for d in DROPS)
        + " | passes when equal |"
    )
    lines = [head, "|" + "---|" * (5 + len(DROPS))]
    for i, (n, p_disc, margin) in enumerate(SCENARIOS):
        rates = [
            block_rates(n, p_disc, margin, d * margin, reps, seed=1000 * i + j) for j, d in enumerate(DROPS)
        ]
        for k, rule in enumerate(("margin", "evidence")):
            cells = " | ".join(f"{r[k]:.3f}" for r in rates)
            lines.append(f"| {n:,} | {p_disc:.0%} | {margin:g} | {rule} | {cells} | {rates[0][2 + k]:.3f} |")
    raw, holm = family_wise(reps, seed=7)
    lines += [
        "",
        f"Six metrics at their margin at once: any blocks in {raw:.3f} of the runs without correction, "
        f"{holm:.3f} with Holm (alpha = {ALPHA}; Monte-Carlo error ±{mc:.3f} at alpha, {reps:,} runs).",
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reps", type=int, default=10_000, help="simulated pull requests per cell")
    print(table(parser.parse_args().reps))


if __name__ == "__main__":
    main()
