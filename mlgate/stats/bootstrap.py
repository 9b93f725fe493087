"""Paired bootstrap of confusion-matrix metrics over cell counts.

Every confusion metric of both models is a function of the joint table of (true label, candidate
prediction, baseline prediction), which has at most k^3 cells. Resampling n rows with replacement
(Efron 1979, "Bootstrap methods: another look at the jackknife", Annals of Statistics 7(1):1-26) is the
same, in distribution, as drawing the table from a multinomial with the observed cell shares, so each
resample costs O(occupied cells) instead of O(n): the cost does not grow with rows x resamples. Both
models are read from the same resampled table, which keeps the pairing (the correlation of their errors
on the same rows) that makes the paired comparison far more sensitive than comparing two intervals.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from mlgate.metrics_registry import TaskKind
from mlgate.stats.metrics import from_confusion

# Upper bound of resample x cell entries held in memory at once (int64: 8 bytes each).
_CHUNK_ENTRIES = 4_000_000


@dataclass(frozen=True)
class CellBootstrap:
    """Point values and bootstrap replicates of each metric, per model (baseline None if unpaired)."""

    candidate: dict[str, float]
    baseline: dict[str, float] | None
    replicates_candidate: dict[str, np.ndarray]
    replicates_baseline: dict[str, np.ndarray] | None


def joint_counts(y: np.ndarray, pred_c: np.ndarray, pred_b: np.ndarray | None, k: int) -> np.ndarray:
    """Counts of (label, candidate, baseline) as a flat array of k^3 (k^2 when unpaired) cells."""
    idx = y.astype("int64") * k + pred_c
    if pred_b is None:
        return np.bincount(idx, minlength=k * k)
    return np.bincount(idx * k + pred_b, minlength=k * k * k)


def _to_confusions(
    counts: np.ndarray, cells: np.ndarray, k: int, paired: bool
) -> tuple[np.ndarray, np.ndarray]:
    """(candidate, baseline) k x k confusions of each row of ``counts`` (resamples x occupied cells)."""
    if paired:
        y, rest = np.divmod(cells, k * k)
        c, b = np.divmod(rest, k)
    else:
        y, c = np.divmod(cells, k)
        b = c
    out = []
    for target in (y * k + c, y * k + b):
        order = np.argsort(target, kind="stable")
        t_sorted = target[order]
        bounds = np.flatnonzero(np.r_[True, t_sorted[1:] != t_sorted[:-1]])
        # Sum the occupied cells that fall into the same confusion cell (reduceat over sorted columns).
        summed = np.add.reduceat(counts[:, order], bounds, axis=1)
        cm = np.zeros((counts.shape[0], k * k))
        cm[:, t_sorted[bounds]] = summed
        out.append(cm.reshape(-1, k, k))
    return out[0], out[1]


def cell_bootstrap(
    names: Sequence[str],
    task: TaskKind,
    table: np.ndarray,
    k: int,
    *,
    paired: bool,
    n_boot: int,
    seed: int | np.random.SeedSequence,
) -> CellBootstrap:
    """Point values and ``n_boot`` multinomial resamples of the joint table ``table``."""
    cells = np.flatnonzero(table)
    shares = table[cells] / table.sum()
    n = int(table.sum())
    point_c, point_b = _to_confusions(table[cells][None, :].astype("float64"), cells, k, paired)
    cand = {m: float(from_confusion(m, point_c[0], task)) for m in names}
    base = {m: float(from_confusion(m, point_b[0], task)) for m in names} if paired else None
    rng = np.random.default_rng(seed)
    reps_c: dict[str, list[np.ndarray]] = {m: [] for m in names}
    reps_b: dict[str, list[np.ndarray]] = {m: [] for m in names}
    chunk = max(1, min(n_boot, _CHUNK_ENTRIES // max(1, cells.size)))
    done = 0
    while done < n_boot:
        size = min(chunk, n_boot - done)
        counts = rng.multinomial(n, shares, size=size).astype("float64")
        cm_c, cm_b = _to_confusions(counts, cells, k, paired)
        for m in names:
            reps_c[m].append(np.asarray(from_confusion(m, cm_c, task)))
            if paired:
                reps_b[m].append(np.asarray(from_confusion(m, cm_b, task)))
        done += size
    return CellBootstrap(
        candidate=cand,
        baseline=base,
        replicates_candidate={m: np.concatenate(v) for m, v in reps_c.items()},
        replicates_baseline={m: np.concatenate(v) for m, v in reps_b.items()} if paired else None,
    )
