"""Regression fairness from sufficient statistics: per group the error sums of both models (mean
absolute error, RMSE, bias), their paired resamples, and percentile intervals."""

from __future__ import annotations

import numpy as np


def ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    """``num / den`` where ``den > 0``, NaN (undefined) elsewhere."""
    out = np.full(np.broadcast(num, den).shape, np.nan)
    np.divide(num, den, out=out, where=den > 0)
    return out


def error_terms(y: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray | None) -> np.ndarray:
    """Per row terms of :func:`error_sums`, shape (n, 8)."""
    ea = pred_a - y
    eb = pred_b - y if pred_b is not None else np.zeros_like(ea)
    aa, ab = np.abs(ea), np.abs(eb)
    return np.stack([np.ones_like(ea), aa, ea * ea, ea, ab, eb * eb, eb, aa * ab], axis=1)


def group_sums(groups: np.ndarray, n_groups: int, terms: np.ndarray) -> np.ndarray:
    """Column sums of ``terms`` (R, S) per group: (G, S). Rows may be partial sums (e.g. from Spark)."""
    return np.stack(
        [np.bincount(groups, weights=terms[:, j], minlength=n_groups) for j in range(terms.shape[1])], axis=1
    )


def error_sums(
    groups: np.ndarray, n_groups: int, y: np.ndarray, pred_a: np.ndarray, pred_b: np.ndarray | None
) -> np.ndarray:
    """Per group sufficient statistics of shape (G, 8).

    Columns: n, sum|e_a|, sum e_a^2, sum e_a, sum|e_b|, sum e_b^2, sum e_b, sum |e_a| |e_b|, where
    e = prediction - target. Without model b its columns are 0.
    """
    return group_sums(groups, n_groups, error_terms(y, pred_a, pred_b))


def regression_rates(sums: np.ndarray, model: int = 0) -> dict[str, np.ndarray]:
    """Group MAE, RMSE and mean error (bias) of model 0 (a) or 1 (b), shaped (G, 1) like :func:`rates`."""
    n = sums[:, 0]
    o = 1 + 3 * model
    return {
        "size": n[:, None],
        "mae": ratio(sums[:, o], n)[:, None],
        "rmse": np.sqrt(ratio(sums[:, o + 1], n))[:, None],
        "mean_error": ratio(sums[:, o + 2], n)[:, None],
    }


def mae_resample(sums: np.ndarray, n_boot: int, rng: np.random.Generator) -> np.ndarray:
    """Paired, group-stratified resamples of the group MAEs of both models: (n_boot, G, 2).

    A row-level bootstrap costs O(rows x resamples); instead each group's pair of mean absolute errors
    is drawn from its central-limit (normal) approximation, with the paired covariance estimated from
    the sums (a parametric bootstrap from sufficient statistics). Groups below ``min_group_size`` are not
    judged, which keeps this in the regime where the approximation holds.
    """
    n = np.maximum(sums[:, 0], 1.0)
    mean = np.stack([sums[:, 1] / n, sums[:, 4] / n], axis=1)
    var_a = np.maximum(sums[:, 2] / n - mean[:, 0] ** 2, 0.0)
    var_b = np.maximum(sums[:, 5] / n - mean[:, 1] ** 2, 0.0)
    cov = sums[:, 7] / n - mean[:, 0] * mean[:, 1]
    # |e|^2 = e^2, so the variance of |e| is E[e^2] - E[|e|]^2.
    z = rng.standard_normal((n_boot, sums.shape[0], 2))
    sd_a = np.sqrt(var_a / n)
    # Cholesky factor of the 2 x 2 covariance of the two means, guarded against rounding.
    rho = np.divide(cov, np.sqrt(var_a * var_b), out=np.zeros_like(cov), where=var_a * var_b > 0)
    rho = np.clip(rho, -1.0, 1.0)
    sd_b = np.sqrt(var_b / n)
    a = mean[:, 0] + sd_a * z[..., 0]
    b = mean[:, 1] + sd_b * (rho * z[..., 0] + np.sqrt(1.0 - rho**2) * z[..., 1])
    return np.stack([a, b], axis=-1)


def percentile_interval(samples: np.ndarray, confidence: float) -> tuple[float, float]:
    """Percentile bootstrap interval, ignoring undefined resamples; NaNs when none is defined."""
    ok = samples[np.isfinite(samples)]
    if ok.size == 0:
        return float("nan"), float("nan")
    alpha = (1.0 - confidence) / 2.0
    lo, hi = np.quantile(ok, [alpha, 1.0 - alpha])
    return float(lo), float(hi)
