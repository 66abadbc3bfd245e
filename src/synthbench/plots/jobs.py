"""`synthbench plots auroc|mixes|fid|generator-metrics|memorisation`: the benchmark's figures, from results files only
(arguments in `cli`)."""

import argparse

import pandas as pd

from synthbench.figures import save_png
from synthbench.plots.auroc import arm_figure, auroc_points, equivalent_points, gap_points, order_sources
from synthbench.plots.fid_curves import fid_figure, fid_runs, stop_points
from synthbench.plots.generator_metrics import generator_figure, generator_points
from synthbench.plots.memorisation import memorisation_figure, nearest_distances
from synthbench.plots.mixes import is_mix, mix_points, mixes_figure
from synthbench.report.pages import write_table


def auroc(args: argparse.Namespace) -> None:
    summary = pd.read_csv(args.summary, keep_default_na=False, na_values=[""])
    summary = summary[~is_mix(summary["source"])]  # the mixes have their own figure
    points = order_sources(auroc_points(summary))
    if points.empty:
        raise ValueError(f"{args.summary}: no mean_auroc rows to plot")
    save_png(arm_figure(points, "mean test AUROC (real test images)", 0.5,
                        "Classifiers trained on real vs synthetic data, tested on real data",
                        marked=equivalent_points(summary, points)), args.out)
    gaps = order_sources(gap_points(summary))
    save_png(arm_figure(gaps, "real - synthetic mean AUROC", 0.0, "How much AUROC synthetic training data costs"),
             args.gap_out)
    write_table(pd.concat([points.assign(figure="auroc"), gaps.assign(figure="gap")]), args.table, args.table_page,
                "Mean test AUROC and real - synthetic gap: the plotted points")


def mixes(args: argparse.Namespace) -> None:
    points = mix_points(pd.read_csv(args.summary, keep_default_na=False, na_values=[""]))
    if points.empty:
        raise ValueError(f"{args.summary}: no delta_mean_auroc rows of real + synthetic mixes")
    save_png(mixes_figure(points), args.out)
    write_table(points, args.table, args.table_page, "Real + synthetic mixes: mean test AUROC minus the real "
                "classifier's, per ratio")


def fid(args: argparse.Namespace) -> None:
    runs = fid_runs(args.inputs)
    save_png(fid_figure(runs, args.dataset), args.out)
    write_table(stop_points(runs), args.table, args.table_page, f"{args.dataset}: where each generator run stopped")


def generator_metrics(args: argparse.Namespace) -> None:
    summary = pd.read_csv(args.summary, keep_default_na=False, na_values=[""])
    points = generator_points(summary, args.dataset)
    save_png(generator_figure(points, args.dataset), args.out)
    write_table(points, args.table, args.table_page, f"{args.dataset}: every generator metric, mean over seeds, "
                "with its interval and the real-vs-real ceiling (source real)")


def memorisation(args: argparse.Namespace) -> None:
    save_png(memorisation_figure([nearest_distances(path) for path in args.inputs], args.dataset), args.out)
