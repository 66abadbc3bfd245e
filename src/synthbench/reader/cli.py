"""`synthbench reader build|serve|export|simulate|analyse`: arguments only; the jobs are in this package."""

import argparse
from pathlib import Path

from synthbench.cli import job
from synthbench.names import ARMS, DATASETS

PACKAGE = "synthbench.reader"


def _study(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("study", type=Path, help="the study folder (results/{dataset}/{arm}/reader_study/study)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    build = commands.add_parser(
        "build", help="one dataset arm's study set: real test images and synthetic twins, and the answer key",
        description="Per arm value and source, a seeded draw of real test rows: each row's real image and the "
        "source's synthetic image made for its labels. The folder holds only tokens and images; the key is apart.")
    build.add_argument("--dataset", choices=DATASETS, required=True)
    build.add_argument("--arm", choices=ARMS, required=True)
    build.add_argument("--values", type=int, nargs="+", required=True, help="the arm values to show")
    build.add_argument("--sources", nargs="+", required=True, help="the generators whose images are shown")
    build.add_argument("--seed", type=int, required=True, help="the GAN run seed whose synthetic images are shown")
    build.add_argument("--study-seed", type=int, required=True, help="seed of the rows, tokens and reader orders")
    build.add_argument("--images-per-source", type=int, required=True,
                       help="real images per arm value and source (as many synthetic are shown)")
    build.add_argument("--out", type=Path, required=True, help="the study folder to write")
    build.add_argument("--key-out", type=Path, required=True, help="the answer key (CSV), kept outside the folder")
    job(build, f"{PACKAGE}.build_job:build")

    serve = commands.add_parser("serve", help="the web app readers answer in (local; answers in SQLite)",
                                description="Serves the study to readers in a browser and saves every answer at once.")
    _study(serve)
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: this machine only; 0.0.0.0 for readers elsewhere)")
    serve.add_argument("--db", type=Path, help="the answers database (default: answers.sqlite beside the study)")
    serve.add_argument("--readers", type=Path,
                       help="a file of the readers' names or tokens, one per line: only they may sign in")
    job(serve, f"{PACKAGE}.serve:serve")

    export = commands.add_parser("export", help="every answer as CSV (what the analysis reads)")
    _study(export)
    export.add_argument("--db", type=Path, help="the answers database (default: answers.sqlite beside the study)")
    export.add_argument("--out", type=Path, required=True)
    job(export, f"{PACKAGE}.serve:export")

    simulate = commands.add_parser("simulate", help="answers of simulated readers of a known accuracy (CSV)")
    _study(simulate)
    simulate.add_argument("--key", type=Path, required=True, help="the study's key.csv")
    simulate.add_argument("--readers", type=int, default=4)
    simulate.add_argument("--accuracy", type=float, default=0.5, help="each reader's chance of a right answer")
    simulate.add_argument("--seed", type=int, default=0)
    simulate.add_argument("--out", type=Path, required=True)
    job(simulate, f"{PACKAGE}.simulate:simulate")

    analyse = commands.add_parser("analyse", help="the study's statistics, table and figure from exported answers")
    analyse.add_argument("--answers", type=Path, required=True, help="exported answers (CSV)")
    analyse.add_argument("--key", type=Path, required=True, help="the study's key.csv")
    analyse.add_argument("--arm", choices=ARMS, required=True, help="names the figure's axis")
    analyse.add_argument("--title", required=True, help="names the study in the figure and table page")
    analyse.add_argument("--seed", type=int, required=True, help="seed of the permutations and bootstrap")
    analyse.add_argument("--permutations", type=int, default=10000)
    analyse.add_argument("--bootstrap", type=int, default=2000, help="bootstrap resamples of the pooled intervals")
    analyse.add_argument("--out", type=Path, required=True, help="the table (CSV)")
    analyse.add_argument("--page", type=Path, help="the table as a report page (HTML)")
    analyse.add_argument("--figure", type=Path, required=True, help="the figure (PNG)")
    job(analyse, f"{PACKAGE}.analysis:analyse")
