"""`synthbench dataset index|split`: arguments only; the jobs are in `synthbench.datasets.index_job` and
`split_job` (one module each: they run in different environments).

    synthbench dataset index chest --raw DIR --labels ... --side 256 --manifest M --skipped S --cache H5 ...
    synthbench dataset index brain --raw DIR --labels ... --normal-images N --seed S --window 40 80 ...
    synthbench dataset split chest classes 4 --manifest M --cache H5 --config-json JSON --seed 0 --out DIR
    synthbench dataset plan [--raw DIR] [--configfile FILE ... | --config-json JSON] [--out plan.csv]
"""

import argparse
from pathlib import Path

from synthbench.cli import job
from synthbench.names import ARMS, DATASETS


def add_arguments(parser: argparse.ArgumentParser) -> None:
    steps = parser.add_subparsers(dest="step", required=True)
    index = steps.add_parser("index", help="write manifest.csv, skipped.csv and the image cache (h5)")
    index.add_argument("dataset", choices=DATASETS)
    index.add_argument("--raw", type=Path, required=True)
    index.add_argument("--labels", nargs="+", required=True)
    index.add_argument("--side", type=int, required=True, help="side of the cached square images")
    index.add_argument("--manifest", type=Path, required=True)
    index.add_argument("--skipped", type=Path, required=True)
    index.add_argument("--cache", type=Path, required=True)
    index.add_argument("--min-side", type=int, default=1,
                       help="raw images whose short side is below this many pixels are skipped")
    index.add_argument("--uncertain-as", type=int, default=1)
    index.add_argument("--resize", choices=["squash", "center_crop"], default="squash")
    index.add_argument("--normal-images", type=int, default=0)
    index.add_argument("--seed", type=int, default=0)
    index.add_argument("--window", type=float, nargs=2, default=(40.0, 80.0), metavar=("CENTER", "WIDTH"))
    index.add_argument("--processes", type=int, default=1)
    job(index, "synthbench.datasets.index_job:index")
    split = steps.add_parser("split", help="write one arm value's TFRecords, CSVs and meta.json")
    split.add_argument("dataset", choices=DATASETS)
    split.add_argument("arm", choices=ARMS)
    split.add_argument("value", type=int)
    split.add_argument("--manifest", type=Path, required=True)
    split.add_argument("--cache", type=Path, required=True)
    split.add_argument("--config-json", required=True,
                       help="the keys of the dataset's validated config section the job reads (split, arms.<arm>)")
    split.add_argument("--seed", type=int, required=True)
    split.add_argument("--out", type=Path, required=True)
    job(split, "synthbench.datasets.split_job:split")
    plan = steps.add_parser("plan", help="which chest arm values will build, from train.csv alone (seconds, before "
                            "any image is decoded)")
    plan.add_argument("--raw", type=Path, help="the CheXpert-v1.0-small folder (default: datasets.chest.raw_dir)")
    plan.add_argument("--configfile", type=Path, nargs="*", default=[],
                      help="config files overriding config/config.yaml key by key, as snakemake --configfile")
    plan.add_argument("--config-json", help="the workflow's validated seed and chest settings as JSON (rule "
                      "plan_chest), instead of config files")
    plan.add_argument("--out", type=Path, help="also write the plan as CSV, when every value builds")
    job(plan, "synthbench.datasets.plan:plan")
