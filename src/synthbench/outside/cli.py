"""`synthbench outside intake|subset`: arguments only; the jobs are in `synthbench.outside.jobs`."""

import argparse
from pathlib import Path

from synthbench.cli import add_threads, job
from synthbench.fid import options
from synthbench.names import INTAKE_CONTROLS

KINDS = ("images", "package", *INTAKE_CONTROLS)


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    intake = commands.add_parser(
        "intake", help="enter an outside source (images folder or generator package) or a control into one arm value",
        description="Writes the source's synthetic splits (one image per real row, with its labels), their features "
        "and a sample grid, as a family's training job does, after checking it against the arm's data.")
    intake.add_argument("--kind", choices=KINDS, required=True,
                        help="images: a folder of PNGs with manifest.csv; package: a `models export` .zip; copycat "
                        "and noise: the controls")
    intake.add_argument("--path", type=Path, help="the images folder or the package (images, package)")
    intake.add_argument("--base-synthetic", type=Path,
                        help="copycat: the base family's synthetic/ folder, whose rows the copies replace")
    intake.add_argument("--settings-json", help="copycat: the config's controls.copycat section as JSON")
    intake.add_argument("--data", type=Path, required=True, help="the arm's data/ folder (its splits + meta.json)")
    intake.add_argument("--real-stats", type=Path, required=True,
                        help="cached FID statistics of the train split (their rows choose the features kept)")
    options.add_arguments(intake)
    intake.add_argument("--seed", type=int, required=True, help="seed of the draws of images (or of noise)")
    add_threads(intake)
    intake.add_argument("--out", type=Path, required=True, help="the source's run folder (intake.json, samples.png)")
    intake.add_argument("--synthetic-out", type=Path, required=True,
                        help="folder for the synthetic splits ({split}.tfrecord + .csv)")
    intake.add_argument("--features-out", type=Path, required=True,
                        help="the extractor's features of the synthetic twins of the statistics' rows (.npz)")
    job(intake, "synthbench.outside.jobs:intake")

    subset = commands.add_parser(
        "subset", help="the overfit control's training data: a few whole patients of an arm's real train split")
    subset.add_argument("--data", type=Path, required=True, help="the arm's data/ folder (train split + meta.json)")
    subset.add_argument("--images", type=int, required=True,
                        help="take whole patients until at least this many images")
    subset.add_argument("--seed", type=int, required=True, help="the run's seed (the order of patients)")
    subset.add_argument("--out", type=Path, required=True, help="folder for train.tfrecord + train.csv")
    job(subset, "synthbench.outside.jobs:subset")
