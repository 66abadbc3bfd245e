"""Kernel Inception Distance (Bińkowski et al. 2018): the unbiased squared MMD between synthetic and real
features under the polynomial kernel k(x, y) = (x·y / d + 1)³, averaged over random subsets.

Unlike FID, its estimate is unbiased at any sample size, so arm values with few images (the samples arm)
compare with the others. The subsets follow torch-fidelity's protocol, so numbers agree with it:
`numpy.random.RandomState(seed)`, for each subset the synthetic rows drawn first, then the real rows (each
without replacement), mean and standard deviation (ddof 0) over the subsets. A subset size above the smaller
set is capped to it, and the result says so.
"""

from dataclasses import dataclass, field

import numpy as np

from synthbench.metrics.feature_sets import checked_pair

DEGREE = 3


@dataclass(frozen=True)
class KID:
    mean: float
    std: float  # over the subsets, ddof 0
    subsets: int
    subset_size: int  # after the cap
    requested_subset_size: int
    values: np.ndarray = field(repr=False, compare=False)  # the estimate of each subset

    @property
    def capped(self) -> bool:
        return self.subset_size < self.requested_subset_size

    def note(self) -> str:
        """What a log should say about the subset size ('' when it was used as asked)."""
        if not self.capped:
            return ""
        return (f"KID subset size capped at {self.subset_size} (the smaller set's size) from the requested "
                f"{self.requested_subset_size}")


def polynomial_mmd2(fake: np.ndarray, real: np.ndarray) -> float:
    """Unbiased MMD² of two equally large float64 sets under (x·y/d + 1)³ (diagonals of the within-set kernels
    left out)."""
    m, width = fake.shape
    def kernel(a, b):
        return (a @ b.T / width + 1.0) ** DEGREE

    within_fake, within_real, across = kernel(fake, fake), kernel(real, real), kernel(fake, real)
    off_diagonal = (within_fake.sum() - np.trace(within_fake) + within_real.sum() - np.trace(within_real))
    return float(off_diagonal / (m * (m - 1)) - 2.0 * across.sum() / (m * m))


def kid(real: np.ndarray, fake: np.ndarray, subsets: int = 100, subset_size: int = 1000, seed: int = 0) -> KID:
    """KID of `fake` against `real` features ([N, D] each, same D) over `subsets` random subsets."""
    if subsets < 1 or subset_size < 2:
        raise ValueError(f"KID needs at least 1 subset of at least 2 images, got {subsets} of {subset_size}")
    real, fake = checked_pair(real, fake, why=" for KID")
    size = min(subset_size, len(real), len(fake))
    rng = np.random.RandomState(seed)
    values = np.empty(subsets)
    for index in range(subsets):
        fake_rows = rng.choice(len(fake), size, replace=False)
        real_rows = rng.choice(len(real), size, replace=False)
        values[index] = polynomial_mmd2(fake[fake_rows], real[real_rows])
    return KID(float(values.mean()), float(values.std()), subsets, size, subset_size, values)
