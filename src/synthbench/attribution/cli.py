"""`synthbench attribution compare`: arguments only; the job is `synthbench.attribution.compare.compare`."""

import argparse
from pathlib import Path

from synthbench.cli import job


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    compare = commands.add_parser("compare", help="agreement with the real-trained maps, and the panel")
    compare.add_argument("--maps", type=Path, nargs="+", required=True,
                         help="maps .npz of every trained classifier of the arm and seed (classifier evaluate; the "
                              "real-trained one's holds the untrained floor too)")
    compare.add_argument("--title", default="", help="first line of the panel's title")
    compare.add_argument("--out", type=Path, required=True, help="folder for attribution.json and panel.png")
    job(compare, "synthbench.attribution.compare:compare")
    compare.add_argument("--meta", type=Path, required=True, help="the arm's meta.json (labels, resolution)")
    compare.add_argument("--settings-json", required=True, help="the config's attribution section as JSON")
