"""The attribution stage: occlusion maps of one classifier (`explain`, run by `synthbench classifier evaluate`
for every trained classifier) and `synthbench attribution compare`, which adds the sanity floor (the
real-trained network at its seeded random initialisation, explained here on the same images), writes
attribution.json (agreement of each classifier with the real-trained one) and panel.png.
"""

import argparse
import json
from pathlib import Path

import keras
import numpy as np

from synthbench import records
from synthbench.atomic import replacing
from synthbench.attribution.agreement import agreement_report
from synthbench.attribution.occlusion import occlusion_map
from synthbench.attribution.panel import save_panel
from synthbench.attribution.selection import chosen_images
from synthbench.classifier.model import load_classifier, untrained_copy
from synthbench.metrics import table as metrics_table
from synthbench.names import UNTRAINED
from synthbench.runtime import configure

REFERENCE = "real"


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


def compare(args: argparse.Namespace) -> None:
    configure(args.threads, args.seed)
    meta = json.loads(args.meta.read_text())
    settings = json.loads(args.settings_json)
    loaded = {}
    for path in args.maps:
        with np.load(path) as data:
            loaded[str(data["explainer"])] = {key: data[key] for key in data.files}
    if REFERENCE not in loaded:
        raise ValueError(f"{', '.join(map(str, args.maps))}: no maps of the real-trained classifier")
    untrained = untrained_copy(load_classifier(args.untrained_from), args.seed)
    loaded[UNTRAINED] = explain(untrained, UNTRAINED, args.test, meta, settings, args.seed)
    reference = loaded[REFERENCE]
    for name, data in loaded.items():
        if not np.array_equal(data["image_id"], reference["image_id"]) or int(data["patch"]) != int(reference["patch"]):
            raise ValueError(f"maps of '{name}' explain other images or patches than those of '{REFERENCE}'")
    others = {name: data["maps"] for name, data in loaded.items() if name != REFERENCE}
    report = agreement_report(reference["maps"], others, reference["image_id"], settings["top_fraction"])
    report["patch"] = int(reference["patch"])
    args.out.mkdir(parents=True, exist_ok=True)
    with replacing(args.out / "attribution.json") as partial:
        partial.write_text(json.dumps(report, indent=2) + "\n")
    # One job compares every explainer with the real-trained classifier: its rows belong to the explainer.
    metrics_table.write(args.out / metrics_table.FILE, [
        metrics_table.row(f"attribution_{measure}_mean", result[measure].get("mean", np.nan), source=name,
                          n=result[measure]["n"])
        for name, result in report["explainers"].items() for measure in ("spearman", "top_iou")])
    save_panel(reference["images"], reference["labels"], {name: data["maps"] for name, data in loaded.items()},
               report["patch"], report, meta["labels"], args.title, args.out / "panel.png")
    for name, result in report["explainers"].items():
        rho, iou = result["spearman"], result["top_iou"]
        print(f"{name} vs {REFERENCE}: Spearman median {rho.get('median', float('nan')):.3f}, top-"
              f"{100 * report['top_fraction']:g}% IoU median {iou.get('median', float('nan')):.3f}", flush=True)
