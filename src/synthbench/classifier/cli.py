"""`synthbench classifier train|evaluate|compare`: arguments only; the jobs are in `synthbench.classifier.jobs` and
(compare, no TensorFlow) `synthbench.classifier.compare_job`."""

import argparse
from pathlib import Path

from synthbench.cli import add_threads, job

JOBS = "synthbench.classifier.jobs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    train = commands.add_parser("train", help="train on one source's train split, select on its valid split")
    train.add_argument("--train", type=Path, required=True, help="train .tfrecord (real or synthetic)")
    train.add_argument("--valid", type=Path, required=True, help="valid .tfrecord used for model selection")
    train.add_argument("--mix", type=Path, nargs="+", default=[],
                       help="a real + synthetic mix: the synthetic .tfrecord files whose rows join --train (the twin "
                            "split first, then extra ones), taken in a seeded order")
    train.add_argument("--mix-ratio", type=float, default=1.0,
                       help="synthetic rows per real train row in the mix (default 1)")
    job(train, f"{JOBS}:train")
    evaluate = commands.add_parser("evaluate", help="test on the real test split and explain the chosen test images")
    evaluate.add_argument("--model", type=Path, required=True, help="the trained classifier (model.keras)")
    evaluate.add_argument("--source", required=True,
                          help="whose data trained it (real or a GAN family): names its maps")
    evaluate.add_argument("--test", type=Path, required=True, help="the arm's real test .tfrecord (with its .csv)")
    evaluate.add_argument("--attribution-json", required=True, help="the config's attribution section as JSON")
    job(evaluate, f"{JOBS}:evaluate")
    for command in (train, evaluate):
        command.add_argument("--meta", type=Path, required=True, help="the arm's meta.json (labels, resolution)")
        command.add_argument("--settings-json", required=True,
                             help="the keys of the config's classifier section this job reads, as JSON "
                                  "(synthbench.classifier.settings)")
        add_threads(command)
        command.add_argument("--seed", type=int, required=True)
        command.add_argument("--out", type=Path, required=True, help="the job's output folder")
    compare = commands.add_parser(
        "compare", help="each synthetic-trained classifier against the real-trained one, paired on the test rows")
    compare.add_argument("--real", type=Path, required=True, help="the real-trained classifier's predictions.csv")
    compare.add_argument("--compared", nargs="+", required=True, metavar="SOURCE=PREDICTIONS",
                         help="each synthetic-trained classifier's predictions.csv, by its source name")
    compare.add_argument("--settings-json", required=True, help="bootstrap and equivalence_margin, as JSON")
    compare.add_argument("--seed", type=int, required=True)
    compare.add_argument("--out", type=Path, required=True, help="the comparison's folder")
    job(compare, "synthbench.classifier.compare_job:compare")
