"""`synthbench summary --inputs FILE... --out summary.csv --mean-out summary_mean.csv --rank-out
fid_rank_agreement.csv --catalogue-out catalogue.csv --paired-out paired_tests.csv` (job in `jobs`)."""

import argparse
from pathlib import Path

from synthbench.cli import job


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--inputs", type=Path, nargs="+", required=True,
                        help="the per-run metrics.csv tables of every job that measures something")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--mean-out", type=Path, required=True)
    parser.add_argument("--page", type=Path, help="the summary as an HTML page for the report")
    parser.add_argument("--mean-page", type=Path, help="the mean over seeds as an HTML page for the report")
    parser.add_argument("--rank-out", type=Path, required=True,
                        help="agreement of the FID rankings by each pair of extractors, per arm")
    parser.add_argument("--rank-page", type=Path, help="the rank agreement as an HTML page for the report")
    parser.add_argument("--catalogue-out", type=Path, required=True,
                        help="every trained generator by its catalogue id, with FID, KID and test AUROC")
    parser.add_argument("--uncatalogued-sources", nargs="*", default=[],
                        help="sources not trained here (outside sources, controls): left out of the catalogue")
    parser.add_argument("--catalogue-page", type=Path, help="the catalogue table as an HTML page for the report")
    parser.add_argument("--paired-out", type=Path, required=True,
                        help="each source's paired comparison with real, Holm-adjusted equivalence per arm")
    parser.add_argument("--paired-page", type=Path, help="the paired tests as an HTML page for the report")
    job(parser, "synthbench.summary.jobs:summarise")
