"""`synthbench neighbours`: nearest real train images of every synthetic train image of one GAN run.

Describes the synthetic train split, the real train split and the real test split (the held-out baseline) with
the arm's real-trained classifier (`synthbench.classifier.jobs.features`), searches, and writes neighbours.npz,
memorisation.json and grid.png. The same job measures the run's diversity (`synthbench.metrics.diversity`) and
runs the patient-level membership inference attack (`membership`, in the classifier's features and in pixels):
both need the features and ids it has at hand. Arguments are in `cli`.
"""

import argparse
import json
from pathlib import Path

import numpy as np
import pandas as pd
from threadpoolctl import threadpool_limits

from synthbench import records, seeds
from synthbench.atomic import replacing
from synthbench.classifier.jobs import features
from synthbench.classifier.metrics import auroc_report
from synthbench.datasets.splits import combination_keys
from synthbench.fid import extractors
from synthbench.fid.real_stats import split_features
from synthbench.metrics import table as metrics_table
from synthbench.metrics.diversity import diversity_report, same_class_pairs
from synthbench.names import CLASSIFIER_FEATURES, PIXELS
from synthbench.neighbours.grid import save_pair_grid
from synthbench.neighbours.membership import membership_report
from synthbench.neighbours.memorisation import memorisation_report
from synthbench.neighbours.pixels import chosen_queries, pixel_report, pixel_rows
from synthbench.neighbours.planted import detection, held_out_flags, record_pixels
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


def _pixel_choice(seed: int, settings: dict, synthetic: dict, train: dict, heldout: dict,
                  synthetic_nearest: np.ndarray, heldout_nearest: np.ndarray) -> tuple[dict, int]:
    """Which (seeded subset of) synthetic and held-out queries are compared pixel by pixel with their nearest train
    image, as {side: (query split, query ids, neighbour ids)}, and the seed of those comparisons' bootstrap."""
    rng = seeds.pixel_pairs(seed)
    chosen = {}
    for which, split, queries, nearest_rows in (("synthetic_to_train", "synthetic", synthetic, synthetic_nearest),
                                                ("heldout_to_train", "heldout", heldout, heldout_nearest)):
        rows = chosen_queries(len(queries["image_id"]), settings["pixel_pairs"], rng)
        chosen[which] = (split, queries["image_id"][rows], train["image_id"][nearest_rows[rows, 0]])
    return chosen, int(rng.integers(2 ** 31))


def _diversity_choice(seed: int, settings: dict, synthetic: dict, train: dict) -> dict:
    """Same-class pairs of the synthetic train split and, as the yardstick, of the real train split, as
    {which: (split, image ids [pairs, 2], bootstrap seed)}."""
    rng = seeds.diversity_pairs(seed)
    chosen = {}
    for which, split_name, split in (("synthetic", "synthetic", synthetic), ("real", "train", train)):
        rows = same_class_pairs(combination_keys(split["labels"]), settings["diversity_pairs"], rng)
        chosen[which] = (split_name, split["image_id"][rows], int(rng.integers(2 ** 31)))
    return chosen


def _wanted_images(pixel_chosen: dict, diversity_chosen: dict, closest: list[dict]) -> dict[str, np.ndarray]:
    """Per split, the ids of every image the pixel comparisons, the diversity pairs and the grid need: read in
    one pass over each split's records."""
    wanted = {"synthetic": [p["synthetic_id"] for p in closest], "train": [p["train_id"] for p in closest],
              "heldout": []}
    for split, queries, neighbours in pixel_chosen.values():
        wanted[split] += list(queries)
        wanted["train"] += list(neighbours)
    for split, ids, _ in diversity_chosen.values():
        wanted[split] += list(ids.ravel())
    return {split: np.unique(np.asarray(ids, np.int64)) for split, ids in wanted.items() if ids}


def _split_files(args: argparse.Namespace) -> dict[str, Path]:
    """The records the job reads: the synthetic train split, the real train split and the held-out test split."""
    return {"synthetic": args.synthetic_records, "train": args.train_records, "heldout": args.heldout_records}


def _membership(args: argparse.Namespace, settings: dict, spaces: dict[str, dict[str, tuple]]) -> dict:
    """The attack's report in each space: training (member) against held-out (non-member) patients, by their
    images' distance to the nearest synthetic image. spaces: {space: {split: (image ids, vectors)}}."""
    patients = {}
    for split, records_path in (("train", args.train_records), ("heldout", args.heldout_records)):
        patients[split] = pd.read_csv(records_path.with_suffix(".csv"), usecols=["image_id", "patient_id"],
                                      dtype={"patient_id": str}).set_index("image_id")["patient_id"]
    reports = {}
    for space, splits in spaces.items():
        with threadpool_limits(args.threads):
            distances = {split: nearest(splits[split][1], splits["synthetic"][1], 1,
                                        settings["memory_mb"]).distances[:, 0] for split in ("train", "heldout")}
        reports[space] = membership_report(
            distances["train"], patients["train"].loc[splits["train"][0]].to_numpy(),
            distances["heldout"], patients["heldout"].loc[splits["heldout"][0]].to_numpy(),
            settings["pixel_bootstrap"], args.seed)
    return reports


