"""`synthbench neighbours`: arguments only; the job is `synthbench.neighbours.jobs.search`."""

import argparse
from pathlib import Path

from synthbench.cli import add_threads, job


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--model", type=Path, required=True,
                        help="the arm's real-trained classifier (model.keras), whose pooled features are searched")
    parser.add_argument("--synthetic-records", type=Path, required=True, help="synthetic train .tfrecord (with .csv)")
    parser.add_argument("--train-records", type=Path, required=True, help="real train .tfrecord (with .csv)")
    parser.add_argument("--heldout-records", type=Path, required=True,
                        help="real test .tfrecord (with .csv): the held-out baseline distances")
    parser.add_argument("--batch-size", type=int, required=True,
                        help="images per feature batch (classifier.batch_size)")
    parser.add_argument("--meta", type=Path, required=True, help="the arm's meta.json (labels, resolution)")
    parser.add_argument("--settings-json", required=True, help="the config's neighbours section as JSON")
    parser.add_argument("--title", default="", help="first line of the grid's title")
    parser.add_argument("--seed", type=int, default=0, help="seed of the queries compared pixel by pixel")
    parser.add_argument("--planted", type=Path, help="the copycat control's planted.csv: score the check's flags "
                        "against the copies it is known to hold")
    parser.add_argument("--detection-extractors-json", default="[]",
                        help="with --planted: more feature spaces to score the check in, as a JSON list of "
                             '{"name", "weights", "resize", "resize_mode"} (synthbench.fid.extractors.make_extractor)')
    add_threads(parser)
    parser.add_argument("--out", type=Path, required=True, help="the job's output folder")
    job(parser, "synthbench.neighbours.jobs:search")
