"""`synthbench summary`: results/summary.csv and summary_mean.csv from every job's result files."""

import argparse

from synthbench.atomic import replacing
from synthbench.summary.collect import mean_over_seeds, summary_table


def summarise(args: argparse.Namespace) -> None:
    table = summary_table(args.inputs)
    with replacing(args.out) as partial:
        table.to_csv(partial, index=False)
    with replacing(args.mean_out) as partial:
        mean_over_seeds(table).to_csv(partial, index=False)
    print(f"{len(table)} numbers from {len(args.inputs)} files", flush=True)