def _extractor_features(spec: dict, files: dict[str, Path], rows: dict[str, int],
                        meta: dict) -> tuple[str, dict[str, np.ndarray]]:
    """(the extractor's label, {split: features of every row}) of the synthetic, train and held-out records (of
    `rows` rows each) in one extractor's space (spec: name, weights, resize, resize_mode)."""
    extractor = extractors.make_extractor(spec["name"], weights=spec["weights"] and Path(spec["weights"]),
                                          resize=spec["resize"], resize_mode=spec["resize_mode"])
    return extractor.name, {split: split_features(path, path.with_suffix(".csv"), meta["labels"], meta["resolution"],
                                                  extractor, np.arange(rows[split]))[0].astype(np.float32)
                            for split, path in files.items()}


def _planted_detection(args: argparse.Namespace, settings: dict, meta: dict, synthetic: dict, flagged: np.ndarray,
                       pixels: dict[str, tuple]) -> dict:
    """Recall and precision of the check's flags against the planted copies of the train split, in the
    classifier's feature space (the flags themselves), in pixel space and in each --detection-extractors space
    (the same rule on pixels or those features)."""
    table = pd.read_csv(args.planted)
    planted = table.loc[table["split"] == "train", "image_id"].to_numpy()
    spaces = {CLASSIFIER_FEATURES: detection(flagged, synthetic["image_id"], planted)}
    with threadpool_limits(args.threads):
        spaces[PIXELS] = detection(held_out_flags(pixels["synthetic"][1], pixels["train"][1], pixels["heldout"][1],
                                                  settings["memory_mb"]), pixels["synthetic"][0], planted)
    for spec in json.loads(args.detection_extractors_json):
        name, found = _extractor_features(spec, _split_files(args),
                                          {split: len(ids) for split, (ids, _) in pixels.items()}, meta)
        with threadpool_limits(args.threads):
            spaces[name] = detection(held_out_flags(found["synthetic"], found["train"], found["heldout"],
                                                    settings["memory_mb"]), pixels["synthetic"][0], planted)
    return {"planted": str(args.planted), "spaces": spaces}


def detection_rows(report: dict) -> list[dict]:
    """copy_recall and copy_precision of each space (the extractor column), where copies were planted."""
    return [metrics_table.row(f"copy_{name}", found[name], extractor=space, n=found[count])
            for space, found in report.get("planted_copies", {}).get("spaces", {}).items()
            for name, count in (("recall", "planted"), ("precision", "flagged")) if not np.isnan(found[name])]


def membership_rows(attacks: dict) -> list[dict]:
    """mia_auc (with its interval) and mia_tpr_at_1pct_fpr of the attack in each space (the extractor column)."""
    rows = []
    for space, attack in attacks.items():
        patients = attack["member_patients"] + attack["non_member_patients"]
        rows += [metrics_table.row("mia_auc", attack["auc"], extractor=space, ci=attack["ci"], n=patients),
                 metrics_table.row("mia_tpr_at_1pct_fpr", attack["tpr_at_fpr"], extractor=space, n=patients)]
    return rows


def label_fidelity_rows(report: dict) -> list[dict]:
    """trts_mean_auroc and trts_auroc per class (classes with one label value among the fakes left out)."""
    fidelity, count = report["label_fidelity"], report["label_fidelity"]["test_rows"]
    return [metrics_table.row("trts_mean_auroc", fidelity["mean_auroc"], n=count, ci=fidelity["mean_auroc_ci95"]),
            *(metrics_table.row("trts_auroc", values["auroc"], class_name=name, n=count, ci=values["auroc_ci95"])
              for name, values in fidelity["classes"].items() if values["auroc"] is not None)]


def diversity_rows(report: dict) -> list[dict]:
    """diversity_<metric> (synthetic pairs) and diversity_<metric>_real rows, each with its pairs and interval."""
    return [metrics_table.row(f"diversity_{name}{'' if which == 'synthetic' else '_real'}", value["mean"],
                              n=value["pairs"], ci=value["ci"])
            for which, measured in report.items() for name, value in measured["metrics"].items()]


