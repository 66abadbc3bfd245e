"""Precision, recall, density and coverage of synthetic features against real ones (Naeem et al. 2020).

Each sample's neighbourhood is the ball around it whose radius is the Euclidean distance to its k-th nearest
*other* sample of its own set; membership is strict (`<`):
- precision: share of synthetic samples inside at least one real ball (fidelity);
- recall: share of real samples inside at least one synthetic ball (diversity);
- density: real balls containing each synthetic sample, over k, averaged (can exceed 1; robust to outliers);
- coverage: share of real samples whose nearest synthetic sample lies inside their own ball.
Exact, as the authors' `prdc` package computes them, but over tiles of the pairwise distances, so memory stays
within a bound at any set size (`synthbench.tiles`). Distances are compared squared: the same order, one
square root fewer.

Each metric is a mean of a per-sample score (precision and density over synthetic samples, recall and coverage
over real ones), so its uncertainty is that of a mean: a percentile bootstrap over those samples, the other
set's balls held fixed. Resampling the sets themselves would not do: a drawn duplicate is its own nearest
neighbour and shrinks the radii.
"""

from dataclasses import dataclass

import numpy as np

from synthbench.metrics import bootstrap
from synthbench.metrics.feature_sets import checked_pair
from synthbench.tiles import block_shape, default_memory_mb

BYTES_PER_TILE_ENTRY = 24  # float64 squared distance, its partitioned copy and a bool mask, with slack


NAMES = ("precision", "recall", "density", "coverage")


@dataclass(frozen=True)
class SampleScores:
    """What PRDC averages, per sample."""

    in_real_balls: np.ndarray  # per synthetic sample: inside at least one real ball (precision)
    real_balls_over_k: np.ndarray  # per synthetic sample: real balls containing it, over k (density)
    in_fake_balls: np.ndarray  # per real sample: inside at least one synthetic ball (recall)
    covered: np.ndarray  # per real sample: its nearest synthetic sample lies inside its own ball (coverage)

    def per_metric(self) -> dict[str, np.ndarray]:
        return {"precision": self.in_real_balls, "recall": self.in_fake_balls, "density": self.real_balls_over_k,
                "coverage": self.covered}


@dataclass(frozen=True)
class PRDC:
    precision: float
    recall: float
    density: float
    coverage: float
    k: int

    def values(self) -> dict[str, float]:
        return {"precision": self.precision, "recall": self.recall, "density": self.density,
                "coverage": self.coverage}


def _squared_norms(features: np.ndarray) -> np.ndarray:
    return np.einsum("ij,ij->i", features, features)


def _squared_distances(first: np.ndarray, first_norms: np.ndarray, second: np.ndarray,
                       second_norms: np.ndarray) -> np.ndarray:
    """|a - b|² for every pair of rows, by |a|² + |b|² - 2 a·b (round-off negatives clipped to 0)."""
    product = first @ second.T
    product *= -2.0
    product += first_norms[:, None]
    product += second_norms[None, :]
    return np.maximum(product, 0.0, out=product)


def kth_neighbour_radii(features: np.ndarray, k: int, memory_mb: float | None = None) -> np.ndarray:
    """Squared distance of every row to its k-th nearest other row of the same set."""
    count = len(features)
    if count < k + 1:
        raise ValueError(f"{count} samples: the k-th nearest other sample needs at least k + 1 = {k + 1}")
    norms = _squared_norms(features)
    rows, columns = block_shape(count, count, memory_mb or default_memory_mb(), BYTES_PER_TILE_ENTRY)
    radii = np.empty(count)
    for row in range(0, count, rows):
        block = slice(row, min(row + rows, count))
        # The k + 1 smallest distances of each row so far; its own (0) is among them, as the authors count it.
        best = np.full((block.stop - block.start, k + 1), np.inf)
        for column in range(0, count, columns):
            tile = _squared_distances(features[block], norms[block], features[column:column + columns],
                                      norms[column:column + columns])
            own = np.arange(block.start, block.stop)
            inside = (own >= column) & (own < column + tile.shape[1])
            tile[np.flatnonzero(inside), own[inside] - column] = 0.0
            merged = np.concatenate([best, tile], axis=1)
            best = np.partition(merged, k, axis=1)[:, :k + 1]
        radii[block] = best.max(axis=1)
    return radii


def prdc(real: np.ndarray, fake: np.ndarray, k: int = 5, memory_mb: float | None = None) -> PRDC:
    """PRDC of `fake` against `real` features ([N, D] each, same D, at least k + 1 rows each)."""
    scores = sample_scores(real, fake, k, memory_mb)
    means = {name: float(np.mean(values)) for name, values in scores.per_metric().items()}
    return PRDC(**means, k=k)


def sample_scores(real: np.ndarray, fake: np.ndarray, k: int = 5, memory_mb: float | None = None) -> SampleScores:
    """The per-sample scores PRDC averages (arguments as `prdc`)."""
    if k < 1:
        raise ValueError(f"PRDC needs k >= 1, got {k}")
    real, fake = checked_pair(real, fake, min_rows=k + 1, why=f" for PRDC with k = {k} (the k-th nearest other "
                              f"sample of each set)")
    memory_mb = memory_mb or default_memory_mb()
    real_radii, fake_radii = kth_neighbour_radii(real, k, memory_mb), kth_neighbour_radii(fake, k, memory_mb)
    real_norms, fake_norms = _squared_norms(real), _squared_norms(fake)
    balls_per_fake = np.zeros(len(fake), np.int64)  # real balls each synthetic sample lies in
    real_in_fake_ball = np.zeros(len(real), bool)
    nearest_fake = np.full(len(real), np.inf)
    rows, columns = block_shape(len(real), len(fake), memory_mb, BYTES_PER_TILE_ENTRY)
    for row in range(0, len(real), rows):
        block = slice(row, row + rows)
        for column in range(0, len(fake), columns):
            span = slice(column, column + columns)
            tile = _squared_distances(real[block], real_norms[block], fake[span], fake_norms[span])
            balls_per_fake[span] += np.count_nonzero(tile < real_radii[block, None], axis=0)
            real_in_fake_ball[block] |= (tile < fake_radii[None, span]).any(axis=1)
            np.minimum(nearest_fake[block], tile.min(axis=1), out=nearest_fake[block])
    return SampleScores(in_real_balls=balls_per_fake > 0, real_balls_over_k=balls_per_fake / k,
                        in_fake_balls=real_in_fake_ball, covered=nearest_fake < real_radii)


def bootstrap_intervals(scores: SampleScores, resamples: int, seed: int,
                        level: float = 0.95) -> dict[str, tuple[float, float]]:
    """Percentile bootstrap interval of each metric: its per-sample scores resampled with replacement
    `resamples` times (seeded), the mean of each resample, the central `level` share of those means."""
    bootstrap.check(resamples, level)
    rng = np.random.default_rng(seed)
    intervals = {}
    for name, values in scores.per_metric().items():
        values = np.asarray(values, np.float64)
        means = np.empty(resamples)
        for start in range(0, resamples, 100):  # index draws of at most 100 resamples at a time
            count = min(100, resamples - start)
            means[start:start + count] = values[rng.integers(0, len(values), (count, len(values)))].mean(axis=1)
        intervals[name] = bootstrap.percentile_interval(means, level)
    return intervals
