"""`synthbench neighbours`: nearest real train images of every synthetic train image of one GAN run.

Describes the synthetic train split, the real train split and the real test split (the held-out baseline) with
the arm's real-trained classifier (`synthbench.classifier.jobs.features`), searches, and writes neighbours.npz,
memorisation.json and grid.png. The same job measures the run's diversity (`synthbench.metrics.diversity`) and
runs the patient-level membership inference attack (`membership`): both need the features and ids it has at
hand. Arguments are in `cli`.
"""

import argparse
import json

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from synthbench import records, seeds
from synthbench.atomic import replacing
from synthbench.classifier.jobs import features
from synthbench.datasets.splits import combination_keys
from synthbench.metrics import table as metrics_table
from synthbench.metrics.diversity import diversity_report, same_class_pairs
from synthbench.neighbours.grid import save_pair_grid
from synthbench.neighbours.membership import membership_report
from synthbench.neighbours.memorisation import memorisation_report
from synthbench.neighbours.pixels import chosen_queries, nearest_pairs, pixel_report, pixel_rows
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


def _pixel_report(args: argparse.Namespace, settings: dict, meta: dict, synthetic: dict, train: dict, heldout: dict,
                  synthetic_nearest: np.ndarray, heldout_nearest: np.ndarray) -> dict:
    """Every image-pair metric of (a seeded subset of) synthetic and held-out queries against their nearest train
    image."""
    side, num_labels = meta["resolution"], len(meta["labels"])
    rng = seeds.pixel_pairs(args.seed)
    chosen = {}
    for which, records_path, queries, nearest_rows in (
            ("synthetic_to_train", args.synthetic_records, synthetic, synthetic_nearest),
            ("heldout_to_train", args.heldout_records, heldout, heldout_nearest)):
        rows = chosen_queries(len(queries["image_id"]), settings["pixel_pairs"], rng)
        chosen[which] = (records_path, queries["image_id"][rows], train["image_id"][nearest_rows[rows, 0]])
    wanted = np.unique(np.concatenate([neighbours for _, _, neighbours in chosen.values()]))
    train_images = records.images_by_id(args.train_records, num_labels, side, wanted)
    pairs = {which: nearest_pairs(path, num_labels, side, ids, neighbours, train_images)
             for which, (path, ids, neighbours) in chosen.items()}
    return pixel_report(pairs, side, settings["pixel_bootstrap"], int(rng.integers(2 ** 31)))


def _diversity(args: argparse.Namespace, settings: dict, meta: dict, synthetic: dict, train: dict) -> dict:
    """Same-class pairs of the synthetic train split and, as the yardstick, of the real train split."""
    side, num_labels = meta["resolution"], len(meta["labels"])
    rng = seeds.diversity_pairs(args.seed)
    report = {}
    for which, records_path, split in (("synthetic", args.synthetic_records, synthetic),
                                       ("real", args.train_records, train)):
        rows = same_class_pairs(combination_keys(split["labels"]), settings["diversity_pairs"], rng)
        ids = split["image_id"][rows]
        images = records.images_by_id(records_path, num_labels, side, np.unique(ids))
        first, second = (np.stack([images[int(i)] for i in column]) for column in ids.T)
        report[which] = diversity_report(first, second, settings["pixel_bootstrap"], int(rng.integers(2 ** 31)))
    return report


def _membership(args: argparse.Namespace, settings: dict, synthetic: dict, train: dict, heldout: dict) -> dict:
    """The attack's report: training (member) against held-out (non-member) patients, by their images' distance
    to the nearest synthetic image."""
    patients = {}
    for name, records_path, split in (("train", args.train_records, train), ("heldout", args.heldout_records,
                                                                               heldout)):
        table = pd.read_csv(records_path.with_suffix(".csv"), usecols=["image_id", "patient_id"],
                            dtype={"patient_id": str}).set_index("image_id")
        patients[name] = table.loc[split["image_id"], "patient_id"].to_numpy()
    with threadpool_limits(args.threads):
        distances = {name: nearest(split["features"], synthetic["features"], 1, settings["memory_mb"]).distances[:, 0]
                     for name, split in (("train", train), ("heldout", heldout))}
    return membership_report(distances["train"], patients["train"], distances["heldout"], patients["heldout"],
                             settings["pixel_bootstrap"], args.seed)


def diversity_rows(report: dict) -> list[dict]:
    """diversity_<metric> (synthetic pairs) and diversity_<metric>_real rows, each with its pairs and interval."""
    return [metrics_table.row(f"diversity_{name}{'' if which == 'synthetic' else '_real'}", value["mean"],
                              n=value["pairs"], ci=value["ci"])
            for which, measured in report.items() for name, value in measured["metrics"].items()]


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
    side, num_labels = meta["resolution"], len(meta["labels"])
    report["pixels"] = _pixel_report(args, settings, meta, synthetic, train, heldout, found.indices,
                                     baseline.indices)
    report["diversity"] = _diversity(args, settings, meta, synthetic, train)
    report["membership"] = _membership(args, settings, synthetic, train, heldout)
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
        metrics_table.row("nn_threshold", report["threshold"], n=len(heldout["image_id"])),
        *pixel_rows(report["pixels"]), *diversity_rows(report["diversity"]),
        metrics_table.row("mia_auc", report["membership"]["auc"], ci=report["membership"]["ci"],
                          n=report["membership"]["member_patients"] + report["membership"]["non_member_patients"]),
        metrics_table.row("mia_tpr_at_1pct_fpr", report["membership"]["tpr_at_fpr"],
                          n=report["membership"]["member_patients"] + report["membership"]["non_member_patients"])])
    pairs = report["closest_pairs"]
    images = {**records.images_by_id(args.synthetic_records, num_labels, side, [p["synthetic_id"] for p in pairs]),
              **records.images_by_id(args.train_records, num_labels, side, [p["train_id"] for p in pairs])}
    save_pair_grid(pairs, images, meta["labels"], report["threshold"], args.title, args.out / "grid.png")
    print(f"{len(flagged)} synthetic images: nearest train distance median "
          f"{report['synthetic_to_train']['q50']:.4f} (held-out {report['heldout_to_train']['q50']:.4f}); "
          f"{report['flagged']} ({100 * report['fraction_below_threshold']:.2f} %) below the held-out 1st "
          f"percentile {report['threshold']:.4f}", flush=True)
    attack = report["membership"]
    print(f"membership inference: AUC {attack['auc']:.3f} [{attack['ci'][0]:.3f}, {attack['ci'][1]:.3f}], TPR "
          f"{attack['tpr_at_fpr']:.3f} at {100 * attack['fpr']:g} % FPR ({attack['member_patients']} training, "
          f"{attack['non_member_patients']} held-out patients)", flush=True)
    for name, value in report["diversity"]["synthetic"]["metrics"].items():
        print(f"diversity: mean {name} of same-class pairs {value['mean']:.4g} (real train "
              f"{report['diversity']['real']['metrics'][name]['mean']:.4g})", flush=True)
    for name, sides in report["pixels"]["metrics"].items():
        print(f"{name} with the nearest train image, median: synthetic "
              f"{sides['synthetic_to_train']['median']:.4g} (held-out {sides['heldout_to_train']['median']:.4g})",
              flush=True)
