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
from synthbench.attribution.occlusion import CXPL, EPSILON, occlusion_map
from synthbench.attribution.selection import chosen_images
from synthbench.classifier.model import split_at_network_input, untrained_copy
from synthbench.names import UNTRAINED


def explain(model: keras.Model, explainer: str, test: Path, meta: dict, settings: dict, seed: int) -> dict:
    """Occlusion maps of `model` on the seeded choice of real test images (the same images for every classifier
    of an arm and seed) by the configured method (synthbench.attribution.occlusion), with what they explain: the
    arrays a maps .npz holds."""
    labels = meta["labels"]
    chosen = chosen_images(test.with_suffix(".csv"), labels, settings["images"], seed)
    found = records.images_by_id(test, len(labels), meta["resolution"], chosen["image_id"])
    images = np.stack([found[int(i)] for i in chosen["image_id"]])
    vectors = chosen[labels].to_numpy(np.float32)
    method = settings["method"]
    if method == CXPL:  # patches on the network's input, set to 0 after normalisation: the ImageNet mean
        preprocessing, rest = split_at_network_input(model)
        seen, predict, floor = preprocessing.predict_on_batch(images[..., None]), rest.predict_on_batch, EPSILON
    else:  # patches on the image, black
        seen, predict, floor = images[..., None].astype(np.float32), model.predict_on_batch, None
    maps = np.stack([occlusion_map(predict, one, vector, settings["patch"], settings["batch_size"], floor)
                     for one, vector in zip(np.asarray(seen), vectors, strict=True)])
    print(f"{explainer}: {len(maps)} {method} maps of {maps.shape[1]}x{maps.shape[2]} cells of {settings['patch']} px "
          f"on {seen.shape[1]} px; largest Δ-loss {maps.max():.4f}", flush=True)
    return {"explainer": explainer, "method": method, "image_id": chosen["image_id"].to_numpy(), "labels": vectors,
            "images": images, "maps": maps, "patch": settings["patch"], "patched_side": seen.shape[1]}


def save_maps(arrays: dict, out: Path) -> None:
    with replacing(out) as partial:
        np.savez(partial, **arrays)


def with_floor(arrays: dict, model: keras.Model, test: Path, meta: dict, settings: dict, seed: int) -> dict:
    """The real-trained classifier's maps with those of its seeded random initialisation (the floor any trained
    classifier's agreement must beat) on the same images, as one maps file holds them."""
    floor = explain(untrained_copy(model, seed), UNTRAINED, test, meta, settings, seed)
    return {**arrays, FLOOR: floor["maps"]}
