"""`synthbench summary`: results/summary.csv, summary_mean.csv, fid_rank_agreement.csv, catalogue.csv and
paired_tests.csv from every job's result files."""

import argparse

from synthbench.report.pages import write_table
from synthbench.summary.catalogue_table import catalogue_table
from synthbench.summary.collect import mean_over_seeds, summary_table
from synthbench.summary.paired_tests import paired_tests
from synthbench.summary.rank_agreement import rank_agreement


def summarise(args: argparse.Namespace) -> None:
    table = summary_table(args.inputs)
    write_table(table, args.out, args.page, "Every number of this run")
    write_table(mean_over_seeds(table), args.mean_out, args.mean_page, "Every number, mean over seeds")
    write_table(rank_agreement(table), args.rank_out, args.rank_page,
                "Agreement of the extractors' FID rankings of each arm's generator runs")
    write_table(catalogue_table(table, tuple(args.uncatalogued_sources)), args.catalogue_out, args.catalogue_page,
                "Every trained generator, by its catalogue id")
    write_table(paired_tests(table), args.paired_out, args.paired_page,
                "Synthetic-trained against real-trained classifiers on the same test rows")
    print(f"{len(table)} numbers from {len(args.inputs)} files", flush=True)
