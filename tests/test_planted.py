"""The memorisation check scored against planted copies: recall and precision count exactly, and the pixel-space
search flags perturbed copies of training images but not new images of the same kind."""

import numpy as np
import pytest

from synthbench.neighbours.planted import centred_pixels, detection, held_out_flags
from synthbench.outside.controls import Perturbation


def test_recall_and_precision_count_the_flags_against_the_planted_ids():
    query_ids = np.array([-1, -2, -3, -4, -5, -6])
    flagged = np.array([True, True, False, False, True, False])
    found = detection(flagged, query_ids, planted_ids=np.array([-1, -3, -5, -6]))
    assert found == {"planted": 4, "flagged": 3, "detected": 2, "recall": 0.5, "precision": pytest.approx(2 / 3)}
    assert np.isnan(detection(np.zeros(6, bool), query_ids, np.array([-1]))["precision"]), "no flags: undefined"
    with pytest.raises(ValueError, match="none of the 1 planted ids is among the 6 synthetic images"):
        detection(flagged, query_ids, np.array([7]))


def _blobs(rng, count, side=16):
    """Smooth random images (a few Gaussian blobs each), like small radiographs: distinct but alike."""
    grid = np.mgrid[0:side, 0:side].astype(float)
    images = np.zeros((count, side, side))
    for image in images:
        for _ in range(4):
            centre, width = rng.uniform(0, side, 2), rng.uniform(2, 5)
            image += rng.uniform(40, 90) * np.exp(-((grid - centre[:, None, None]) ** 2).sum(0) / (2 * width ** 2))
    return np.clip(images, 0, 255).astype(np.uint8)


def test_pixel_search_flags_perturbed_copies_of_training_images_and_few_new_images():
    rng = np.random.default_rng(0)
    train, heldout, new = _blobs(rng, 200, 16), _blobs(rng, 100, 16), _blobs(rng, 40, 16)
    perturb = Perturbation(shift=0, noise_sd=2.0, jpeg_quality=90)
    copies = np.stack([perturb(image, rng) for image in train[:40]])
    flags = held_out_flags(*(centred_pixels(images) for images in (np.concatenate([copies, new]), train, heldout)))
    assert flags[:40].mean() >= 0.9, "copies found"
    assert flags[40:].mean() <= 0.1, "new images flagged about as often as held-out ones (1 %)"


def test_pixel_vectors_are_block_means_of_large_images_less_their_mean():
    image = np.arange(64 * 64, dtype=np.uint8).reshape(1, 64, 64)
    vectors = centred_pixels(image)
    assert vectors.shape == (1, 32 * 32)
    expected = image[0].reshape(32, 2, 32, 2).mean(axis=(1, 3)).ravel()
    np.testing.assert_allclose(vectors[0], expected - expected.mean(), atol=1e-4)
    assert centred_pixels(np.zeros((3, 16, 16), np.uint8)).shape == (3, 256), "small images are kept whole"
