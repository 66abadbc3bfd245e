"""`synthbench attribution compare`: arguments only; the jobs are in `synthbench.attribution.jobs`."""

import argparse
from pathlib import Path

from synthbench.cli import add_threads, job

JOBS = "synthbench.attribution.jobs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    compare = commands.add_parser("compare", help="agreement with the real-trained maps, and the panel")
    compare.add_argument("--maps", type=Path, nargs="+", required=True,
                         help="maps .npz of every trained classifier of the arm and seed (classifier evaluate)")
    compare.add_argument("--untrained-from", type=Path, required=True,
                         help="the real-trained classifier, whose architecture at its seeded random initialisation "
                              "is explained as the sanity floor")
    compare.add_argument("--test", type=Path, required=True, help="the arm's real test .tfrecord (with its .csv)")
    compare.add_argument("--seed", type=int, required=True, help="chooses the images and the random initialisation")
    add_threads(compare)
    compare.add_argument("--title", default="", help="first line of the panel's title")
    compare.add_argument("--out", type=Path, required=True, help="folder for attribution.json and panel.png")
    job(compare, f"{JOBS}:compare")
    compare.add_argument("--meta", type=Path, required=True, help="the arm's meta.json (labels, resolution)")
    compare.add_argument("--settings-json", required=True, help="the config's attribution section as JSON")
