"""Command line of the demo generator: `python -m demo_data {chest,brain} --out DIR --seed N ...`.

Snakemake's demo rules call this with values from the validated config; it only parses arguments.
"""

import argparse
import sys
from pathlib import Path

from demo_data.brain import write_rsna
from demo_data.chest import write_chexpert


def _pair(text: str) -> tuple[int, int]:
    low, high = (int(part) for part in text.split(","))
    if not 0 < low <= high:
        raise argparse.ArgumentTypeError(f"expected LOW,HIGH with 0 < LOW <= HIGH, got {text!r}")
    return low, high


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo_data", description=__doc__)
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
    brain = sub.add_parser("brain", help="write an RSNA Intracranial Hemorrhage download folder")
    brain.add_argument("--out", type=Path, required=True)
    brain.add_argument("--seed", type=int, required=True)
    brain.add_argument("--patients", type=int, required=True)
    brain.add_argument("--slices", type=_pair, required=True, help="LOW,HIGH slices per patient")
    brain.add_argument("--haemorrhage-fraction", type=float, required=True)
    brain.add_argument("--size", type=int, required=True)
    args = parser.parse_args(argv)
    if args.dataset == "chest":
        counts = write_chexpert(args.out, args.seed, args.train_patients, args.valid_patients, args.max_studies,
                                args.lateral_fraction, args.width, args.heights)
        print(f"wrote {args.out}: {counts['train']} train and {counts['valid']} valid images", file=sys.stderr)
    else:
        count = write_rsna(args.out, args.seed, args.patients, args.slices, args.haemorrhage_fraction, args.size)
        print(f"wrote {args.out}: {count} slices", file=sys.stderr)


if __name__ == "__main__":
    main()
