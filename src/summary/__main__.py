"""`python -m summary --inputs FILE... --out summary.csv --mean-out summary_mean.csv`."""

import argparse
from pathlib import Path

from summary.collect import mean_over_seeds, summary_table
from synthbench.atomic import replacing
from synthbench.cli import run


def _summarise(args: argparse.Namespace) -> None:
    table = summary_table(args.inputs)
    with replacing(args.out) as partial:
        table.to_csv(partial, index=False)
    with replacing(args.mean_out) as partial:
        mean_over_seeds(table).to_csv(partial, index=False)
    print(f"{len(table)} numbers from {len(args.inputs)} files", flush=True)


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m summary", description=__doc__)
    parser.add_argument("--inputs", type=Path, nargs="+", required=True,
                        help="test_metrics.json, training.json, memorisation.json and attribution.json files")
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--mean-out", type=Path, required=True)
    parser.set_defaults(run=_summarise)
    run(parser, argv)


if __name__ == "__main__":
    main()
