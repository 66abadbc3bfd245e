"""Occlusion maps of one classifier (`explain`), run by `synthbench classifier evaluate` for every trained
classifier, and for the real-trained one also of the sanity floor: the same network at its seeded random
initialisation, explained on the same images (`with_floor`), here where the network is loaded already, so that
the comparison (`synthbench.attribution.compare`) needs no TensorFlow.
"""

from pathlib import Path

import keras
import numpy as np

from synthbench import records
from synthbench.atomic import replacing
from synthbench.attribution.compare import FLOOR
from synthbench.attribution.occlusion import occlusion_map
from synthbench.attribution.selection import chosen_images
from synthbench.classifier.model import untrained_copy
from synthbench.names import UNTRAINED


def explain(model: keras.Model, explainer: str, test: Path, meta: dict, settings: dict, seed: int) -> dict:
    """Occlusion maps of `model` on the seeded choice of real test images (the same images for every classifier
    of an arm and seed), with what they explain: the arrays a maps .npz holds."""
    labels = meta["labels"]
    chosen = chosen_images(test.with_suffix(".csv"), labels, settings["images"], seed)
    found = records.images_by_id(test, len(labels), meta["resolution"], chosen["image_id"])
    images = np.stack([found[int(i)] for i in chosen["image_id"]])
    vectors = chosen[labels].to_numpy(np.float32)
    maps = np.stack([occlusion_map(model.predict_on_batch, image, vector, settings["patch"], settings["batch_size"])
                     for image, vector in zip(images, vectors, strict=True)])
    print(f"{explainer}: {len(maps)} maps of {maps.shape[1]}x{maps.shape[2]} cells; largest Δ-loss "
          f"{maps.max():.4f}", flush=True)
    return {"explainer": explainer, "image_id": chosen["image_id"].to_numpy(), "labels": vectors, "images": images,
            "maps": maps, "patch": settings["patch"]}


def save_maps(arrays: dict, out: Path) -> None:
    with replacing(out) as partial:
        np.savez(partial, **arrays)


def with_floor(arrays: dict, model: keras.Model, test: Path, meta: dict, settings: dict, seed: int) -> dict:
    """The real-trained classifier's maps with those of its seeded random initialisation (the floor any trained
    classifier's agreement must beat) on the same images, as one maps file holds them."""
    floor = explain(untrained_copy(model, seed), UNTRAINED, test, meta, settings, seed)
    return {**arrays, FLOOR: floor["maps"]}
