"""`synthbench neighbours`: nearest real train images of every synthetic train image of one GAN run.

Describes the synthetic train split, the real train split and the real test split (the held-out baseline) with
the arm's real-trained classifier (`synthbench.classifier.jobs.features`), searches, and writes neighbours.npz,
memorisation.json and grid.png. Arguments are in `cli`.
"""

import argparse
import json

import numpy as np
from threadpoolctl import threadpool_limits

from synthbench import records
from synthbench.atomic import replacing
from synthbench.classifier.jobs import features
from synthbench.metrics import table as metrics_table
from synthbench.neighbours.grid import save_pair_grid
from synthbench.neighbours.memorisation import memorisation_report
from synthbench.neighbours.search import nearest
from synthbench.runtime import configure


def _closest_pairs(synthetic: dict, train: dict, indices: np.ndarray, nearest_distance: np.ndarray,
                   count: int) -> list[dict]:
    pairs = []
    for row in np.argsort(nearest_distance, kind="stable")[:count]:
        match = indices[row, 0]
        pairs.append({"synthetic_id": int(synthetic["image_id"][row]), "train_id": int(train["image_id"][match]),
                      "distance": float(nearest_distance[row]),
                      "synthetic_labels": synthetic["labels"][row].astype(int).tolist(),
                      "train_labels": train["labels"][match].astype(int).tolist()})
    return pairs


def search(args: argparse.Namespace) -> None:
    configure(args.threads)
    settings = json.loads(args.settings_json)
    meta = json.loads(args.meta.read_text())
    synthetic, train, heldout = (features(args.model, path, meta, args.batch_size)
                                 for path in (args.synthetic_records, args.train_records, args.heldout_records))
    with threadpool_limits(args.threads):
        found = nearest(synthetic["features"], train["features"], settings["k"], settings["memory_mb"])
        baseline = nearest(heldout["features"], train["features"], settings["k"], settings["memory_mb"])
    report = memorisation_report(found.distances[:, 0], baseline.distances[:, 0])
    flagged = found.distances[:, 0] < report["threshold"]
    report["k"] = int(found.indices.shape[1])
    report["closest_pairs"] = _closest_pairs(synthetic, train, found.indices, found.distances[:, 0],
                                             settings["closest_pairs"])
    report["inputs"] = {"model": str(args.model), "synthetic": str(args.synthetic_records),
                        "train": str(args.train_records), "heldout": str(args.heldout_records)}
    args.out.mkdir(parents=True, exist_ok=True)
    with replacing(args.out / "neighbours.npz") as partial:
        np.savez(partial, query_id=synthetic["image_id"], neighbour_id=train["image_id"][found.indices],
                 distance=found.distances, flagged=flagged, heldout_query_id=heldout["image_id"],
                 heldout_neighbour_id=train["image_id"][baseline.indices], heldout_distance=baseline.distances)
    with replacing(args.out / "memorisation.json") as partial:
        partial.write_text(json.dumps(report, indent=2) + "\n")
    count = len(flagged)
    metrics_table.write(args.out / metrics_table.FILE, [
        metrics_table.row("nn_fraction_below_threshold", report["fraction_below_threshold"], n=count),
        metrics_table.row("nn_distance_median", report["synthetic_to_train"]["q50"], n=count),
        metrics_table.row("nn_heldout_distance_median", report["heldout_to_train"]["q50"], n=len(heldout["image_id"])),
        metrics_table.row("nn_threshold", report["threshold"], n=len(heldout["image_id"]))])
    pairs = report["closest_pairs"]
    side, num_labels = meta["resolution"], len(meta["labels"])
    images = {**records.images_by_id(args.synthetic_records, num_labels, side, [p["synthetic_id"] for p in pairs]),
              **records.images_by_id(args.train_records, num_labels, side, [p["train_id"] for p in pairs])}
    save_pair_grid(pairs, images, meta["labels"], report["threshold"], args.title, args.out / "grid.png")
    print(f"{len(flagged)} synthetic images: nearest train distance median "
          f"{report['synthetic_to_train']['q50']:.4f} (held-out {report['heldout_to_train']['q50']:.4f}); "
          f"{report['flagged']} ({100 * report['fraction_below_threshold']:.2f} %) below the held-out 1st "
          f"percentile {report['threshold']:.4f}", flush=True)
