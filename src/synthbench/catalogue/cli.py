"""`synthbench models list|search|rank|info|generate|export|import`: arguments only; the jobs are in
`synthbench.catalogue.jobs`.

    synthbench models list [--root results]
    synthbench models search chest 32 cpd [--where dataset=chest]
    synthbench models rank --metric fid [--extractor classifier] [chest samples]
    synthbench models info chest-samples-20-cpd-s0
    synthbench models generate chest-samples-20-cpd-s0 --num-samples 64 --labels Edema "Pleural Effusion" --out fakes
    synthbench models export chest-samples-20-cpd-s0 --out cpd.zip
    synthbench models import cpd.zip --into catalogue
"""

import argparse
from pathlib import Path

from synthbench.cli import job

JOBS = "synthbench.catalogue.jobs"


def _roots(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--root", type=Path, nargs="+", default=[Path("results")],
                        help="folders to look for generators in (default: results)")


def add_arguments(parser: argparse.ArgumentParser) -> None:
    commands = parser.add_subparsers(dest="command", required=True)
    listing = commands.add_parser("list", help="every generator: id, family, dataset, arm, value, size, FID")
    _roots(listing)
    job(listing, f"{JOBS}:list_models")
    search = commands.add_parser("search", help="generators whose cards match every word (numbers exactly)")
    search.add_argument("words", nargs="*", help='e.g. chest 32 cpd, or "x-ray" Edema')
    search.add_argument("--where", nargs="+", default=[], metavar="FIELD=VALUE",
                        help="exact card fields, e.g. dataset=chest resolution=32")
    _roots(search)
    job(search, f"{JOBS}:search")
    rank = commands.add_parser("rank", help="generators best first by a metric (its direction decides)")
    rank.add_argument("words", nargs="*", help="only generators matching these words")
    rank.add_argument("--metric", required=True, help="a registered metric, e.g. fid, kid, precision")
    rank.add_argument("--extractor", help="the feature space, when generators were measured in several")
    rank.add_argument("--where", nargs="+", default=[], metavar="FIELD=VALUE")
    _roots(rank)
    job(rank, f"{JOBS}:rank")
    info = commands.add_parser("info", help="a generator's card and metrics, as JSON")
    info.add_argument("model")
    _roots(info)
    job(info, f"{JOBS}:info")
    generate = commands.add_parser("generate", help="images of a generator as PNGs and labels.csv")
    generate.add_argument("model")
    generate.add_argument("--num-samples", type=int, help="how many images (with --labels)")
    choice = generate.add_mutually_exclusive_group(required=True)
    choice.add_argument("--labels", nargs="+", help="the label names every image shows (one combination)")
    choice.add_argument("--as-training", action="store_true",
                        help="one image per row of the generator's real train split, with its labels")
    generate.add_argument("--seed", type=int, default=0)
    generate.add_argument("--out", type=Path, required=True, help="folder for the PNGs and labels.csv")
    _roots(generate)
    job(generate, f"{JOBS}:generate")
    export = commands.add_parser("export", help="a generator as one .zip (network, card with metrics, checksums)")
    export.add_argument("model")
    export.add_argument("--out", type=Path, required=True, help="the .zip to write")
    _roots(export)
    job(export, f"{JOBS}:export")
    install = commands.add_parser("import", help="check a generator package and install it into a catalogue folder")
    install.add_argument("package", type=Path)
    install.add_argument("--into", type=Path, required=True, help="the catalogue folder (e.g. catalogue)")
    job(install, f"{JOBS}:install")
