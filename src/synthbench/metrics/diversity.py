"""Diversity of a set of labelled images: how alike two images of the same class are.

A generator that collapses draws near-identical images for a class, so its same-class pairs score near 1 by
SSIM (and by MS-SSIM, defined from 161 px); real images of one class differ (other patients, positions,
exposures), so the same measure over real same-class pairs is the yardstick. The pairs are drawn uniformly
from all same-class pairs of distinct images (a class weighted by its number of pairs), with a seed; each
metric is reported as the mean over pairs with a percentile-bootstrap interval of that mean.
"""

import numpy as np

from synthbench.metrics import bootstrap
from synthbench.metrics.iqa import MIN_SIDES, PAIR_FUNCTIONS

METRICS = ("ssim", "ms_ssim")


def same_class_pairs(keys: np.ndarray, count: int, rng: np.random.Generator) -> np.ndarray:
    """[count, 2] row indices of distinct images with equal keys (label combinations), drawn with replacement."""
    classes, inverse, sizes = np.unique(keys, return_inverse=True, return_counts=True)
    pairs_per_class = sizes * (sizes - 1) / 2
    if not pairs_per_class.any():
        raise ValueError(f"no class has two images ({len(keys)} images in {len(classes)} classes): diversity "
                         "needs same-class pairs")
    members = [np.flatnonzero(inverse == c) for c in range(len(classes))]
    chosen = rng.choice(len(classes), size=count, p=pairs_per_class / pairs_per_class.sum())
    pairs = np.empty((count, 2), int)
    for row, c in enumerate(chosen):
        pairs[row] = rng.choice(members[c], size=2, replace=False)
    return pairs


def diversity_report(first: np.ndarray, second: np.ndarray, resamples: int, seed: int,
                     level: float = 0.95) -> dict:
    """Per metric of METRICS the image side allows: the mean over the pairs (first[i], second[i]) with its
    interval and the number of pairs; the others listed as left out with the reason."""
    side = min(first.shape[1:])
    report = {"metrics": {}, "left_out": {}}
    for name in METRICS:
        if side < MIN_SIDES[name]:
            report["left_out"][name] = f"needs images of at least {MIN_SIDES[name]} px, these have {side}"
            continue
        values = PAIR_FUNCTIONS[name](first, second)
        low, high = bootstrap.interval(np.mean, (values,), resamples, seed, level)
        report["metrics"][name] = {"mean": float(values.mean()), "ci": [low, high], "level": level,
                                   "pairs": len(values)}
    return report
