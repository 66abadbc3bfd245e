"""`synthbench gan train|infer|more`: arguments only; the jobs are in `synthbench.gans.jobs`."""

import argparse
from pathlib import Path

from synthbench.cli import add_threads, job
from synthbench.fid import options
from synthbench.gans import registry

JOBS = "synthbench.gans.jobs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    registry.load_plugins()
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train one generator family on one arm's real data, then write "
                                              "its synthetic splits")
    train.add_argument("--family", choices=registry.names(), required=True, help="a registered generator family")
    train.add_argument("--data", type=Path, required=True, help="the arm's data/ folder (its splits + meta.json)")
    train.add_argument("--train-records", type=Path,
                       help="the real images to learn from (with their .csv), if not the arm's train split: the "
                            "overfit control's few patients; the synthetic splits still mirror the arm's splits")
    train.add_argument("--real-stats", type=Path, required=True, help="cached FID statistics of the train split")
    options.add_arguments(train)
    train.add_argument("--settings-json", required=True, help="the config's gans.<family> section as JSON")
    train.add_argument("--seed", type=int, required=True)
    add_threads(train)
    train.add_argument("--out", type=Path, required=True, help="the run's folder")
    train.add_argument("--synthetic-out", type=Path, required=True,
                       help="folder for the synthetic splits ({split}.tfrecord + .csv)")
    train.add_argument("--features-out", type=Path,
                       help="also keep the extractor's features of the synthetic train split's rows that the real "
                       "statistics were computed from (.npz, for the generator metrics)")
    job(train, f"{JOBS}:train")

    infer = commands.add_parser("infer", help="write synthetic train/valid/test splits from a finished run again")
    infer.add_argument("--network", type=Path, required=True)
    infer.add_argument("--data", type=Path, required=True, help="the arm's real data/ folder")
    infer.add_argument("--seed", type=int, required=True)
    add_threads(infer)
    infer.add_argument("--out", type=Path, required=True, help="the run's synthetic/ folder")
    job(infer, f"{JOBS}:infer")

    more = commands.add_parser("more", help="sample more synthetic train images from a finished run (for real + "
                                            "synthetic mixes above ratio 1)")
    more.add_argument("--network", type=Path, required=True)
    more.add_argument("--data", type=Path, required=True, help="the arm's real data/ folder")
    more.add_argument("--copies", type=int, required=True, help="synthetic images per real train row")
    more.add_argument("--seed", type=int, required=True, help="the run's seed")
    add_threads(more)
    more.add_argument("--out", type=Path, required=True, help="the run's synthetic/ folder (gets more.tfrecord, .csv)")
    job(more, f"{JOBS}:more")
