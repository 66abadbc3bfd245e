"""Writes one arm value's dataset: {train,valid,test}.tfrecord + .csv and meta.json, all renamed to their
final names together at the end, meta.json last (`atomic.replacing_together`).

Images come from the h5 cache in blocks (memory stays bounded), resized with anti-aliasing to the arm's
side; label columns without a positive in train are dropped. The CSVs mirror the TFRecords row by row
(image_id, patient_id, labels).
"""

import json
from pathlib import Path

import numpy as np
from PIL import Image

from synthbench.atomic import replacing_together
from synthbench.config import section_hash
from synthbench.datasets.cache import iter_rows
from synthbench.datasets.manifest import label_columns, read_manifest
from synthbench.datasets.splits import SPLITS, combination_keys, kept_labels, split_arm
from synthbench.digest import file_sha256
from synthbench.progress import Progress
from synthbench.records import RecordWriter


def resize_all(images: np.ndarray, side: int) -> np.ndarray:
    if images.shape[1] == side:
        return images
    return np.stack([np.asarray(Image.fromarray(image).resize((side, side), Image.Resampling.LANCZOS))
                     for image in images]) if len(images) else np.zeros((0, side, side), np.uint8)


def write_records(path: Path, rows: np.ndarray, cache_path: Path, manifest_path: Path, side: int,
                  labels: np.ndarray, image_ids: np.ndarray, label: str) -> None:
    """The TFRecord of the manifest `rows`: cached images resized to `side`, in blocks (bounded memory at any
    dataset size), with a progress line (`label`) every few seconds in the job's log."""
    progress = Progress(len(rows), label)
    with RecordWriter(path) as writer:
        start = 0
        for block in iter_rows(cache_path, rows, manifest_path):
            block_rows = rows[start:start + len(block)]
            start += len(block)
            writer.write(resize_all(block, side), labels[block_rows], image_ids[block_rows])
            progress.update(len(block))


def build_arm(dataset: str, arm: str, value: int, manifest_path: Path, cache_path: Path, dataset_config: dict,
              seed: int, out_dir: Path) -> dict:
    """Builds the dataset of (dataset, arm, value) under `out_dir`; returns the meta.json content."""
    settings = dataset_config["arms"][arm]
    side = value if arm == "resolution" else settings["resolution"]
    manifest = read_manifest(manifest_path)
    names = label_columns(manifest)
    split = split_arm(manifest, names, arm, value, dataset_config["arms"], dataset_config["split"], seed, dataset)
    labels = manifest[names].to_numpy()
    keep = kept_labels(labels, split, names, f"dataset {dataset}, arm {arm}, value {value}")
    kept_names = [names[i] for i in keep]
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    class_names = {key: [names[i] for i, bit in enumerate(key) if bit == "1"] for key in split.classes}
    keys = combination_keys(labels)
    per_split = {}
    outputs = [out_dir / f"{name}{suffix}" for name in SPLITS for suffix in (".tfrecord", ".csv")]
    kept_labels_float, image_ids = labels[:, keep].astype(np.float32), manifest["image_id"].to_numpy()
    with replacing_together([*outputs, out_dir / "meta.json"]) as partials:
        written = dict(zip(outputs, partials, strict=False))
        for name in SPLITS:
            rows = split.rows[name]
            table = manifest.iloc[rows][["image_id", "patient_id", *kept_names]].reset_index(drop=True)
            write_records(written[out_dir / f"{name}.tfrecord"], rows, cache_path, manifest_path, side,
                          kept_labels_float, image_ids, f"{dataset} {arm} {value} {name}: images to {side}px")
            table.to_csv(written[out_dir / f"{name}.csv"], index=False)
            per_split[name] = {
                "images": int(len(rows)),
                "patients": int(table["patient_id"].nunique()),
                "positives_per_label": {n: int(table[n].sum()) for n in kept_names},
                "images_per_class": {"+".join(class_names[k]) or "(none)": int((keys[rows] == k).sum())
                                     for k in split.classes},
            }
        meta = {
            "dataset": dataset, "arm": arm, "value": value, "resolution": side, "seed": seed,
            "labels": kept_names, "dropped_labels": [n for n in names if n not in kept_names],
            "classes": [class_names[k] for k in split.classes], "splits": per_split,
            "config_sha256": section_hash({"dataset": dataset_config, "seed": seed}),
            "manifest_sha256": file_sha256(manifest_path),
        }
        partials[-1].write_text(json.dumps(meta, indent=2) + "\n")
    return meta
