"""`synthbench dataset index` (arguments in `cli`): the raw download's manifest, skipped list and image cache.

Its own module, apart from the split job, because the two run in different environments: the index decodes
JPEG and DICOM (pydicom, in envs/data.yaml) and needs no TensorFlow; the split writes TFRecords.
"""

import argparse
import sys

from synthbench.datasets.decode import Window
from synthbench.datasets.index import build_index


def index(args: argparse.Namespace) -> None:
    manifest, skipped = build_index(
        args.dataset, args.raw, args.labels, args.side, args.manifest, args.skipped, args.cache,
        args.processes, min_side=args.min_side, uncertain_as=args.uncertain_as, resize=args.resize,
        normal_images=args.normal_images, seed=args.seed, window=Window(*args.window))
    print(f"{args.dataset} index: {len(manifest)} images of {manifest['patient_id'].nunique()} patients, "
          f"{len(skipped)} skipped (see {args.skipped})", file=sys.stderr)
