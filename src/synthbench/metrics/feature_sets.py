"""Checks shared by the metrics that compare two sets of feature vectors (FID, KID, PRDC).

A metric of two sets is only meaningful when both are finite [N, D] arrays of one width: anything else is a
mistake upstream (another extractor, a truncated file, a diverged network), so it stops with an error that
names both inputs and their shapes instead of producing a number.
"""

import numpy as np


def checked(features: np.ndarray, name: str, min_rows: int = 2, why: str = "") -> np.ndarray:
    """`features` as a float64 [N, D] array, or an error naming `name`, its shape and what was expected."""
    features = np.asarray(features)
    if features.ndim != 2:
        raise ValueError(f"{name}: feature array of shape {features.shape}, expected [N, D]")
    if not np.issubdtype(features.dtype, np.number):
        raise ValueError(f"{name}: features of dtype {features.dtype}, expected numbers")
    if len(features) < min_rows:
        raise ValueError(f"{name}: {len(features)} feature vectors, at least {min_rows} needed{why}")
    features = features.astype(np.float64, copy=False)
    bad = ~np.isfinite(features).all(axis=1)
    if bad.any():
        rows = np.flatnonzero(bad)
        raise ValueError(f"{name}: {len(rows)} of {len(features)} feature vectors hold NaN or infinity "
                         f"(first row {rows[0]})")
    return features


def checked_pair(real: np.ndarray, fake: np.ndarray, real_name: str = "real", fake_name: str = "fake",
                 min_rows: int = 2, why: str = "") -> tuple[np.ndarray, np.ndarray]:
    """Both sets checked, and of the same width."""
    real, fake = checked(real, real_name, min_rows, why), checked(fake, fake_name, min_rows, why)
    if real.shape[1] != fake.shape[1]:
        raise ValueError(f"{real_name} features are {real.shape[1]}-d ({real.shape}), {fake_name} features "
                         f"{fake.shape[1]}-d ({fake.shape}): both sets must come from the same extractor")
    return real, fake
