"""The classifier stage's jobs (`synthbench classifier train|evaluate`, arguments in `cli`).

`evaluate` does everything a trained classifier is asked in one process (TensorFlow's start-up costs more than
the work on small data): its test metrics on the arm's real test split and its occlusion maps of the chosen
real test images (`synthbench.attribution.jobs.explain`).
"""

import argparse
import functools
import json
import math
import sys
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench.atomic import replacing
from synthbench.attribution.jobs import explain, save_maps, with_floor
from synthbench.classifier.metrics import auroc_report, roc_table
from synthbench.classifier.mixes import mix_rows
from synthbench.classifier.model import (
    backbone_name,
    build_classifier,
    feature_extractor,
    load_classifier,
    save_classifier,
)
from synthbench.classifier.pipeline import evaluation_batches, training_batches
from synthbench.classifier.settings import steps_per_epoch
from synthbench.classifier.training import TrainSettings, fit, predict
from synthbench.metrics import table as metrics_table
from synthbench.names import REAL
from synthbench.runtime import configure, strategy, use_mixed_precision

MAPS = "maps.npz"  # beside the test metrics: the classifier's occlusion maps (synthbench.attribution)


def _describe(tfrecord: Path) -> dict:
    """Which records a job read: path, rows and image-id range (from the CSV that mirrors them)."""
    ids = pd.read_csv(tfrecord.with_suffix(".csv"), usecols=["image_id"])["image_id"]
    return {"records": str(tfrecord), "rows": int(len(ids)), "image_ids": [int(ids.min()), int(ids.max())]}


def _mix(args: argparse.Namespace, real_rows: int) -> tuple[list[tuple[Path, np.ndarray]], dict]:
    """The synthetic parts of a real + synthetic mix (--mix files, --mix-ratio), as training_batches parts, and
    how inputs.json describes them; no parts without --mix."""
    if not args.mix:
        return [], {}
    files = [_describe(path) for path in args.mix]
    masks = mix_rows([file["rows"] for file in files], args.mix_ratio, real_rows, args.seed)
    return list(zip(args.mix, masks, strict=True)), {
        "ratio": args.mix_ratio, "synthetic_rows": int(sum(mask.sum() for mask in masks)),
        "synthetic": [{**file, "rows_taken": int(mask.sum())} for file, mask in zip(files, masks, strict=True)]}


def train(args: argparse.Namespace) -> None:
    configure(args.threads, args.seed)
    meta = json.loads(args.meta.read_text())
    settings = json.loads(args.settings_json)
    print(f"dtype policy {use_mixed_precision(settings['mixed_precision'])}", file=sys.stderr, flush=True)
    labels, side = meta["labels"], meta["resolution"]
    inputs = {"train": _describe(args.train), "valid": _describe(args.valid), "labels": labels, "seed": args.seed,
              "backbone": settings["backbone"]}
    synthetic, inputs["mix"] = _mix(args, inputs["train"]["rows"])
    rows = inputs["train"]["rows"] + inputs["mix"].get("synthetic_rows", 0)
    if synthetic:
        print(f"real + synthetic mix: {inputs['train']['rows']} real and {rows - inputs['train']['rows']} synthetic "
              f"train rows (ratio {args.mix_ratio:g})", file=sys.stderr, flush=True)
    parts = [(args.train, np.ones(inputs["train"]["rows"], bool)), *synthetic]
    train = functools.partial(training_batches, parts, len(labels), side, settings["batch_size"], args.seed,
                              settings["cache_mb"])
    valid = evaluation_batches(args.valid, len(labels), side, settings["batch_size"])
    args.out.mkdir(parents=True, exist_ok=True)
    with replacing(args.out / "inputs.json") as partial:
        partial.write_text(json.dumps(inputs, indent=2) + "\n")
    steps = steps_per_epoch(settings, rows)
    print(f"{steps} steps of {settings['batch_size']} per epoch, at most {settings['max_epochs']} epochs",
          file=sys.stderr, flush=True)
    train_settings = TrainSettings(**{**{key: settings[key] for key in TrainSettings.__dataclass_fields__
                                         if key != "steps_per_epoch"}, "steps_per_epoch": steps})
    # Over every GPU the job has: the model is built and fitted in one strategy scope, and Keras's fit shares each
    # minibatch out and sums the gradients; batch-norm statistics are each replica's own.
    parallel = strategy()
    if parallel.num_replicas_in_sync > 1:
        print(f"data parallel over {parallel.num_replicas_in_sync} devices", file=sys.stderr, flush=True)
    with parallel.scope():
        model = build_classifier(len(labels), side, settings["input_size"], settings["weights"],
                                 settings["bn_momentum"], settings["backbone"])
        best = fit(model, train, valid, train_settings, args.out / "history.csv", args.out / "checkpoints",
                   run={"settings": settings, **inputs})
    save_classifier(best, len(labels), side, settings["input_size"], settings["backbone"], args.out / "model.keras")


