"""Draws label combinations with a realistic long tail: a few frequent combinations and many rare ones.

The benchmark's *classes* and *samples* arms pick the most frequent combinations, so the demo needs a clear
ranking at the top and a tail of rare combinations that those arms must leave out.
"""

from collections.abc import Sequence

import numpy as np


def draw_combination(rng: np.random.Generator, common: Sequence[tuple[tuple[str, ...], float]],
                     tail_labels: Sequence[str], max_tail_size: int = 3) -> tuple[str, ...]:
    """One combination: a common one with its weight, else (the remaining mass) a random set of tail labels.

    The common weights must sum to at most 1; the rest is the probability of a random combination of 1 to
    `max_tail_size` labels drawn from `tail_labels`.
    """
    weights = np.array([weight for _, weight in common], dtype=float)
    if weights.sum() > 1.0 + 1e-9:
        raise ValueError(f"common combination weights sum to {weights.sum():.3f}, expected at most 1")
    pick = rng.random()
    cumulative = np.cumsum(weights)
    index = int(np.searchsorted(cumulative, pick, side="right"))
    if index < len(common):
        return common[index][0]
    size = int(rng.integers(1, max_tail_size + 1))
    chosen = rng.choice(len(tail_labels), size=size, replace=False)
    return tuple(tail_labels[i] for i in sorted(chosen))
