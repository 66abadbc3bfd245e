"""How well the memorisation check finds copies it is known to have been given (the `copycat` control).

The copycat control plants perturbed copies of training images among a generator's images and says which
(planted.csv). Every synthetic train image the check flags (nearer to a training image than all but 1 % of
held-out images are) is either a planted copy or not: recall is the share of planted copies flagged, precision
the share of flags that are planted copies. Both are given in each space the check can search: the real-trained
classifier's features (the check itself) and pixels (cosine distance of mean-centred pixel vectors, i.e. one minus
their correlation: a copy keeps its pattern whatever its brightness), each with its own held-out threshold.
"""

import numpy as np

from synthbench.neighbours.memorisation import flag_threshold
from synthbench.neighbours.search import nearest


def detection(flagged: np.ndarray, query_ids: np.ndarray, planted_ids: np.ndarray) -> dict:
    """Recall and precision of `flagged` (one bool per query) as a detector of the planted ids."""
    planted = np.isin(query_ids, planted_ids)
    if not planted.any():
        raise ValueError(f"none of the {len(planted_ids)} planted ids is among the {len(query_ids)} synthetic images")
    detected = int((flagged & planted).sum())
    return {"planted": int(planted.sum()), "flagged": int(flagged.sum()), "detected": detected,
            "recall": detected / int(planted.sum()),
            "precision": detected / int(flagged.sum()) if flagged.any() else float("nan")}


def centred_pixels(images: np.ndarray) -> np.ndarray:
    rows = images.reshape(len(images), -1).astype(np.float32)
    return rows - rows.mean(axis=1, keepdims=True)


def pixel_flags(synthetic: np.ndarray, train: np.ndarray, heldout: np.ndarray,
                memory_mb: float | None = None) -> np.ndarray:
    """The memorisation check's flags searched in pixel space: a synthetic image is flagged when its nearest
    training image is nearer than all but 1 % of the held-out images' nearest training images are."""
    reference = centred_pixels(train)
    found = nearest(centred_pixels(synthetic), reference, 1, memory_mb).distances[:, 0]
    baseline = nearest(centred_pixels(heldout), reference, 1, memory_mb).distances[:, 0]
    return found < flag_threshold(baseline)
