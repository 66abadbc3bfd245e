"""Occlusion Δ-loss maps (the paper's `cxpl`): how much the classifier's loss for an image's true labels rises
when one square patch of what it sees is hidden.

Two methods, named in every output:
- `cxpl`, the study's: patches tile the network's input (after the classifier's resize, grey-to-RGB and ImageNet
  normalisation; 224 px at paper scale) and are set to 0 there, which is the ImageNet mean colour; Δ-loss is
  clamped below at 1e-7, so a map says only where hiding helped the classifier least or hurt it.
- `image`: patches tile the arm-resolution image and are set to black; Δ-loss is signed (negative where hiding
  the patch helps).

Patches tile without overlap; the last row and column of patches are cut at the border when the side is not a
multiple of the patch. All patched copies go through the network in batches.
"""

import numpy as np

EPSILON = 1e-7  # Keras's clip of probabilities inside binary cross-entropy, and the study's floor on Δ-loss
CXPL, IMAGE = "cxpl", "image"
METHODS = (CXPL, IMAGE)


def patches_per_side(side: int, patch: int) -> int:
    if patch < 1:
        raise ValueError(f"attribution patch must be at least 1 pixel, got {patch}")
    return -(-side // patch)


def occluded_copies(seen: np.ndarray, patch: int, first: int = 0, count: int | None = None) -> np.ndarray:
    """[count, H, W, ...]: copies of `seen` [H, W, ...], copy k with patch `first + k` (row-major) set to 0; all
    patches by default. A batch at a time: the study's 3,136 copies of a 224 px RGB input would take 1.9 GB."""
    cells = patches_per_side(seen.shape[0], patch)
    chosen = range(first, cells * cells if count is None else min(first + count, cells * cells))
    copies = np.repeat(seen[None], len(chosen), axis=0)
    for index, cell in enumerate(chosen):
        row, column = divmod(cell, cells)
        copies[index, row * patch:(row + 1) * patch, column * patch:(column + 1) * patch] = 0
    return copies


def label_loss(probabilities: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Binary cross-entropy per row, averaged over labels (as the classifier was trained)."""
    p = np.clip(probabilities.astype(np.float64), EPSILON, 1 - EPSILON)
    return -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p), axis=-1)


def occlusion_map(predict, seen: np.ndarray, labels: np.ndarray, patch: int, batch_size: int,
                  floor: float | None = None) -> np.ndarray:
    """[cells, cells] float32 map of loss(occluded) - loss(seen) for what the network sees, `seen` [H, W, C]
    (float32), clamped below at `floor` when given (the study's 1e-7).

    `predict` maps a float32 batch [B, H, W, C] to probabilities [B, labels].
    """
    seen = seen.astype(np.float32)
    cells = patches_per_side(seen.shape[0], patch)
    probabilities = np.concatenate([np.asarray(predict(seen[None]))] + [
        np.asarray(predict(occluded_copies(seen, patch, first, batch_size)))
        for first in range(0, cells * cells, batch_size)])
    losses = label_loss(probabilities, np.asarray(labels, np.float64)[None])
    delta = losses[1:] - losses[0]
    if floor is not None:
        delta = np.maximum(delta, floor)
    return delta.reshape(cells, cells).astype(np.float32)


def to_pixels(cell_map: np.ndarray, patch: int, side: int, patched_side: int | None = None) -> np.ndarray:
    """A cell map drawn at an image's `side` px: each pixel takes the cell its place falls in on the patched
    array of `patched_side` px (the image itself, by default; the network input for `cxpl`)."""
    patched_side = patched_side or side
    cells = np.minimum((np.arange(side) * patched_side // side) // patch, cell_map.shape[0] - 1)
    return cell_map[np.ix_(cells, cells)]
