"""Percentile bootstrap intervals, the uncertainty every metric of two sets or of image pairs reports.

A metric is recomputed on resamples (rows drawn with replacement, seeded) and the central `level` share of the
recomputed values is its interval. What is resampled is the metric's own choice: the per-sample scores for
PRDC, the pairs for the image-pair medians. Not the feature sets of a FID: duplicates bias it far upwards.
"""

from collections.abc import Callable

import numpy as np


def check(resamples: int, level: float) -> None:
    if resamples < 1 or not 0 < level < 1:
        raise ValueError(f"bootstrap needs resamples >= 1 and 0 < level < 1, got {resamples} and {level}")


def percentile_interval(estimates: np.ndarray, level: float) -> tuple[float, float]:
    """The central `level` share of the resampled estimates."""
    low, high = np.percentile(estimates, [(1 - level) / 2 * 100, (1 + level) / 2 * 100])
    return float(low), float(high)


def interval(statistic: Callable[..., float], samples: tuple[np.ndarray, ...], resamples: int, seed: int,
             level: float = 0.95) -> tuple[float, float]:
    """Interval of `statistic(*samples)`, each sample's rows resampled independently in every round."""
    check(resamples, level)
    rng = np.random.default_rng(seed)
    estimates = [statistic(*(sample[rng.integers(0, len(sample), len(sample))] for sample in samples))
                 for _ in range(resamples)]
    return percentile_interval(np.asarray(estimates), level)
