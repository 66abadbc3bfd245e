"""How close synthetic images come to real training images, judged against real held-out images.

A distance means little alone: real images of one class are close to each other too. So the same search is
run for real held-out (test) images, which the GAN never saw, against the real train split. A synthetic image
nearer to a train image than all but 1 % of held-out images are ("below the held-out 1st percentile") is
flagged as a likely copy; a GAN that copies shows far more than 1 % flagged.
"""

import numpy as np

QUANTILES = (0.0, 0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 1.0)
FLAG_PERCENTILE = 1.0


def quantiles(distances: np.ndarray) -> dict[str, float]:
    return {f"q{round(100 * q):02d}": float(np.quantile(distances, q)) for q in QUANTILES}


def flag_threshold(heldout_nearest: np.ndarray) -> float:
    return float(np.percentile(heldout_nearest, FLAG_PERCENTILE))


def memorisation_report(synthetic_nearest: np.ndarray, heldout_nearest: np.ndarray) -> dict:
    """Distance distributions of each query's nearest train image, the flag threshold and the flagged share."""
    if len(synthetic_nearest) == 0 or len(heldout_nearest) == 0:
        raise ValueError("memorisation needs at least one synthetic and one held-out query")
    threshold = flag_threshold(heldout_nearest)
    flagged = synthetic_nearest < threshold
    return {
        "distance": "cosine",
        "synthetic_to_train": {"count": int(len(synthetic_nearest)), **quantiles(synthetic_nearest)},
        "heldout_to_train": {"count": int(len(heldout_nearest)), **quantiles(heldout_nearest)},
        "threshold": threshold,
        "threshold_rule": f"{FLAG_PERCENTILE:g}th percentile of held-out -> train nearest distances",
        "flagged": int(flagged.sum()),
        "fraction_below_threshold": float(flagged.mean()),
        "heldout_fraction_below_threshold": float((heldout_nearest < threshold).mean()),
    }
