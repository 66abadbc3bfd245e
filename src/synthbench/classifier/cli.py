"""`synthbench classifier train|test|features`: arguments only; the jobs are in `synthbench.classifier.jobs`."""

import argparse
from pathlib import Path

from synthbench.cli import add_threads, job

JOBS = "synthbench.classifier.jobs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train on one source's train split, select on its valid split")
    train.add_argument("--train", type=Path, required=True, help="train .tfrecord (real or synthetic)")
    train.add_argument("--valid", type=Path, required=True, help="valid .tfrecord used for model selection")
    job(train, f"{JOBS}:train")
    test = commands.add_parser("test", help="test the selected weights on the real test split")
    test.add_argument("--model", type=Path, required=True, help="the trained classifier (model.keras)")
    test.add_argument("--test", type=Path, required=True, help="the arm's real test .tfrecord")
    job(test, f"{JOBS}:test")
    features = commands.add_parser("features", help="1024-d average-pool features of every image of a split")
    features.add_argument("--model", type=Path, required=True, help="a real-trained classifier (model.keras)")
    features.add_argument("--records", type=Path, required=True, help=".tfrecord whose images are described")
    job(features, f"{JOBS}:features")
    for command in (train, test, features):
        command.add_argument("--meta", type=Path, required=True, help="the arm's meta.json (labels, resolution)")
        command.add_argument("--settings-json", required=True,
                             help="the keys of the config's classifier section this job reads, as JSON "
                                  "(synthbench.classifier.settings)")
        add_threads(command)
    for command in (train, test):
        command.add_argument("--seed", type=int, required=True)
        command.add_argument("--out", type=Path, required=True, help="the job's output folder")
    features.add_argument("--out", type=Path, required=True, help="the .npz to write (image_id, labels, features)")
