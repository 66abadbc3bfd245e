"""The `synthbench` command line: one subcommand per stage, each a thin parser in front of that stage's jobs.

    synthbench --version
    synthbench <stage> [<command>] --help

Parsing imports nothing heavy: every stage's `cli` module only declares arguments and names its job as
"module:function"; that module (which may import TensorFlow) is imported once the arguments are known, so
`--help` answers at once and a mistyped option fails before TensorFlow starts.
"""

import argparse
import importlib
import sys
from collections.abc import Sequence

# Errors that mean "this job cannot run with these inputs": reported as one line naming file and problem.
JOB_ERRORS = (OSError, ValueError, KeyError, RuntimeError)

# (subcommand, module whose add_arguments(parser) declares it, help): the stages in DAG order.
STAGES = (
    ("demo-data", "synthbench.demo_data.cli", "write the built-in demo raw datasets"),
    ("dataset", "synthbench.datasets.cli", "index raw downloads and build one arm's splits"),
    ("fid", "synthbench.fid.cli", "FID Inception weights and real feature statistics"),
    ("gan", "synthbench.gans.cli", "train a generator family on one arm, write its synthetic splits"),
    ("outside", "synthbench.outside.cli", "enter an outside generator's images or package as an arm's source"),
    ("classifier", "synthbench.classifier.cli", "train, test and describe DenseNet-121 classifiers"),
    ("neighbours", "synthbench.neighbours.cli", "nearest real images of synthetic ones (memorisation)"),
    ("attribution", "synthbench.attribution.cli", "occlusion maps of classifiers and their agreement"),
    ("reader", "synthbench.reader.cli", "reader studies: study sets, the web app readers answer in, the analysis"),
    ("summary", "synthbench.summary.cli", "one tidy table of every job's numbers"),
    ("plots", "synthbench.plots.cli", "the benchmark's figures from results files"),
    ("report", "synthbench.report.cli", "pages of the HTML report that are not figures"),
    ("metrics", "synthbench.metrics.cli", "the benchmark's metrics on your own feature arrays"),
    ("headline", "synthbench.summary.headline", "the benchmark's answers in a few lines, from the summary"),
    ("models", "synthbench.catalogue.cli", "search, rank and use the trained generators (the catalogue)"),
    ("workload", "synthbench.workload", "how much training a config asks for: generator runs, kimg, classifiers"),
)


def add_threads(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--threads", type=int, help="CPU threads TensorFlow may use (default: all)")


def job(parser: argparse.ArgumentParser, target: str) -> None:
    """Names the function ("package.module:function", called with the parsed arguments) a command runs."""
    parser.set_defaults(job=target)


def build_parser() -> argparse.ArgumentParser:
    from synthbench import __version__

    parser = argparse.ArgumentParser(
        prog="synthbench", description="The stages of the synthbench workflow, one subcommand each (the workflow's "
        "rules call them; `synthbench <stage> --help` lists a stage's commands).")
    parser.add_argument("--version", action="version", version=f"synthbench {__version__}")
    stages = parser.add_subparsers(dest="stage", required=True, metavar="<stage>")
    for name, module, summary in STAGES:
        stage = stages.add_parser(name, help=summary, description=summary)
        importlib.import_module(module).add_arguments(stage)
    return parser


def run_job(args: argparse.Namespace) -> None:
    """Imports the chosen command's job module and runs it; a job error exits with one `error: ...` line."""
    module, function = args.job.split(":")
    try:
        getattr(importlib.import_module(module), function)(args)
    except JOB_ERRORS as error:
        sys.exit(f"error: {error}")


def main(argv: Sequence[str] | None = None) -> None:
    run_job(build_parser().parse_args(argv))
