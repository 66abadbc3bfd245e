"""Command line of the dataset builders; Snakemake's rules call one subcommand per job.

    python -m build_dataset index chest --raw DIR --labels ... --side 256 --manifest M --skipped S --cache H5 ...
    python -m build_dataset index brain --raw DIR --labels ... --normal-images N --seed S --window 40 80 ...
    python -m build_dataset split chest classes 4 --manifest M --cache H5 --config-json JSON --seed 0 --out DIR
"""

import argparse
import json
import sys
from pathlib import Path

from build_dataset.arm_data import build_arm
from build_dataset.decode import Window
from build_dataset.errors import LayoutError, NotEnoughImages
from build_dataset.index import build_index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m build_dataset", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    steps = parser.add_subparsers(dest="step", required=True)
    index = steps.add_parser("index", help="write manifest.csv, skipped.csv and the image cache (h5)")
    index.add_argument("dataset", choices=["chest", "brain"])
    index.add_argument("--raw", type=Path, required=True)
    index.add_argument("--labels", nargs="+", required=True)
    index.add_argument("--side", type=int, required=True, help="side of the cached square images")
    index.add_argument("--manifest", type=Path, required=True)
    index.add_argument("--skipped", type=Path, required=True)
    index.add_argument("--cache", type=Path, required=True)
    index.add_argument("--uncertain-as", type=int, default=1)
    index.add_argument("--resize", choices=["squash", "center_crop"], default="squash")
    index.add_argument("--normal-images", type=int, default=0)
    index.add_argument("--seed", type=int, default=0)
    index.add_argument("--window", type=float, nargs=2, default=(40.0, 80.0), metavar=("CENTER", "WIDTH"))
    index.add_argument("--processes", type=int, default=1)
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
            manifest, skipped = build_index(
                args.dataset, args.raw, args.labels, args.side, args.manifest, args.skipped, args.cache,
                args.processes, uncertain_as=args.uncertain_as, resize=args.resize,
                normal_images=args.normal_images, seed=args.seed, window=Window(*args.window))
            print(f"{args.dataset} index: {len(manifest)} images of {manifest['patient_id'].nunique()} patients, "
                  f"{len(skipped)} skipped (see {args.skipped})", file=sys.stderr)
        else:
            meta = build_arm(args.dataset, args.arm, args.value, args.manifest, args.cache,
                             json.loads(args.config_json), args.seed, args.out)
            counts = ", ".join(f"{n} {meta['splits'][n]['images']}" for n in meta["splits"])
            print(f"{args.dataset} {args.arm} {args.value}: {len(meta['classes'])} classes, {counts} images, "
                  f"{meta['resolution']}px, dropped labels {meta['dropped_labels']}", file=sys.stderr)
    except (LayoutError, NotEnoughImages) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
