"""The reader study's statistics, after the study's own analysis (accuracy against chance per reader and arm
value) and what a reviewer asks of it beyond that.

- Per reader: accuracy, sensitivity and specificity for "synthetic" (synthetic images called synthetic; real
  images called real), each with a Wilson score interval, and accuracy's exact two-sided binomial test against
  0.5. Exact and Wilson because a reader's count per arm value is small (tens), where the normal approximation
  misleads.
- Pooled over readers: the share of all answers that were right. Answers are not independent (one reader's
  answers share a skill; one image's answers share a difficulty), so the interval comes from a two-way bootstrap
  that resamples readers and images independently (a pigeonhole bootstrap, slightly conservative), and the
  p-value from a permutation test that deals the truths anew over the block's images, the same deal for every
  reader: it keeps each reader's tendency to say "synthetic" and each image's shared answers, and breaks only
  the link between answers and truth, which is the null hypothesis that readers cannot tell.
- Agreement: Fleiss' kappa over the images every reader answered (two categories).
- Graded answers: each answer with its confidence is a rating on six levels (synthetic and certain = 3 ...
  real and certain = -3); the ROC AUC of the ratings against the truth is the reader-study standard that uses the
  confidence too (0.5: no skill), with the same bootstraps (readers x images pooled, images per reader).
"""

from dataclasses import dataclass

import numpy as np
from scipy import stats

from synthbench.metrics.bootstrap import percentile_interval

LEVEL = 0.95


@dataclass(frozen=True)
class Estimate:
    estimate: float
    ci_low: float
    ci_high: float
    p_value: float = float("nan")
    n: int = 0


def proportion(successes: int, trials: int, level: float = LEVEL) -> Estimate:
    """A share with its Wilson score interval and the exact two-sided binomial test against 0.5."""
    if trials == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), float("nan"), 0)
    test = stats.binomtest(int(successes), int(trials), 0.5)
    interval = test.proportion_ci(confidence_level=level, method="wilson")
    return Estimate(successes / trials, float(interval.low), float(interval.high), float(test.pvalue), int(trials))


def fleiss_kappa(counts: np.ndarray) -> float:
    """Fleiss' kappa of an [items, categories] table of how many readers put each item in each category (every
    item rated by the same number of readers, at least two)."""
    counts = np.asarray(counts, dtype=float)
    raters = counts.sum(axis=1)
    if len(counts) == 0 or raters.min() < 2 or not np.all(raters == raters[0]):
        raise ValueError("Fleiss' kappa needs items all rated by the same number (>= 2) of readers")
    n = raters[0]
    per_item = (np.square(counts).sum(axis=1) - n) / (n * (n - 1))
    shares = counts.sum(axis=0) / counts.sum()
    expected = float(np.square(shares).sum())
    observed = float(per_item.mean())
    return float("nan") if expected == 1 else (observed - expected) / (1 - expected)


def _weights(rng: np.random.Generator, count: int, resamples: int) -> np.ndarray:
    """How often each of `count` units is drawn in each of `resamples` bootstrap resamples: [resamples, count]."""
    return rng.multinomial(count, np.full(count, 1 / count), size=resamples).astype(float)


def pooled_share(hits: np.ndarray, answered: np.ndarray, rng: np.random.Generator, resamples: int,
                 level: float = LEVEL) -> Estimate:
    """The share of hits among all answers of a [readers, images] table (`answered` marks the answers given),
    with the two-way (readers x images) bootstrap's percentile interval."""
    hits, answered = np.asarray(hits, float) * answered, np.asarray(answered, float)
    total = answered.sum()
    if total == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), float("nan"), 0)
    readers, images = _weights(rng, hits.shape[0], resamples), _weights(rng, hits.shape[1], resamples)
    numerators = np.einsum("br,ri,bi->b", readers, hits, images)
    denominators = np.einsum("br,ri,bi->b", readers, answered, images)
    shares = numerators[denominators > 0] / denominators[denominators > 0]
    low, high = percentile_interval(shares, level)
    return Estimate(float(hits.sum() / total), low, high, n=int(total))


def permutation_p(said_synthetic: np.ndarray, answered: np.ndarray, synthetic: np.ndarray,
                  rng: np.random.Generator, permutations: int) -> float:
    """Two-sided p-value of pooled accuracy against 0.5, by dealing the truths (`synthetic`, per image) anew over
    the images `permutations` times, the same deal for every reader."""
    answered = np.asarray(answered, bool)
    says_synthetic = (np.asarray(said_synthetic, bool) & answered).sum(axis=0)
    says_real = answered.sum(axis=0) - says_synthetic
    total = answered.sum()

    def accuracy(truths: np.ndarray) -> np.ndarray:
        return (truths @ says_synthetic + (1 - truths) @ says_real) / total

    observed = accuracy(np.asarray(synthetic, float))
    deals = np.argsort(rng.random((permutations, len(synthetic))), axis=1)
    null = accuracy(np.asarray(synthetic, float)[deals])
    extreme = np.abs(null - 0.5) >= abs(observed - 0.5) - 1e-12
    return float((1 + extreme.sum()) / (1 + permutations))


def _auc_of_histograms(positives: np.ndarray, negatives: np.ndarray) -> np.ndarray:
    """ROC AUC from weighted counts per rating level ([..., levels], levels in increasing order): the chance that
    a positive's rating exceeds a negative's, ties counted half."""
    below = np.cumsum(negatives, axis=-1) - negatives  # negatives strictly below each level
    pairs = positives.sum(axis=-1) * negatives.sum(axis=-1)
    wins = (positives * (below + 0.5 * negatives)).sum(axis=-1)
    return np.where(pairs > 0, wins / np.where(pairs > 0, pairs, 1), np.nan)


def rating_auc(ratings: np.ndarray, answered: np.ndarray, synthetic: np.ndarray, rng: np.random.Generator,
               resamples: int, level: float = LEVEL) -> Estimate:
    """ROC AUC of a [readers, images] table of ratings (higher: surer it is synthetic) against the images' truth,
    over the answers given, with the two-way (readers x images) bootstrap's percentile interval (one reader: the
    images' bootstrap)."""
    answered = np.asarray(answered, bool)
    levels = np.unique(ratings[answered])
    if len(levels) == 0:
        return Estimate(float("nan"), float("nan"), float("nan"), float("nan"), 0)
    onehot = (np.asarray(ratings)[..., None] == levels) & answered[..., None]  # [readers, images, levels]
    positive, negative = onehot * synthetic[None, :, None], onehot * ~synthetic[None, :, None]
    estimate = float(_auc_of_histograms(positive.sum(axis=(0, 1)), negative.sum(axis=(0, 1))))
    readers, images = _weights(rng, onehot.shape[0], resamples), _weights(rng, onehot.shape[1], resamples)
    resampled = _auc_of_histograms(np.einsum("br,ril,bi->bl", readers, positive, images),
                                   np.einsum("br,ril,bi->bl", readers, negative, images))
    low, high = percentile_interval(resampled[~np.isnan(resampled)], level)
    return Estimate(estimate, low, high, n=int(answered.sum()))
