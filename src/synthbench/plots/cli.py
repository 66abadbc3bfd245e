"""`synthbench plots auroc|mixes|fid|generator-metrics|memorisation`: arguments only; the jobs are in
`synthbench.plots.jobs`."""

import argparse
from pathlib import Path

from synthbench.cli import job

JOBS = "synthbench.plots.jobs"


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    auroc = commands.add_parser("auroc", help="main figure (AUROC vs arm value) and real - synthetic gap")
    auroc.add_argument("--summary", type=Path, required=True, help="results/summary.csv")
    auroc.add_argument("--gap-out", type=Path, required=True)
    auroc.add_argument("--table", type=Path, required=True, help="CSV of the plotted points")
    job(auroc, f"{JOBS}:auroc")
    mixes = commands.add_parser("mixes", help="real + synthetic mixes: AUROC gain over real against the ratio")
    mixes.add_argument("--summary", type=Path, required=True, help="results/summary.csv")
    mixes.add_argument("--table", type=Path, required=True, help="CSV of the plotted points")
    job(mixes, f"{JOBS}:mixes")
    fid = commands.add_parser("fid", help="FID curves of every generator run of a dataset")
    fid.add_argument("--inputs", type=Path, nargs="+", required=True, help="fid.csv files (training.json beside)")
    fid.add_argument("--table", type=Path, required=True, help="CSV of where each run stopped")
    job(fid, f"{JOBS}:fid")
    generator_metrics = commands.add_parser(
        "generator-metrics", help="every generator metric against the arm value, with the real-vs-real ceiling")
    generator_metrics.add_argument("--summary", type=Path, required=True, help="results/summary.csv")
    generator_metrics.add_argument("--table", type=Path, required=True, help="CSV of the plotted points")
    job(generator_metrics, f"{JOBS}:generator_metrics")
    memorisation = commands.add_parser("memorisation", help="nearest-distance histograms of a dataset")
    memorisation.add_argument("--inputs", type=Path, nargs="+", required=True, help="neighbours.npz files")
    job(memorisation, f"{JOBS}:memorisation")
    for command in (auroc, mixes, fid, generator_metrics):
        command.add_argument("--table-page", type=Path, help="the same table as an HTML page for the report")
    for command in (fid, generator_metrics, memorisation):
        command.add_argument("--dataset", required=True)
    for command in (auroc, mixes, fid, generator_metrics, memorisation):
        command.add_argument("--out", type=Path, required=True, help="the PNG to write")
