"""The demo generator's jobs (`synthbench demo-data chest|brain`, arguments in `cli`)."""

import argparse
import sys

from synthbench.demo_data.brain import write_rsna
from synthbench.demo_data.chest import write_chexpert


def chest(args: argparse.Namespace) -> None:
    counts = write_chexpert(args.out, args.seed, args.train_patients, args.valid_patients, args.max_studies,
                            args.lateral_fraction, args.width, args.heights)
    print(f"wrote {args.out}: {counts['train']} train and {counts['valid']} valid images", file=sys.stderr)


def brain(args: argparse.Namespace) -> None:
    count = write_rsna(args.out, args.seed, args.patients, args.slices, args.haemorrhage_fraction, args.size)
    print(f"wrote {args.out}: {count} slices", file=sys.stderr)
