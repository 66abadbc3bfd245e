"""Occlusion Δ-loss maps (the paper's `cxpl`): how much the classifier's loss for an image's true labels rises
when one square patch of the image is blacked out.

Patches tile the classifier's input image (the arm's resolution) without overlap; the last row and column of
patches are cut at the border when the side is not a multiple of the patch. All patched copies of an image go
through the network in batches. A map cell is positive where hiding the patch hurts (the classifier used it)
and negative where hiding it helps.
"""

import numpy as np

EPSILON = 1e-7  # Keras's clip of probabilities inside binary cross-entropy


def patches_per_side(side: int, patch: int) -> int:
    if patch < 1:
        raise ValueError(f"attribution patch must be at least 1 pixel, got {patch}")
    return -(-side // patch)


def occluded_copies(image: np.ndarray, patch: int) -> np.ndarray:
    """[cells, H, W]: one copy of `image` per patch, that patch set to 0, patches in row-major order."""
    cells = patches_per_side(image.shape[0], patch)
    copies = np.repeat(image[None], cells * cells, axis=0)
    for cell in range(cells * cells):
        row, column = divmod(cell, cells)
        copies[cell, row * patch:(row + 1) * patch, column * patch:(column + 1) * patch] = 0
    return copies


def label_loss(probabilities: np.ndarray, labels: np.ndarray) -> np.ndarray:
    """Binary cross-entropy per row, averaged over labels (as the classifier was trained)."""
    p = np.clip(probabilities.astype(np.float64), EPSILON, 1 - EPSILON)
    return -np.mean(labels * np.log(p) + (1 - labels) * np.log(1 - p), axis=-1)


def occlusion_map(predict, image: np.ndarray, labels: np.ndarray, patch: int, batch_size: int) -> np.ndarray:
    """[cells, cells] float32 map of loss(occluded) - loss(image) for one uint8 image [H, W].

    `predict` maps a float32 batch [B, H, W, 1] to probabilities [B, labels].
    """
    batch = np.concatenate([image[None], occluded_copies(image, patch)]).astype(np.float32)[..., None]
    probabilities = np.concatenate([np.asarray(predict(batch[start:start + batch_size]))
                                    for start in range(0, len(batch), batch_size)])
    losses = label_loss(probabilities, np.asarray(labels, np.float64)[None])
    cells = patches_per_side(image.shape[0], patch)
    return (losses[1:] - losses[0]).reshape(cells, cells).astype(np.float32)


def to_pixels(cell_map: np.ndarray, patch: int, side: int) -> np.ndarray:
    """A cell map blown up to the image's pixels (each cell covers its patch)."""
    return np.kron(cell_map, np.ones((patch, patch), cell_map.dtype))[:side, :side]
