"""Test metrics the way the paper reports them, made exact and complete.

Per-class AUROC (scikit-learn), their mean over the classes that have both label values in the test split
(the others are listed with the reason), a seeded percentile bootstrap 95 % CI of the mean, positives and
negatives per class, and ROC curves. Raw AUROC by default; the paper flipped values below 0.5 (`1 - AUROC`),
which is available as an option and labelled as such in the output.
"""

import numpy as np
import pandas as pd
from sklearn.metrics import roc_auc_score, roc_curve

from synthbench import seeds


def class_aurocs(labels: np.ndarray, scores: np.ndarray, flip_below_half: bool = False) -> np.ndarray:
    """AUROC per column; NaN where the column has one label value only."""
    values = np.full(labels.shape[1], np.nan)
    for column in range(labels.shape[1]):
        truth = labels[:, column]
        if truth.min() != truth.max():
            values[column] = roc_auc_score(truth, scores[:, column])
    if flip_below_half:
        values = np.where(values < 0.5, 1.0 - values, values)
    return values


def bootstrap_mean_auroc(labels: np.ndarray, scores: np.ndarray, resamples: int, seed: int,
                         flip_below_half: bool = False) -> np.ndarray:
    """Mean AUROC of `resamples` row resamples (with replacement); classes degenerate in a resample are left
    out of that resample's mean."""
    rng = seeds.bootstrap(seed)
    means = np.empty(resamples)
    for index in range(resamples):
        rows = rng.integers(0, len(labels), len(labels))
        means[index] = np.nanmean(class_aurocs(labels[rows], scores[rows], flip_below_half))
    return means


def auroc_report(labels: np.ndarray, scores: np.ndarray, names: list[str], *, resamples: int, seed: int,
                flip_below_half: bool = False) -> dict:
    """Everything test_metrics.json holds, from the true labels and the predicted scores of every test row."""
    aurocs = class_aurocs(labels, scores, flip_below_half)
    included = ~np.isnan(aurocs)
    if not included.any():
        raise ValueError(f"no class has both label values among the {len(labels)} test rows")
    means = bootstrap_mean_auroc(labels, scores, resamples, seed, flip_below_half)
    positives = labels.sum(axis=0).astype(int)
    return {
        "auroc": "flipped below 0.5 (1 - AUROC), as in the paper" if flip_below_half else "raw",
        "mean_auroc": float(np.mean(aurocs[included])),
        "mean_auroc_ci95": [float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))],
        "bootstrap": {"resamples": resamples, "seed": seed, "method": "percentile, rows resampled"},
        "test_rows": int(len(labels)),
        "classes": {name: {"auroc": None if np.isnan(value) else float(value), "positives": int(pos),
                           "negatives": int(len(labels) - pos)}
                    for name, value, pos in zip(names, aurocs, positives, strict=True)},
        "excluded": {name: f"only {'positive' if pos else 'negative'} labels among the {len(labels)} test rows"
                     for name, value, pos in zip(names, aurocs, positives, strict=True) if np.isnan(value)},
    }


def roc_table(labels: np.ndarray, scores: np.ndarray, names: list[str]) -> pd.DataFrame:
    """ROC curve points of every class with both label values: class, threshold, fpr, tpr."""
    parts = []
    for column, name in enumerate(names):
        truth = labels[:, column]
        if truth.min() != truth.max():
            fpr, tpr, thresholds = roc_curve(truth, scores[:, column])
            parts.append(pd.DataFrame({"class": name, "threshold": thresholds, "fpr": fpr, "tpr": tpr}))
    return pd.concat(parts, ignore_index=True)
