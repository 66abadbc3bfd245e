"""The dataset stage's jobs (`synthbench dataset index|split`, arguments in `cli`)."""

import argparse
import json
import sys

from synthbench.datasets.arm_data import build_arm
from synthbench.datasets.decode import Window
from synthbench.datasets.index import build_index


def index(args: argparse.Namespace) -> None:
    manifest, skipped = build_index(
        args.dataset, args.raw, args.labels, args.side, args.manifest, args.skipped, args.cache,
        args.processes, uncertain_as=args.uncertain_as, resize=args.resize,
        normal_images=args.normal_images, seed=args.seed, window=Window(*args.window))
    print(f"{args.dataset} index: {len(manifest)} images of {manifest['patient_id'].nunique()} patients, "
          f"{len(skipped)} skipped (see {args.skipped})", file=sys.stderr)


def split(args: argparse.Namespace) -> None:
    meta = build_arm(args.dataset, args.arm, args.value, args.manifest, args.cache,
                     json.loads(args.config_json), args.seed, args.out)
    counts = ", ".join(f"{n} {meta['splits'][n]['images']}" for n in meta["splits"])
    print(f"{args.dataset} {args.arm} {args.value}: {len(meta['classes'])} classes, {counts} images, "
          f"{meta['resolution']}px, dropped labels {meta['dropped_labels']}", file=sys.stderr)
