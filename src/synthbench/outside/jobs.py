"""`synthbench outside intake`: one arm value of an outside source, made ready for the stages after the GANs."""

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench.atomic import replacing
from synthbench.digest import file_sha256
from synthbench.fid import extractors
from synthbench.fid.real_stats import load_rows, save_split_features
from synthbench.gans.data import TrainImages
from synthbench.gans.grids import save_sample_grid
from synthbench.gans.inference import write_synthetic_splits
from synthbench.gans.sampler import load_run
from synthbench.names import SPLITS
from synthbench.outside.pool import MANIFEST, ImagePool, IntakeError
from synthbench.runtime import configure

REPORT = "intake.json"
SAMPLES = "samples.png"


def _real_labels(data: Path, labels: list[str]) -> dict[str, np.ndarray]:
    return {split: pd.read_csv(data / f"{split}.csv", usecols=labels)[labels].to_numpy(np.float32)
            for split in SPLITS}


def _package_sampler(package: Path, meta: dict, unpacked: Path):
    """The sampler of a generator package, checked (as `models import` checks it) and made for this arm."""
    from synthbench.catalogue.packages import import_package

    sampler = load_run(import_package(package, unpacked))
    if sampler.label_names != meta["labels"] or sampler.side != meta["resolution"]:
        raise IntakeError(f"{package}: a generator of {sampler.side} px images labelled "
                          f"{', '.join(sampler.label_names)}; this arm's are {meta['resolution']} px, labelled "
                          f"{', '.join(meta['labels'])}")
    return sampler


def intake(args: argparse.Namespace) -> None:
    configure(args.threads, args.seed)
    meta = json.loads((args.data / "meta.json").read_text())
    labels, side = meta["labels"], meta["resolution"]
    extractor = extractors.from_arguments(args)  # before any output: a wrong extractor stops the job early
    with tempfile.TemporaryDirectory() as unpacked:
        if args.kind == "images":
            pool = ImagePool(args.path, labels, side)
            pool.check_covers(_real_labels(args.data, labels))
            sampler_of, source = pool.sampler, {"manifest_sha256": file_sha256(args.path / MANIFEST),
                                                "offered": pool.offered()}
            batch_size = len(pool.rows)
        else:
            sampler = _package_sampler(args.path, meta, Path(unpacked))
            sampler_of, source, batch_size = (lambda split: sampler), {"package_sha256": file_sha256(args.path)}, 512
        write_synthetic_splits(sampler_of, args.data, args.seed, args.synthetic_out, batch_size)
        images = TrainImages(args.data / "train.tfrecord", args.data / "train.csv", len(labels), side, args.seed)
        save_sample_grid(sampler_of("train"), images, labels, args.seed, args.out / SAMPLES)
    sets = save_split_features(args.features_out, "synthetic", args.synthetic_out / "train.tfrecord",
                               args.synthetic_out / "train.csv", labels, side, extractor,
                               extractors.variants_from_arguments(args, extractor), load_rows(args.real_stats))
    print(f"wrote {args.features_out}: {len(sets['synthetic'])} synthetic train feature vectors", flush=True)
    rows = {split: len(pd.read_csv(args.synthetic_out / f"{split}.csv", usecols=["image_id"])) for split in SPLITS}
    report = {"kind": args.kind, "path": str(args.path), **source, "rows": rows, "seed": args.seed,
              "dataset": meta["dataset"], "arm": meta["arm"], "value": meta["value"], "labels": labels,
              "resolution": side, "extractor": extractor.name}
    with replacing(args.out / REPORT) as partial:
        partial.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out / REPORT}", flush=True)
