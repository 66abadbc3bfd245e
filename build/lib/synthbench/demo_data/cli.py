"""`synthbench demo-data {chest,brain} --out DIR --seed N ...`: arguments only (jobs in `jobs`).

Snakemake's demo rules call this with values from the validated config.
"""

import argparse
from pathlib import Path

from synthbench.cli import job

JOBS = "synthbench.demo_data.jobs"


def _pair(text: str) -> tuple[int, int]:
    low, high = (int(part) for part in text.split(","))
    if not 0 < low <= high:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH with 0 < LOW <= HIGH, got {text!r}")
    return low, high


def add_arguments(parser: argparse.ArgumentParser) -> None:
    sub = parser.add_subparsers(dest="dataset", required=True)
    chest = sub.add_parser("chest", help="write a CheXpert-v1.0-small folder")
    chest.add_argument("--out", type=Path, required=True, help="the CheXpert-v1.0-small folder to write")
    chest.add_argument("--seed", type=int, required=True)
    chest.add_argument("--train-patients", type=int, required=True)
    chest.add_argument("--valid-patients", type=int, required=True)
    chest.add_argument("--max-studies", type=int, required=True)
    chest.add_argument("--lateral-fraction", type=float, required=True)
    chest.add_argument("--width", type=int, required=True)
    chest.add_argument("--heights", type=_pair, required=True, help="LOW,HIGH image heights in pixels")
    job(chest, f"{JOBS}:chest")
    brain = sub.add_parser("brain", help="write an RSNA Intracranial Hemorrhage download folder")
    brain.add_argument("--out", type=Path, required=True)
    brain.add_argument("--seed", type=int, required=True)
    brain.add_argument("--patients", type=int, required=True)
    brain.add_argument("--slices", type=_pair, required=True, help="LOW,HIGH slices per patient")
    brain.add_argument("--haemorrhage-fraction", type=float, required=True)
    brain.add_argument("--size", type=int, required=True)
    job(brain, f"{JOBS}:brain")
