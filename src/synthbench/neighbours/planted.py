"""How well the memorisation check finds copies it is known to have been given (the `copycat` control).

The copycat control plants perturbed copies of training images among a generator's images and says which
(planted.csv). Every synthetic train image the check flags (nearer to a training image than all but 1 % of
held-out images are) is either a planted copy or not: recall is the share of planted copies flagged, precision
the share of flags that are planted copies. Both are given in each space the check can search: the real-trained
classifier's features (the check itself), pixels (cosine distance of mean-centred pixel vectors, i.e. one minus
their correlation: a copy keeps its pattern whatever its brightness) and the feature space of each extractor the
generator metrics measure in (Inception at paper scale), each with its own held-out threshold. Pixel
vectors are taken at most PIXEL_SIDE pixels a side (block means of larger images; a copy stays a copy when both are
shrunk alike), so the search of a 256 px arm holds 1,024 numbers per image, not 65,536, and images are read from
their records a batch at a time.
"""

from pathlib import Path

import numpy as np

from synthbench import records
from synthbench.neighbours.memorisation import flag_threshold
from synthbench.neighbours.search import nearest

PIXEL_SIDE = 32


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
    """float32 [N, side * side] pixel vectors, block-averaged to at most PIXEL_SIDE a side, each less its mean."""
    count, side = len(images), images.shape[-1]
    factor = max(side // PIXEL_SIDE, 1)
    small = images.reshape(count, side // factor, factor, side // factor, factor).mean(axis=(2, 4), dtype=np.float32)
    rows = small.reshape(count, -1)
    return rows - rows.mean(axis=1, keepdims=True)


def record_pixels(path: Path, num_labels: int, side: int) -> tuple[np.ndarray, np.ndarray]:
    """(image ids, centred pixel vectors) of every example of a records file, read a batch at a time."""
    ids, vectors = [np.zeros(0, np.int64)], [np.zeros((0, min(side, PIXEL_SIDE) ** 2), np.float32)]
    for batch in records.dataset(path, num_labels, side, batch_size=1024).as_numpy_iterator():
        ids.append(batch["image_id"])
        vectors.append(centred_pixels(batch["image"]))
    return np.concatenate(ids), np.concatenate(vectors)


def held_out_flags(synthetic: np.ndarray, train: np.ndarray, heldout: np.ndarray,
                   memory_mb: float | None = None) -> np.ndarray:
    """The memorisation check's flags searched in another space (pixel vectors of `centred_pixels`, an
    extractor's features): a synthetic image is flagged when its nearest training image is nearer than all but
    1 % of the held-out images' nearest training images are."""
    found = nearest(synthetic, train, 1, memory_mb).distances[:, 0]
    baseline = nearest(heldout, train, 1, memory_mb).distances[:, 0]
    return found < flag_threshold(baseline)
