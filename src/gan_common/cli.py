"""Command lines of the GAN stage.

`python -m gan_prog train ...` / `python -m gan_cpd train ...` train one run (see `train_arguments`);
`python -m gan_common infer ...` writes a run's synthetic splits. The entry points only parse arguments.
"""

import argparse
import json
from pathlib import Path

import keras

from fid import extractors
from fid.real_stats import load_real
from gan_common.data import TrainImages
from gan_common.family import Family
from gan_common.inference import write_synthetic_split
from gan_common.training import RunFiles, Settings, Trainer  # also registers the custom layers for loading
from synthbench.cli import add_threads, run
from synthbench.digest import file_sha256
from synthbench.runtime import configure

SPLITS = ("train", "valid", "test")


def train_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--data", type=Path, required=True, help="the arm's data/ folder (train split + meta.json)")
    parser.add_argument("--real-stats", type=Path, required=True, help="cached FID statistics of the train split")
    extractors.add_arguments(parser)
    parser.add_argument("--settings-json", required=True, help="the config's gans.<name> section as JSON")
    parser.add_argument("--seed", type=int, required=True)
    add_threads(parser)
    parser.add_argument("--out", type=Path, required=True)


def train(family: Family, args: argparse.Namespace) -> None:
    configure(args.threads, args.seed)
    meta = json.loads((args.data / "meta.json").read_text())
    section = json.loads(args.settings_json)
    settings = Settings.from_config(section, meta["resolution"], family.grows)
    real, real_labels = load_real(args.real_stats)
    extractor = extractors.from_arguments(args, meta, seed=args.seed)
    if extractor.name != real.extractor:
        raise ValueError(f"{args.real_stats}: statistics from extractor {real.extractor!r}, "
                         f"this run uses {extractor.name!r}")
    images = TrainImages(args.data / "train.tfrecord", args.data / "train.csv", len(meta["labels"]),
                         meta["resolution"], args.seed)
    # The extractor's weights digest too: a checkpoint whose FID history was measured with another ruler
    # (a retrained real classifier) must not be continued.
    weights_sha256 = file_sha256(args.extractor_weights) if args.extractor_weights else None
    run_config = {"settings": section, "seed": args.seed, "extractor": extractor.name,
                  "extractor_weights_sha256": weights_sha256,
                  "data_config_sha256": meta["config_sha256"], "manifest_sha256": meta["manifest_sha256"]}
    trainer = Trainer(family, settings, images, meta["labels"], real, real_labels, extractor, RunFiles(args.out),
                      args.seed, run_config)
    trainer.train()


def infer(args: argparse.Namespace) -> None:
    configure(args.threads, args.seed)
    meta = json.loads((args.data / "meta.json").read_text())
    generator = keras.saving.load_model(args.network, compile=False)
    latent_size = generator.inputs[0].shape[-1]
    for index, split in enumerate(SPLITS):
        rows = write_synthetic_split(generator, latent_size, args.data / f"{split}.csv", meta["labels"],
                                     args.seed * len(SPLITS) + index, args.out / f"{split}.tfrecord",
                                     args.out / f"{split}.csv")
        print(f"wrote {rows} synthetic {split} rows to {args.out / f'{split}.tfrecord'}", flush=True)


def main(family: Family | None = None, argv: list[str] | None = None) -> None:
    """`train` for a GAN package's entry point (family given); `infer` for gan_common's."""
    parser = argparse.ArgumentParser(prog=f"python -m gan_{family.name}" if family else "python -m gan_common")
    commands = parser.add_subparsers(dest="command", required=True)
    if family is not None:
        training = commands.add_parser("train", help=f"train the {family.name} GAN on one arm's real data")
        train_arguments(training)
        training.set_defaults(run=lambda args: train(family, args))
    else:
        inference = commands.add_parser("infer", help="write synthetic train/valid/test splits from a run")
        inference.add_argument("--network", type=Path, required=True)
        inference.add_argument("--data", type=Path, required=True, help="the arm's real data/ folder")
        inference.add_argument("--seed", type=int, required=True)
        add_threads(inference)
        inference.add_argument("--out", type=Path, required=True, help="the run's synthetic/ folder")
        inference.set_defaults(run=infer)
    run(parser, argv)
