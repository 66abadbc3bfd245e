"""`synthbench dataset split` (arguments in `cli`): one arm value's TFRecords, CSVs and meta.json, from the
image cache (TensorFlow, in envs/tensorflow.yaml; no decoding of raw files, so no pydicom)."""

import argparse
import json
import sys

from synthbench.datasets.arm_data import build_arm


def split(args: argparse.Namespace) -> None:
    meta = build_arm(args.dataset, args.arm, args.value, args.manifest, args.cache,
                     json.loads(args.config_json), args.seed, args.out)
    counts = ", ".join(f"{n} {meta['splits'][n]['images']}" for n in meta["splits"])
    print(f"{args.dataset} {args.arm} {args.value}: {len(meta['classes'])} classes, {counts} images, "
          f"{meta['resolution']}px, dropped labels {meta['dropped_labels']}", file=sys.stderr)
