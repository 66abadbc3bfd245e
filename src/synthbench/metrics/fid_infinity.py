"""FID extrapolated to infinitely many synthetic images (FID∞, Chong & Forsyth 2020), with an interval.

FID is biased upwards by a term that falls as 1/N with the number N of synthetic images, by an amount that
depends on the generator, so FIDs measured on different numbers of images do not compare: the samples arm's
small values have far fewer images than the others. FID∞ follows the authors' protocol: FID of `points`
random subsets of the synthetic set (drawn without replacement, seeded), of sizes evenly spaced from a tenth
of the set to all of it (their 5,000 to 50,000), each against the statistics of the whole real set; a
least-squares line of FID against 1 / size; its intercept, the value at 1 / size = 0. The interval is the 95 %
t interval of that intercept (points - 2 degrees of freedom): how well the subsets pin the line down, not the
spread over training runs.

A subset smaller than the feature width has a covariance of rank below the width, and its FID is computed
through the subset's own n x n Gram matrix instead of a D x D one: the non-zero eigenvalues of
S1^1/2 S2 S1^1/2 with S2 = Xc' Xc / (n - 1) are those of Xc S1 Xc' / (n - 1), so the square-root trace costs
one n x n eigendecomposition (the same value, far cheaper for the small subsets the fit needs).
"""

from dataclasses import dataclass

import numpy as np
from scipy.special import stdtrit  # Student's t quantile; scipy.stats would cost the light job 0.8 s to import

from synthbench.fid.frechet import Statistics, frechet_distance, from_terms
from synthbench.metrics.feature_sets import checked_pair

SMALLEST_SHARE = 0.1  # the smallest subset, as a share of the synthetic set (the authors' 5,000 of 50,000)
MIN_IMAGES = 20  # so that the smallest subset holds the 2 images a FID needs


def frechet_to_features(real: Statistics, features: np.ndarray) -> float:
    """FID between real statistics and a set of feature vectors, through the cheaper of the two
    eigendecompositions (see the module's docstring)."""
    count, width = features.shape
    if count > width:
        return frechet_distance(real, Statistics.from_features(features, real.extractor))
    centred = features - features.mean(axis=0)
    gram = centred @ real.cov @ centred.T / (count - 1)
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((gram + gram.T) / 2), 0, None)).sum()
    fake_trace = np.einsum("ij,ij->", centred, centred) / (count - 1)
    return from_terms(real.mean - features.mean(axis=0), np.trace(real.cov), fake_trace, trace_sqrt)


@dataclass(frozen=True)
class FIDInfinity:
    value: float  # the intercept
    low: float
    high: float
    sizes: np.ndarray  # the subset sizes
    fids: np.ndarray  # FID of each subset
    slope: float


def fid_infinity(real: np.ndarray, fake: np.ndarray, points: int = 15, seed: int = 0,
                 level: float = 0.95) -> FIDInfinity:
    """FID∞ of `fake` against `real` features ([N, D] each, same D) from `points` subset sizes."""
    real, fake = checked_pair(real, fake)
    return extrapolated(Statistics.from_features(real, "features"), fake, points, seed, level)


def extrapolated(statistics: Statistics, fake: np.ndarray, points: int = 15, seed: int = 0,
                 level: float = 0.95) -> FIDInfinity:
    """FID∞ of checked `fake` features against real statistics (which a caller measuring FID too has already)."""
    if points < 3:
        raise ValueError(f"FID∞ needs at least 3 subset sizes to fit a line with an interval, got {points}")
    if len(fake) < MIN_IMAGES:
        raise ValueError(f"FID∞ needs at least {MIN_IMAGES} synthetic feature vectors (its smallest subset is a "
                         f"tenth of them, and a FID needs 2), got {len(fake)}")
    smallest = int(SMALLEST_SHARE * len(fake))
    sizes = np.linspace(smallest, len(fake), points).astype(int)
    rng = np.random.default_rng(seed)
    fids = np.array([frechet_to_features(statistics, fake[rng.permutation(len(fake))[:size]]) for size in sizes])
    intercept, slope, stderr = _line(1.0 / sizes, fids)
    half = stdtrit(points - 2, (1 + level) / 2) * stderr
    return FIDInfinity(intercept, intercept - half, intercept + half, sizes, fids, slope)


def _line(x: np.ndarray, y: np.ndarray) -> tuple[float, float, float]:
    """(intercept, slope, standard error of the intercept) of the least-squares line through (x, y)."""
    centred = x - x.mean()
    slope = float(centred @ (y - y.mean()) / (centred @ centred))
    intercept = float(y.mean() - slope * x.mean())
    residuals = y - intercept - slope * x
    variance = residuals @ residuals / (len(x) - 2)
    return intercept, slope, float(np.sqrt(variance * (1 / len(x) + x.mean() ** 2 / (centred @ centred))))