def search(args: argparse.Namespace) -> None:
    configure(args.threads)
    settings = json.loads(args.settings_json)
    meta = json.loads(args.meta.read_text())
    synthetic = features(args.model, args.synthetic_records, meta, args.batch_size, with_scores=True)
    train, heldout = (features(args.model, path, meta, args.batch_size)
                      for path in (args.train_records, args.heldout_records))
    with threadpool_limits(args.threads):
        found = nearest(synthetic["features"], train["features"], settings["k"], settings["memory_mb"])
        baseline = nearest(heldout["features"], train["features"], settings["k"], settings["memory_mb"])
    report = memorisation_report(found.distances[:, 0], baseline.distances[:, 0])
    flagged = found.distances[:, 0] < report["threshold"]
    report["k"] = int(found.indices.shape[1])
    report["closest_pairs"] = _closest_pairs(synthetic, train, found.indices, found.distances[:, 0],
                                             settings["closest_pairs"])
    side, num_labels = meta["resolution"], len(meta["labels"])
    pixel_chosen, pixel_seed = _pixel_choice(args.seed, settings, synthetic, train, heldout, found.indices,
                                             baseline.indices)
    diversity_chosen = _diversity_choice(args.seed, settings, synthetic, train)
    files = _split_files(args)
    images = {split: records.images_by_id(files[split], num_labels, side, ids)
              for split, ids in _wanted_images(pixel_chosen, diversity_chosen, report["closest_pairs"]).items()}

    def stacked(split: str, ids: np.ndarray) -> np.ndarray:
        return np.stack([images[split][int(i)] for i in ids])

    report["pixels"] = pixel_report({which: (stacked(split, queries), stacked("train", neighbours))
                                     for which, (split, queries, neighbours) in pixel_chosen.items()},
                                    side, settings["pixel_bootstrap"], pixel_seed)
    report["diversity"] = {which: diversity_report(stacked(split, ids[:, 0]), stacked(split, ids[:, 1]),
                                                   settings["pixel_bootstrap"], bootstrap_seed)
                           for which, (split, ids, bootstrap_seed) in diversity_chosen.items()}
    pixels = {split: record_pixels(path, num_labels, side) for split, path in files.items()}
    embedded = {"synthetic": synthetic, "train": train, "heldout": heldout}
    report["membership"] = _membership(args, settings, {
        CLASSIFIER_FEATURES: {split: (rows["image_id"], rows["features"]) for split, rows in embedded.items()},
        PIXELS: pixels})
    # Train on real, test on synthetic: does each fake show the labels it was made for, to the real classifier?
    report["label_fidelity"] = auroc_report(synthetic["labels"], synthetic["scores"], meta["labels"],
                                            resamples=settings["pixel_bootstrap"], seed=args.seed)
    if args.planted:
        report["planted_copies"] = _planted_detection(args, settings, meta, synthetic, flagged, pixels)
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
        *membership_rows(report["membership"]), *label_fidelity_rows(report), *detection_rows(report)])
    save_pair_grid(report["closest_pairs"], {**images["synthetic"], **images["train"]}, meta["labels"],
                   report["threshold"], args.title, args.out / "grid.png")
    print(f"{len(flagged)} synthetic images: nearest train distance median "
          f"{report['synthetic_to_train']['q50']:.4f} (held-out {report['heldout_to_train']['q50']:.4f}); "
          f"{report['flagged']} ({100 * report['fraction_below_threshold']:.2f} %) below the held-out 1st "
          f"percentile {report['threshold']:.4f}", flush=True)
    for space, attack in report["membership"].items():
        print(f"membership inference in {space} space: AUC {attack['auc']:.3f} [{attack['ci'][0]:.3f}, "
              f"{attack['ci'][1]:.3f}], TPR {attack['tpr_at_fpr']:.3f} at {100 * attack['fpr']:g} % FPR "
              f"({attack['member_patients']} training, {attack['non_member_patients']} held-out patients)", flush=True)
    for name, value in report["diversity"]["synthetic"]["metrics"].items():
        print(f"diversity: mean {name} of same-class pairs {value['mean']:.4g} (real train "
              f"{report['diversity']['real']['metrics'][name]['mean']:.4g})", flush=True)
    fidelity = report["label_fidelity"]
    print(f"label fidelity (the real-trained classifier on these fakes): mean AUROC {fidelity['mean_auroc']:.3f} "
          f"[{fidelity['mean_auroc_ci95'][0]:.3f}, {fidelity['mean_auroc_ci95'][1]:.3f}]", flush=True)
    for space, found in report.get("planted_copies", {}).get("spaces", {}).items():
        print(f"planted copies in {space} space: {found['detected']} of {found['planted']} flagged (recall "
              f"{found['recall']:.3f}), {found['flagged']} flags (precision {found['precision']:.3f})", flush=True)
    for name, sides in report["pixels"]["metrics"].items():
        print(f"{name} with the nearest train image, median: synthetic "
              f"{sides['synthetic_to_train']['median']:.4g} (held-out {sides['heldout_to_train']['median']:.4g})",
              flush=True)
