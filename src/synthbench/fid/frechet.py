"""Feature statistics and the Fréchet distance between two Gaussians fitted to them.

FID = |mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr((S1^1/2 S2 S1^1/2)^1/2). The trace term is computed from
symmetric eigendecompositions only: S1^1/2 from `eigh(S1)`, then the eigenvalues of the symmetric PSD matrix
S1^1/2 S2 S1^1/2. That is exact for covariance matrices, several times faster than `scipy.linalg.sqrtm` on
the non-symmetric product S1 S2, and never returns a complex result. The square root of the *real*
statistics is computed once and kept with them, so each evaluation during training needs one `eigvalsh`.
"""

from dataclasses import dataclass
from pathlib import Path

import numpy as np

from synthbench.atomic import replacing


@dataclass
class Statistics:
    """Mean and covariance (float64) of `count` feature vectors, with the extractor that produced them."""

    mean: np.ndarray
    cov: np.ndarray
    count: int
    extractor: str
    root: np.ndarray | None = None  # PSD square root of `cov`, filled in by `sqrt_cov()`

    @classmethod
    def from_features(cls, features: np.ndarray, extractor: str) -> "Statistics":
        features = np.asarray(features, dtype=np.float64)
        if features.ndim != 2 or len(features) < 2:
            raise ValueError(f"need at least 2 feature vectors [N, D] for statistics, got shape {features.shape}")
        return cls(features.mean(axis=0), np.cov(features, rowvar=False), len(features), extractor)

    def sqrt_cov(self) -> np.ndarray:
        """The PSD square root of the covariance, computed on first use and kept."""
        if self.root is None:
            self.root = psd_sqrt(self.cov)
        return self.root

    def save(self, path: Path, **extra: np.ndarray) -> None:
        """Writes `<path>` atomically (a temporary file renamed when complete), with `extra` arrays beside."""
        with replacing(path) as partial, open(partial, "wb") as handle:
            np.savez(handle, mean=self.mean, cov=self.cov, count=self.count, extractor=self.extractor,
                     sqrt_cov=self.sqrt_cov(), **extra)

    @classmethod
    def load(cls, path: Path) -> "Statistics":
        with np.load(path) as data:
            return cls(data["mean"], data["cov"], int(data["count"]), str(data["extractor"]), data["sqrt_cov"])


def psd_sqrt(matrix: np.ndarray) -> np.ndarray:
    """Square root of a symmetric positive semi-definite matrix; round-off negatives clipped to 0."""
    values, vectors = np.linalg.eigh((matrix + matrix.T) / 2)
    return (vectors * np.sqrt(np.clip(values, 0, None))) @ vectors.T


def frechet_distance(first: Statistics, second: Statistics) -> float:
    """FID between two statistics from the same extractor (the first one's square root is reused)."""
    if first.extractor != second.extractor:
        raise ValueError(f"statistics from different extractors: {first.extractor!r} vs {second.extractor!r}")
    root = first.sqrt_cov()
    inner = root @ second.cov @ root
    trace_sqrt = np.sqrt(np.clip(np.linalg.eigvalsh((inner + inner.T) / 2), 0, None)).sum()
    return from_terms(first.mean - second.mean, np.trace(first.cov), np.trace(second.cov), trace_sqrt)


def frechet_of_features(first: np.ndarray, second: np.ndarray) -> float:
    """FID between two sets of feature vectors ([N, D] and [M, D]) without their D x D square roots where a set
    has no more rows than dimensions: with centred rows X1, X2 and S_i = X_i' X_i / (n_i - 1), the eigenvalues of
    S1^1/2 S2 S1^1/2 are the squared singular values of X1 X2' / sqrt((n1 - 1)(n2 - 1)), so the trace term is that
    n1 x n2 matrix's nuclear norm (the same value; for the interval's many small sets, far cheaper)."""
    first, second = np.asarray(first, dtype=np.float64), np.asarray(second, dtype=np.float64)
    if min(len(first), len(second)) > first.shape[1]:
        return frechet_distance(Statistics.from_features(first, ""), Statistics.from_features(second, ""))
    centred = [features - features.mean(axis=0) for features in (first, second)]
    scale = np.sqrt((len(first) - 1) * (len(second) - 1))
    trace_sqrt = np.linalg.svd(centred[0] @ centred[1].T / scale, compute_uv=False).sum()
    first_trace, second_trace = (np.einsum("ij,ij->", rows, rows) / (len(rows) - 1) for rows in centred)
    return from_terms(first.mean(axis=0) - second.mean(axis=0), first_trace, second_trace, trace_sqrt)


def from_terms(mean_difference: np.ndarray, first_trace: float, second_trace: float, trace_sqrt: float) -> float:
    """|mu1 - mu2|^2 + tr(S1) + tr(S2) - 2 tr(sqrt), clipped at 0 (round-off can dip below it for equal sets)."""
    distance = mean_difference @ mean_difference + first_trace + second_trace - 2 * trace_sqrt
    return float(max(distance, 0.0))
