"""What every stage's command line shares: the threads option and one way to report a failed job."""

import argparse
import sys

# Errors that mean "this job cannot run with these inputs": reported as one line naming file and problem.
JOB_ERRORS = (OSError, ValueError, KeyError, RuntimeError)


def add_threads(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--threads", type=int, help="CPU threads TensorFlow may use (default: all)")


def run(parser: argparse.ArgumentParser, argv: list[str] | None = None) -> None:
    """Parses `argv` and calls the chosen subcommand's `run(args)`; a job error exits with `error: ...`."""
    args = parser.parse_args(argv)
    try:
        args.run(args)
    except JOB_ERRORS as error:
        sys.exit(f"error: {error}")
