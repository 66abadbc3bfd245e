"""Checks shared by the metrics that compare two sets of feature vectors (FID, KID, PRDC).

A metric of two sets is only meaningful when both are finite [N, D] arrays of one width: anything else is a
mistake upstream (another extractor, a truncated file, a diverged network), so it stops with an error that
names both inputs and their shapes instead of producing a number.

The workflow's jobs hand feature sets on as one .npz per extractor (`save_features`, `load_features`): the
FID statistics job keeps the real train and held-out sets, the GAN job its synthetic train set, each also under
`<set>@<variant>` for every input normalisation variant asked for (`fid.options.NORMALISATION_VARIANTS`).
"""

from pathlib import Path

import numpy as np

from synthbench.atomic import replacing
from synthbench.fid.options import variant_name

VARIANT_MARK = "@"


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


def save_features(path: Path, extractor: str, **sets: np.ndarray) -> None:
    """Feature sets of one extractor (e.g. train=..., test=...) as one .npz, written atomically."""
    with replacing(path) as partial, open(partial, "wb") as handle:
        np.savez(handle, extractor=extractor, **sets)


def variant_key(name: str, variant: str) -> str:
    """The key of feature set `name` under a normalisation variant, e.g. train@minmax."""
    return f"{name}{VARIANT_MARK}{variant}"


def load_features(path: Path, name: str, variant: str | None = None) -> tuple[np.ndarray, str]:
    """(the feature set `name`, or its `variant`, and its extractor label) from a file of `save_features`."""
    key = name if variant is None else variant_key(name, variant)
    with np.load(path) as data:
        if key not in data:
            raise ValueError(f"{path}: no feature set {key!r} (holds {', '.join(sorted(data.files))})")
        extractor = str(data["extractor"])
        return data[key], extractor if variant is None else variant_name(extractor, variant)


def saved_variants(path: Path, name: str) -> list[str]:
    """The normalisation variants of feature set `name` that a file holds, in the order they were saved."""
    with np.load(path) as data:
        return [key.split(VARIANT_MARK, 1)[1] for key in data.files if key.startswith(name + VARIANT_MARK)]
