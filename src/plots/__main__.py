"""`python -m plots auroc|fid|memorisation ...`: the benchmark's figures, from results files only."""

import argparse
from pathlib import Path

import pandas as pd

from plots.auroc import arm_figure, auroc_points, gap_points, order_sources
from plots.fid_curves import fid_figure, fid_runs, stop_points
from plots.memorisation import memorisation_figure, nearest_distances
from synthbench.atomic import replacing
from synthbench.cli import run
from synthbench.figures import save_png


def _auroc(args: argparse.Namespace) -> None:
    summary = pd.read_csv(args.summary, keep_default_na=False, na_values=[""])
    points = order_sources(auroc_points(summary))
    if points.empty:
        raise ValueError(f"{args.summary}: no mean_auroc rows to plot")
    save_png(arm_figure(points, "mean test AUROC (real test images)", 0.5,
                        "Classifiers trained on real vs synthetic data, tested on real data"), args.out)
    gaps = order_sources(gap_points(summary))
    save_png(arm_figure(gaps, "real - synthetic mean AUROC", 0.0, "How much AUROC synthetic training data costs"),
             args.gap_out)
    with replacing(args.table) as partial:
        pd.concat([points.assign(figure="auroc"), gaps.assign(figure="gap")]).to_csv(partial, index=False)


def _fid(args: argparse.Namespace) -> None:
    runs = fid_runs(args.inputs)
    save_png(fid_figure(runs, args.dataset), args.out)
    with replacing(args.table) as partial:
        stop_points(runs).to_csv(partial, index=False)


def _memorisation(args: argparse.Namespace) -> None:
    save_png(memorisation_figure([nearest_distances(path) for path in args.inputs], args.dataset), args.out)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m plots", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    auroc = commands.add_parser("auroc", help="main figure (AUROC vs arm value) and real - synthetic gap")
    auroc.add_argument("--summary", type=Path, required=True, help="results/summary.csv")
    auroc.add_argument("--gap-out", type=Path, required=True)
    auroc.add_argument("--table", type=Path, required=True, help="CSV of the plotted points")
    auroc.set_defaults(run=_auroc)
    fid = commands.add_parser("fid", help="FID curves of every GAN run of a dataset")
    fid.add_argument("--inputs", type=Path, nargs="+", required=True, help="fid.csv files (training.json beside)")
    fid.add_argument("--table", type=Path, required=True, help="CSV of where each run stopped")
    fid.set_defaults(run=_fid)
    memorisation = commands.add_parser("memorisation", help="nearest-distance histograms of a dataset")
    memorisation.add_argument("--inputs", type=Path, nargs="+", required=True, help="neighbours.npz files")
    memorisation.set_defaults(run=_memorisation)
    for command in (fid, memorisation):
        command.add_argument("--dataset", required=True)
    for command in (auroc, fid, memorisation):
        command.add_argument("--out", type=Path, required=True, help="the PNG to write")
    run(parser, argv)


if __name__ == "__main__":
    main()
