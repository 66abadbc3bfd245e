"""`synthbench attribution maps|compare`: arguments only; the jobs are in `synthbench.attribution.jobs`."""

import argparse
from pathlib import Path

from synthbench.cli import add_threads, job

JOBS = "synthbench.attribution.jobs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    maps = commands.add_parser("maps", help="occlusion maps of one classifier on the chosen real test images")
    maps.add_argument("--model", type=Path, required=True, help="a trained classifier (model.keras)")
    maps.add_argument("--untrained", action="store_true",
                      help="explain with the same network at its seeded random initialisation (sanity floor)")
    maps.add_argument("--explainer", required=True, help="name stored with the maps (source, or 'random')")
    maps.add_argument("--test", type=Path, required=True, help="the arm's real test .tfrecord (with its .csv)")
    maps.add_argument("--seed", type=int, required=True, help="chooses the images and the random initialisation")
    add_threads(maps)
    maps.add_argument("--out", type=Path, required=True, help="the maps .npz to write")
    job(maps, f"{JOBS}:maps")
    compare = commands.add_parser("compare", help="agreement with the real-trained maps, and the panel")
    compare.add_argument("--maps", type=Path, nargs="+", required=True, help="maps .npz of every explainer")
    compare.add_argument("--title", default="", help="first line of the panel's title")
    compare.add_argument("--out", type=Path, required=True, help="folder for attribution.json and panel.png")
    job(compare, f"{JOBS}:compare")
    for command in (maps, compare):
        command.add_argument("--meta", type=Path, required=True, help="the arm's meta.json (labels, resolution)")
        command.add_argument("--settings-json", required=True, help="the config's attribution section as JSON")
