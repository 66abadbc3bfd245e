"""Command line of the dataset builders; Snakemake's rules call one subcommand per job.

    python -m build_dataset index chest --raw DIR --labels ... --uncertain-as 1 --manifest M --skipped S
    python -m build_dataset index brain --raw DIR --labels ... --normal-images N --seed S --manifest M ...
    python -m build_dataset cache chest|brain --manifest M --raw DIR --side 256 --out images_256.h5 ...
"""

import argparse
import sys
from pathlib import Path

from build_dataset.cache import build_cache
from build_dataset.chexpert import LayoutError, index_chexpert
from build_dataset.decode import Window
from build_dataset.manifest import write_tables
from build_dataset.rsna import index_rsna


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_dataset", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    index = steps.add_parser("index", help="write manifest.csv and skipped.csv")
    index.add_argument("dataset", choices=["chest", "brain"])
    index.add_argument("--raw", type=Path, required=True)
    index.add_argument("--labels", nargs="+", required=True)
    index.add_argument("--uncertain-as", type=int, default=1)
    index.add_argument("--normal-images", type=int, default=0)
    index.add_argument("--seed", type=int, default=0)
    index.add_argument("--manifest", type=Path, required=True)
    index.add_argument("--skipped", type=Path, required=True)
    index.add_argument("--processes", type=int, default=1)
    cache = steps.add_parser("cache", help="decode every manifest image into an h5 cache")
    cache.add_argument("dataset", choices=["chest", "brain"])
    cache.add_argument("--manifest", type=Path, required=True)
    cache.add_argument("--raw", type=Path, required=True)
    cache.add_argument("--side", type=int, required=True)
    cache.add_argument("--out", type=Path, required=True)
    cache.add_argument("--resize", choices=["squash", "center_crop"], default="squash")
    cache.add_argument("--window", type=float, nargs=2, default=(40.0, 80.0), metavar=("CENTER", "WIDTH"))
    cache.add_argument("--processes", type=int, default=1)
    args = parser.parse_args(argv)
    try:
        if args.step == "index":
            if args.dataset == "chest":
                manifest, skipped = index_chexpert(args.raw, args.labels, args.uncertain_as, args.processes)
            else:
                manifest, skipped = index_rsna(args.raw, args.labels, args.normal_images, args.seed, args.processes)
            write_tables(manifest, skipped, args.manifest, args.skipped)
            print(f"{args.dataset} index: {len(manifest)} images of {manifest['patient_id'].nunique()} patients, "
                  f"{len(skipped)} skipped (see {args.skipped})", file=sys.stderr)
        else:
            build_cache(args.dataset, args.manifest, args.raw, args.side, args.out, args.processes,
                        args.resize, Window(*args.window))
    except LayoutError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
