"""`synthbench report config --config-json JSON --yaml config.yaml --page config.html` (job in `jobs`)."""

import argparse
from pathlib import Path

from synthbench.cli import job


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    config = commands.add_parser("config", help="the run's validated configuration as YAML and as a report page")
    config.add_argument("--config-json", required=True, help="the workflow's validated config, defaults filled in")
    config.add_argument("--left-out-json", default="{}",
                        help="figures this configuration cannot make: JSON {path: reason}, listed on the page")
    config.add_argument("--yaml", type=Path, required=True)
    config.add_argument("--page", type=Path, required=True)
    job(config, "synthbench.report.jobs:config")