def evaluate(args: argparse.Namespace) -> None:
    configure(args.threads, args.seed)
    meta = json.loads(args.meta.read_text())
    model = load_classifier(args.model)
    args.out.mkdir(parents=True, exist_ok=True)
    _test(model, args.test, meta, json.loads(args.settings_json), args.seed, args.out)
    attribution = json.loads(args.attribution_json)
    maps = explain(model, args.source, args.test, meta, attribution, args.seed)
    if args.source == REAL:
        maps = with_floor(maps, model, args.test, meta, attribution, args.seed)
    save_maps(maps, args.out / MAPS)


def _test(model, test_records: Path, meta: dict, settings: dict, seed: int, out: Path) -> None:
    """test_metrics.json, metrics.csv, roc.csv and predictions.csv of the model on the real test split."""
    names, side = meta["labels"], meta["resolution"]
    test = _describe(test_records)
    labels, scores, ids = predict(model, evaluation_batches(test_records, len(names), side, settings["batch_size"]))
    if len(ids) != test["rows"]:
        raise ValueError(f"{test_records}: predicted {len(ids)} rows, the split has {test['rows']}")
    report = auroc_report(labels, scores, names, resamples=settings["bootstrap"], seed=seed,
                         flip_below_half=settings["flip_below_half"])
    report["test"] = test
    report["backbone"] = backbone_name(model)
    predictions = pd.DataFrame({"image_id": ids})
    for column, name in enumerate(names):
        predictions[name] = labels[:, column].astype(int)
        predictions[f"score {name}"] = scores[:, column]
    with replacing(out / "predictions.csv") as partial:
        predictions.to_csv(partial, index=False)
    with replacing(out / "roc.csv") as partial:
        roc_table(labels, scores, names).to_csv(partial, index=False)
    metrics_table.write(out / metrics_table.FILE, [
        metrics_table.row("mean_auroc", report["mean_auroc"], n=len(ids), ci=report["mean_auroc_ci95"]),
        *(metrics_table.row("auroc", math.nan if result["auroc"] is None else result["auroc"], class_name=name,
                            n=len(ids), ci=result["auroc_ci95"])
          for name, result in report["classes"].items()),
        *([metrics_table.row("mean_auprc", report["mean_auprc"], n=len(ids))] if report["mean_auprc"] is not None
          else []),
        *(metrics_table.row("auprc", result["auprc"], class_name=name, n=len(ids))
          for name, result in report["classes"].items() if result["auprc"] is not None),
        metrics_table.row("brier", report["brier"], n=len(ids)),
        *(metrics_table.row("brier", result["brier"], class_name=name, n=len(ids))
          for name, result in report["classes"].items()),
        metrics_table.row("ece", report["ece"], n=len(ids))])
    with replacing(out / "test_metrics.json") as partial:
        partial.write_text(json.dumps(report, indent=2) + "\n")
    print(f"test mean AUROC {report['mean_auroc']:.4f} (95% CI {report['mean_auroc_ci95'][0]:.4f}-"
          f"{report['mean_auroc_ci95'][1]:.4f}) over {len(ids)} real test rows", flush=True)


def features(model_path: Path, records: Path, meta: dict, batch_size: int,
             with_scores: bool = False) -> dict[str, np.ndarray]:
    """image_id, labels and the real-trained classifier's pooled features of every image of a split: the space
    nearest neighbours are searched in. Computed where they are needed (one process per search, not three). With
    `with_scores`, also its scores (the same pass)."""
    extractor = feature_extractor(load_classifier(model_path), with_scores)
    batches = evaluation_batches(records, len(meta["labels"]), meta["resolution"], batch_size)
    labels, values, ids = predict(extractor, batches)
    expected = _describe(records)["rows"]
    if len(ids) != expected:
        raise ValueError(f"{records}: read {len(ids)} rows, its CSV lists {expected}")
    width = values.shape[1] - (len(meta["labels"]) if with_scores else 0)
    print(f"{width}-d features of {len(ids)} images of {records}", flush=True)
    found = {"image_id": ids, "labels": labels, "features": values[:, :width].astype(np.float32)}
    return {**found, "scores": values[:, width:]} if with_scores else found
