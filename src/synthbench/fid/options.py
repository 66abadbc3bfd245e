"""The options that choose a FID feature extractor, shared by every command line that measures FID
(`synthbench fid stats`, `synthbench gan train`); light, so command lines parse without TensorFlow.
`synthbench.fid.extractors.from_arguments` builds the extractor they describe."""

import argparse
from pathlib import Path

EXTRACTORS = ("inception", "classifier", "random")
INCEPTION_SIDE = 299  # the standard FID Inception input side


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--extractor", choices=EXTRACTORS, required=True)
    parser.add_argument("--extractor-weights", type=Path,
                        help="inception: the FID Inception weights; classifier: the real classifier (model.keras)")
    parser.add_argument("--fid-resize", type=int, default=INCEPTION_SIDE,
                        help="inception: side images are resized to")
