"""The GAN stage's jobs: `synthbench gan train --family NAME ...` trains one run of a registered family and
writes its synthetic splits from the selected generator (one process: TensorFlow's start-up costs more than
generating small splits); `synthbench gan infer ...` writes them again from a finished run (arguments in
`cli`)."""

import argparse
import json
from pathlib import Path

from synthbench import __version__
from synthbench.catalogue.cards import CARD_VERSION, CITATION, MODEL_LICENCE, dataset_facts
from synthbench.config import section_hash
from synthbench.digest import file_sha256
from synthbench.fid import extractors
from synthbench.fid.real_stats import load_real, load_rows, save_split_features
from synthbench.gans import registry
from synthbench.gans.data import TrainImages
from synthbench.gans.inference import write_more_synthetic, write_synthetic_splits
from synthbench.gans.sampler import CARD, load_run
from synthbench.gans.training import RunFiles, Settings, Trainer  # also registers the custom layers for loading
from synthbench.runtime import configure, strategy


def train(args: argparse.Namespace) -> None:
    family = registry.entry(args.family).load()
    configure(args.threads, args.seed)
    meta = json.loads((args.data / "meta.json").read_text())
    section = json.loads(args.settings_json)
    settings = Settings.from_config(section, meta["resolution"], family)
    real, real_labels = load_real(args.real_stats)
    extractor = extractors.from_arguments(args)
    if extractor.name != real.extractor:
        raise ValueError(f"{args.real_stats}: statistics from extractor {real.extractor!r}, "
                         f"this run uses {extractor.name!r}")
    train_records = args.train_records or args.data / "train.tfrecord"
    images = TrainImages(train_records, train_records.with_suffix(".csv"), len(meta["labels"]), meta["resolution"],
                         args.seed)
    # The extractor's weights digest too: a checkpoint whose FID history was measured with another ruler
    # (a retrained real classifier) must not be continued.
    weights_sha256 = file_sha256(args.extractor_weights) if args.extractor_weights else None
    run_config = {"settings": section, "seed": args.seed, "extractor": extractor.name,
                  "extractor_weights_sha256": weights_sha256,
                  "data_config_sha256": meta["config_sha256"], "manifest_sha256": meta["manifest_sha256"],
                  **({"train_records_sha256": file_sha256(train_records)} if args.train_records else {})}
    card = {"card_version": CARD_VERSION, "family": args.family, "dataset": meta["dataset"],
            **dataset_facts(meta["dataset"]), "arm": meta["arm"], "value": meta["value"],
            "resolution": meta["resolution"], "labels": meta["labels"], "seed": args.seed,
            "settings_sha256": section_hash(section),
            "training_data_sha256": file_sha256(train_records), "synthbench_version": __version__,
            "licence": MODEL_LICENCE, "citation": CITATION}
    trainer = Trainer(args.family, family, settings, images, meta["labels"], real, real_labels, extractor,
                      RunFiles(args.out), args.seed, run_config, card=card, strategy=strategy())
    trainer.train()
    write_run_splits(args.out, args.data, args.seed, args.synthetic_out)
    if args.features_out:
        # Here, not in a job of its own: the extractor is loaded already, and a process costs more than this.
        sets = save_split_features(args.features_out, "synthetic", args.synthetic_out / "train.tfrecord",
                                   args.synthetic_out / "train.csv", meta["labels"], meta["resolution"], extractor,
                                   extractors.variants_from_arguments(args, extractor), load_rows(args.real_stats))
        print(f"wrote {args.features_out}: {len(sets['synthetic'])} synthetic train feature vectors "
              f"({', '.join(sets)})", flush=True)


def _run_sampler(run: Path, data: Path):
    """A finished run's selected generator, checked to draw the labels of `data`."""
    meta = json.loads((data / "meta.json").read_text())
    sampler = load_run(run)
    if sampler.label_names != meta["labels"]:
        raise ValueError(f"{run / CARD}: generator of labels {sampler.label_names}, "
                         f"{data / 'meta.json'} has {meta['labels']}")
    return sampler


def write_run_splits(run: Path, data: Path, seed: int, out: Path) -> None:
    """The synthetic splits of `data` from a finished run's selected generator."""
    sampler = _run_sampler(run, data)
    write_synthetic_splits(lambda split: sampler, data, seed, out)


def infer(args: argparse.Namespace) -> None:
    configure(args.threads, args.seed)
    write_run_splits(args.network.parent, args.data, args.seed, args.out)


def more(args: argparse.Namespace) -> None:
    configure(args.threads, args.seed)
    rows = write_more_synthetic(_run_sampler(args.network.parent, args.data), args.data, args.copies, args.seed,
                                args.out)
    print(f"wrote {rows} more synthetic train rows ({args.copies} per real train row) to {args.out}", flush=True)
