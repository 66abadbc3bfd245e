"""`python -m attribution maps|compare ...`: occlusion maps of one classifier, then the arm's panel and agreement.

`maps` explains a fixed, seeded set of real test images with one classifier (`--weights`) or with the same
network at its random initialisation (`--random-weights`, the sanity floor); `compare` reads the maps of all
classifiers of an arm, writes attribution.json (agreement of each with the real-trained classifier) and
panel.png.
"""

import argparse
import json
from pathlib import Path

import numpy as np

from attribution.agreement import agreement_report
from attribution.occlusion import occlusion_map
from attribution.panel import save_panel
from attribution.selection import chosen_images
from classifier.model import trained_classifier
from synthbench import records
from synthbench.atomic import replacing
from synthbench.cli import add_threads, run
from synthbench.runtime import configure

REFERENCE = "real"


def _maps(args: argparse.Namespace) -> None:
    configure(args.threads, args.seed)
    meta = json.loads(args.meta.read_text())
    settings = json.loads(args.settings_json)
    labels = meta["labels"]
    model = trained_classifier(meta, json.loads(args.classifier_settings_json), args.weights)
    chosen = chosen_images(args.test.with_suffix(".csv"), labels, settings["images"], args.seed)
    found = records.images_by_id(args.test, len(labels), meta["resolution"], chosen["image_id"])
    images = np.stack([found[int(i)] for i in chosen["image_id"]])
    vectors = chosen[labels].to_numpy(np.float32)
    maps = np.stack([occlusion_map(model.predict_on_batch, image, vector, settings["patch"], settings["batch_size"])
                     for image, vector in zip(images, vectors, strict=True)])
    with replacing(args.out) as partial:
        np.savez(partial, explainer=args.explainer, image_id=chosen["image_id"].to_numpy(), labels=vectors,
                 images=images, maps=maps, patch=settings["patch"])
    print(f"{args.explainer}: {len(maps)} maps of {maps.shape[1]}x{maps.shape[2]} cells; largest Δ-loss "
          f"{maps.max():.4f}", flush=True)


def _compare(args: argparse.Namespace) -> None:
    meta = json.loads(args.meta.read_text())
    settings = json.loads(args.settings_json)
    loaded = {}
    for path in args.maps:
        with np.load(path) as data:
            loaded[str(data["explainer"])] = {key: data[key] for key in data.files}
    if REFERENCE not in loaded:
        raise ValueError(f"{', '.join(map(str, args.maps))}: no maps of the real-trained classifier")
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
    save_panel(reference["images"], reference["labels"], {name: data["maps"] for name, data in loaded.items()},
               report["patch"], report, meta["labels"], args.title, args.out / "panel.png")
    for name, result in report["explainers"].items():
        rho, iou = result["spearman"], result["top_iou"]
        print(f"{name} vs {REFERENCE}: Spearman median {rho.get('median', float('nan')):.3f}, top-"
              f"{100 * report['top_fraction']:g}% IoU median {iou.get('median', float('nan')):.3f}", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m attribution", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    maps = commands.add_parser("maps", help="occlusion maps of one classifier on the chosen real test images")
    chosen = maps.add_mutually_exclusive_group(required=True)
    chosen.add_argument("--weights", type=Path, help="a trained classifier's best.weights.h5")
    chosen.add_argument("--random-weights", action="store_true", help="the untrained network (sanity floor)")
    maps.add_argument("--explainer", required=True, help="name stored with the maps (source, or 'random')")
    maps.add_argument("--test", type=Path, required=True, help="the arm's real test .tfrecord (with its .csv)")
    maps.add_argument("--classifier-settings-json", required=True, help="the config's classifier section")
    maps.add_argument("--seed", type=int, required=True, help="chooses the images and the random initialisation")
    add_threads(maps)
    maps.add_argument("--out", type=Path, required=True, help="the maps .npz to write")
    maps.set_defaults(run=_maps)
    compare = commands.add_parser("compare", help="agreement with the real-trained maps, and the panel")
    compare.add_argument("--maps", type=Path, nargs="+", required=True, help="maps .npz of every explainer")
    compare.add_argument("--title", default="", help="first line of the panel's title")
    compare.add_argument("--out", type=Path, required=True, help="folder for attribution.json and panel.png")
    compare.set_defaults(run=_compare)
    for command in (maps, compare):
        command.add_argument("--meta", type=Path, required=True, help="the arm's meta.json (labels, resolution)")
        command.add_argument("--settings-json", required=True, help="the config's attribution section as JSON")
    run(parser, argv)


if __name__ == "__main__":
    main()
