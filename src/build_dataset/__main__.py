"""Command line of the dataset builders; Snakemake's rules call one subcommand per job.

    python -m build_dataset index chest --raw DIR --labels ... --uncertain-as 1 --manifest M --skipped S
    python -m build_dataset index brain --raw DIR --labels ... --normal-images N --seed S --manifest M ...
    python -m build_dataset cache chest|brain --manifest M --raw DIR --side 256 --out images_256.h5 ...
    python -m build_dataset split chest classes 4 --manifest M --cache H5 --config-json JSON --seed 0 --out DIR
"""

import argparse
import json
import sys
from pathlib import Path

from build_dataset.arm_data import build_arm
from build_dataset.cache import build_cache
from build_dataset.chexpert import index_chexpert
from build_dataset.decode import Window
from build_dataset.errors import LayoutError, NotEnoughImages
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
    split = steps.add_parser("split", help="write one arm value's TFRecords, CSVs and meta.json")
    split.add_argument("dataset", choices=["chest", "brain"])
    split.add_argument("arm", choices=["resolution", "classes", "samples"])
    split.add_argument("value", type=int)
    split.add_argument("--manifest", type=Path, required=True)
    split.add_argument("--cache", type=Path, required=True)
    split.add_argument("--config-json", required=True, help="the dataset's validated config section, as JSON")
    split.add_argument("--seed", type=int, required=True)
    split.add_argument("--out", type=Path, required=True)
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
        elif args.step == "split":
            meta = build_arm(args.dataset, args.arm, args.value, args.manifest, args.cache,
                             json.loads(args.config_json), args.seed, args.out)
            counts = ", ".join(f"{n} {meta['splits'][n]['images']}" for n in meta["splits"])
            print(f"{args.dataset} {args.arm} {args.value}: {len(meta['classes'])} classes, {counts} images, "
                  f"{meta['resolution']}px, dropped labels {meta['dropped_labels']}", file=sys.stderr)
        else:
            build_cache(args.dataset, args.manifest, args.raw, args.side, args.out, args.processes,
                        args.resize, Window(*args.window))
    except (LayoutError, NotEnoughImages) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
