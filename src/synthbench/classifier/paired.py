"""Is a synthetic-trained classifier as good as the real-trained one? Both are tested on the same real test rows,
so they are compared paired, row by row, not by their separate intervals.

- ΔAUROC = mean AUROC of the synthetic-trained classifier - the real-trained one's, with a paired percentile
  bootstrap interval: each resample draws test rows once and scores both classifiers on them (classes with one
  label value in a resample are left out of that resample's means, as for the mean's own interval).
- DeLong's test (DeLong, DeLong & Clarke-Pearson 1988) per class: the two correlated AUROCs' difference over
  its standard error from the structural components, a two-sided normal p-value.
- Equivalence (two one-sided tests on the bootstrap distribution): synthetic counts as "as good as real" when
  ΔAUROC lies inside (-margin, +margin); the TOST p-value is the larger of the shares of resamples at or beyond
  each margin. Across an arm's values the p-values are Holm-adjusted (`holm`), where the summary gathers them.

AUROC is raw here even where `classifier.flip_below_half` reports flipped values: a classifier that ranks
backwards is not as good as real.
"""

import math

import numpy as np
from scipy import stats

from synthbench.classifier.metrics import resample_counts, weighted_aurocs


def paired_mean_auroc_differences(labels: np.ndarray, real: np.ndarray, other: np.ndarray, resamples: int,
                                  seed: int) -> np.ndarray:
    """[resamples] mean AUROC of `other` - that of `real`, both on the same resampled rows each time."""
    counts = resample_counts(len(labels), resamples, seed)
    differences = np.stack([weighted_aurocs(labels[:, c], other[:, c], counts)
                            - weighted_aurocs(labels[:, c], real[:, c], counts) for c in range(labels.shape[1])],
                           axis=1)
    with np.errstate(all="ignore"):
        return np.nanmean(differences, axis=1)


def _structural_components(truth: np.ndarray, scores: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """DeLong's V10 (per positive: share of negatives ranked below, ties half) and V01 (per negative: share of
    positives ranked above)."""
    positives, negatives = scores[truth > 0.5], scores[truth <= 0.5]
    compared = (positives[:, None] > negatives[None, :]) + 0.5 * (positives[:, None] == negatives[None, :])
    return compared.mean(axis=1), compared.mean(axis=0)


def delong(truth: np.ndarray, first: np.ndarray, second: np.ndarray) -> dict:
    """AUROC of `second` - AUROC of `first` on the same rows, its DeLong standard error and two-sided p-value."""
    if truth.min() == truth.max():
        raise ValueError("DeLong's test needs both label values among the rows")
    v10_a, v01_a = _structural_components(truth, first)
    v10_b, v01_b = _structural_components(truth, second)
    covariance = np.cov(np.stack([v10_a, v10_b]), ddof=1) / len(v10_a) + \
        np.cov(np.stack([v01_a, v01_b]), ddof=1) / len(v01_a)
    difference = float(v10_b.mean() - v10_a.mean())
    variance = float(covariance[0, 0] + covariance[1, 1] - 2 * covariance[0, 1])
    if variance <= 0:
        return {"difference": difference, "se": 0.0, "z": math.nan, "p": 1.0 if difference == 0 else 0.0}
    z = difference / math.sqrt(variance)
    return {"difference": difference, "se": math.sqrt(variance), "z": z, "p": float(2 * stats.norm.sf(abs(z)))}


def tost_p(differences: np.ndarray, margin: float) -> float:
    """The equivalence p-value of bootstrap differences against (-margin, +margin): the larger one-sided share."""
    return float(max((differences <= -margin).mean(), (differences >= margin).mean()))


def holm(p_values: list[float]) -> list[float]:
    """Holm's step-down adjustment (family-wise error), in the input order."""
    order = np.argsort(p_values, kind="stable")
    adjusted, running = np.empty(len(p_values)), 0.0
    for rank, index in enumerate(order):
        running = max(running, (len(p_values) - rank) * p_values[index])
        adjusted[index] = min(1.0, running)
    return adjusted.tolist()
