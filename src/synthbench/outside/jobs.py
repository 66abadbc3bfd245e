"""`synthbench outside intake`: one arm value of an outside source or a control, made ready for the stages after
the GANs (what a family's training job leaves: synthetic splits, features, sample grid), with planted.csv (the
copies the copycat control planted; no rows for every other source). `synthbench outside subset`: the few real
images the overfit control trains on."""

import argparse
import json
import tempfile
from pathlib import Path

import numpy as np
import pandas as pd

from synthbench import records
from synthbench.atomic import replacing
from synthbench.digest import file_sha256
from synthbench.fid import extractors
from synthbench.fid.real_stats import load_rows, save_split_features
from synthbench.gans.data import TrainImages
from synthbench.gans.grids import save_sample_grid
from synthbench.gans.inference import write_synthetic_splits
from synthbench.gans.sampler import load_run
from synthbench.names import SPLITS
from synthbench.outside.controls import PLANTED, NoiseSampler, write_copycat_splits, write_training_subset
from synthbench.outside.pool import MANIFEST, ImagePool, IntakeError, PoolSampler
from synthbench.runtime import configure

REPORT = "intake.json"
SAMPLES = "samples.png"
NO_COPIES = pd.DataFrame(columns=["split", "image_id", "real_image_id"])


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


def _split_sampler(folder: Path, meta: dict) -> PoolSampler:
    """A sampler over a written synthetic train split (for the sample grid of a source made split by split): labels
    from its CSV, and only the drawn images read from its records, in one pass."""
    table = pd.read_csv(folder / "train.csv")
    records_path, count, side = folder / "train.tfrecord", len(meta["labels"]), meta["resolution"]

    def images_of(chosen: np.ndarray) -> np.ndarray:
        ids = table["image_id"].to_numpy()[chosen]
        found = records.images_by_id(records_path, count, side, ids)
        return np.stack([found[int(image_id)] for image_id in ids])

    return PoolSampler(table[meta["labels"]].to_numpy(np.float32), images_of, meta["labels"], side,
                       "synthetic train", records_path, repeat=True)


def _write_splits(args: argparse.Namespace, meta: dict, unpacked: Path) -> tuple:
    """Writes the source's synthetic splits; returns (a sampler for its sample grid, its planted copies, what the
    report says of the source)."""
    write = lambda sampler_of, batch_size=512: write_synthetic_splits(  # noqa: E731
        sampler_of, args.data, args.seed, args.synthetic_out, batch_size)
    if args.kind == "images":
        pool = ImagePool(args.path, meta["labels"], meta["resolution"])
        pool.check_covers(_real_labels(args.data, meta["labels"]))
        write(pool.sampler, len(pool.rows))
        return pool.sampler("train", repeat=True), NO_COPIES, {
            "path": str(args.path), "manifest_sha256": file_sha256(args.path / MANIFEST), "offered": pool.offered()}
    if args.kind == "package":
        sampler = _package_sampler(args.path, meta, unpacked)
        write(lambda split: sampler)
        return sampler, NO_COPIES, {"path": str(args.path), "package_sha256": file_sha256(args.path)}
    if args.kind == "noise":
        sampler = NoiseSampler(meta["resolution"])
        write(lambda split: sampler)
        return sampler, NO_COPIES, {}
    settings = json.loads(args.settings_json)
    planted = write_copycat_splits(args.base_synthetic, args.data, settings, args.seed, args.synthetic_out)
    return _split_sampler(args.synthetic_out, meta), planted, {"base": str(args.base_synthetic), **settings}


NEEDS = {"images": ("path",), "package": ("path",), "copycat": ("base_synthetic", "settings_json"), "noise": ()}


def intake(args: argparse.Namespace) -> None:
    missing = [f"--{name.replace('_', '-')}" for name in NEEDS[args.kind] if getattr(args, name) is None]
    if missing:
        raise ValueError(f"kind {args.kind} needs {' and '.join(missing)}")
    configure(args.threads, args.seed)
    meta = json.loads((args.data / "meta.json").read_text())
    labels, side = meta["labels"], meta["resolution"]
    extractor = extractors.from_arguments(args)  # before any output: a wrong extractor stops the job early
    with tempfile.TemporaryDirectory() as unpacked:
        grid_sampler, planted, source = _write_splits(args, meta, Path(unpacked))
        images = TrainImages(args.data / "train.tfrecord", args.data / "train.csv", len(labels), side, args.seed)
        save_sample_grid(grid_sampler, images, labels, args.seed, args.out / SAMPLES)
    with replacing(args.out / PLANTED) as partial:
        planted.to_csv(partial, index=False)
    sets = save_split_features(args.features_out, "synthetic", args.synthetic_out / "train.tfrecord",
                               args.synthetic_out / "train.csv", labels, side, extractor,
                               extractors.variants_from_arguments(args, extractor), load_rows(args.real_stats))
    print(f"wrote {args.features_out}: {len(sets['synthetic'])} synthetic train feature vectors", flush=True)
    rows = {split: len(pd.read_csv(args.synthetic_out / f"{split}.csv", usecols=["image_id"])) for split in SPLITS}
    report = {"kind": args.kind, **source, "rows": rows, "planted_copies": len(planted), "seed": args.seed,
              "dataset": meta["dataset"], "arm": meta["arm"], "value": meta["value"], "labels": labels,
              "resolution": side, "extractor": extractor.name}
    with replacing(args.out / REPORT) as partial:
        partial.write_text(json.dumps(report, indent=2) + "\n")
    print(f"wrote {args.out / REPORT}", flush=True)


def subset(args: argparse.Namespace) -> None:
    write_training_subset(args.data, args.images, args.seed, args.out)
