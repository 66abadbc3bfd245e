"""`synthbench metrics`: the benchmark's metrics on anyone's data (arguments only; jobs in `jobs`).

    synthbench metrics features --real R.npy --fake F.npy --metrics fid,kid,prdc --out result.json
    synthbench metrics folders --real DIR --fake DIR --extractor inception --extractor-weights W --out result.json
    synthbench metrics pairs --reference A.npy --distorted B.npy --metrics psnr,ssim --out result.json
    synthbench metrics generator --real-features F.npz [G.npz] --synthetic-features S.npz [T.npz] --settings-json J
        --seed 0 --out DIR
"""

import argparse
from pathlib import Path

from synthbench.cli import job
from synthbench.fid import options as extractor_options
from synthbench.metrics.iqa import PAIR_FUNCTIONS

FEATURE_METRICS = ("fid", "fid_infinity", "kid", "prdc")
PAIR_METRICS = tuple(PAIR_FUNCTIONS)


def _names_from(choices: tuple[str, ...]):
    """A parser of comma-separated metric names, each one of `choices`."""
    def names(text: str) -> list[str]:
        chosen = [name.strip() for name in text.split(",") if name.strip()]
        unknown = sorted(set(chosen) - set(choices))
        if unknown or not chosen:
            raise argparse.ArgumentTypeError(f"unknown metric(s) {', '.join(unknown) or '(none given)'}; "
                                             f"choose from {', '.join(choices)}")
        return chosen
    return names


def _add_metric_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--metrics", type=_names_from(FEATURE_METRICS), default=list(FEATURE_METRICS),
                        help=f"comma-separated, from {', '.join(FEATURE_METRICS)} (default: all)")
    parser.add_argument("--fid-groups", type=int, default=10,
                        help="FID: groups of its jackknife interval (default 10; at most half the smaller set)")
    parser.add_argument("--fid-infinity-points", type=int, default=15,
                        help="FID∞: subset sizes the line is fitted to (default 15)")
    parser.add_argument("--kid-subsets", type=int, default=100, help="KID: random subsets (default 100)")
    parser.add_argument("--kid-subset-size", type=int, default=1000,
                        help="KID: rows per subset (default 1000; capped at the smaller set, with a note)")
    parser.add_argument("--seed", type=int, default=0,
                        help="seed of KID's and FID∞'s subset draws, FID's jackknife groups and PRDC's bootstrap "
                        "(default 0)")
    parser.add_argument("--k", type=int, default=5, help="PRDC: the k-th nearest neighbour radius (default 5)")
    parser.add_argument("--bootstrap", type=int, default=1000,
                        help="PRDC: bootstrap resamples of the per-sample scores for each value's CI (default 1000; "
                        "0: none)")
    parser.add_argument("--ci-level", type=float, default=0.95, help="CI level (default 0.95)")
    parser.add_argument("--memory-mb", type=float, help="PRDC: memory bound of a distance tile (default: a "
                        "quarter of free memory, at most 512 MiB)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True, metavar="<command>")
    features = commands.add_parser(
        "features", help="FID, FID∞, KID and precision / recall / density / coverage of two feature arrays",
        description="Compares synthetic with real feature vectors ([N, D] .npy arrays of one extractor).")
    features.add_argument("--real", type=Path, required=True, help="real features, an [N, D] .npy array")
    features.add_argument("--fake", type=Path, required=True, help="synthetic features, an [M, D] .npy array")
    _add_metric_options(features)
    features.add_argument("--out", type=Path, required=True, help="the result, JSON")
    job(features, "synthbench.metrics.jobs:features")
    folders = commands.add_parser(
        "folders", help="the same metrics of two folders of greyscale PNGs, in an extractor's feature space",
        description="Embeds every PNG of both folders with the chosen extractor, then compares the feature sets.")
    folders.add_argument("--real", type=Path, required=True, help="folder of real images (*.png, one size)")
    folders.add_argument("--fake", type=Path, required=True, help="folder of synthetic images (*.png, that size)")
    extractor_options.add_arguments(folders)
    _add_metric_options(folders)
    folders.add_argument("--out", type=Path, required=True, help="the result, JSON")
    job(folders, "synthbench.metrics.jobs:folders")
    pairs = commands.add_parser(
        "pairs", help="PSNR, SSIM, MS-SSIM, MS-GMSD, HaarPSI and MDSI of image pairs that show the same thing, as "
        "distributions",
        description="Compares each distorted image with its reference image (same row): per-pair values, their "
        "quantiles and a bootstrap CI of the median.")
    pairs.add_argument("--reference", type=Path, required=True,
                       help="[N, H, W] .npy of greyscale images, uint8 or float in [0, 1]")
    pairs.add_argument("--distorted", type=Path, required=True, help="[N, H, W] .npy, row i paired with reference i")
    pairs.add_argument("--metrics", type=_names_from(PAIR_METRICS),
                       help=f"comma-separated, from {', '.join(PAIR_METRICS)} (default: every one the image size "
                       "allows; the others are listed as left out)")
    pairs.add_argument("--bootstrap", type=int, default=1000, help="resamples of the median's CI (default 1000)")
    pairs.add_argument("--ci-level", type=float, default=0.95, help="CI level (default 0.95)")
    pairs.add_argument("--seed", type=int, default=0, help="seed of the bootstrap (default 0)")
    pairs.add_argument("--out", type=Path, required=True, help="the result, JSON")
    job(pairs, "synthbench.metrics.jobs:pairs")
    generator = commands.add_parser(
        "generator", help="the workflow's job: FID, FID∞, KID and PRDC of one generator run, or the real-vs-real "
        "ceiling",
        description="Compares a run's synthetic train features with the real train features they are twins of "
        "(without --synthetic-features: the real held-out features, the ceiling); writes metrics.json and "
        "metrics.csv in --out.")
    generator.add_argument("--real-features", type=Path, nargs="+", required=True,
                           help="the FID statistics jobs' features.npz (sets `train` and `heldout`), one per extractor")
    generator.add_argument("--synthetic-features", type=Path, nargs="+",
                           help="the run's features.npz (set `synthetic`), one per --real-features file, same order")
    generator.add_argument("--settings-json", required=True, help="the config's generator_metrics section as JSON")
    generator.add_argument("--seed", type=int, required=True, help="seed of KID's subsets and the bootstraps")
    generator.add_argument("--threads", type=int, help="BLAS threads of the distance and kernel products "
                           "(default: all)")
    generator.add_argument("--out", type=Path, required=True, help="the run's metrics folder")
    job(generator, "synthbench.metrics.jobs:generator")
