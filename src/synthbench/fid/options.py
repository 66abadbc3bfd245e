"""The options that choose a FID feature extractor, shared by every command line that measures FID
(`synthbench fid stats`, `synthbench gan train`); light, so command lines parse without TensorFlow.
`synthbench.fid.extractors.from_arguments` builds the extractor they describe."""

import argparse
from pathlib import Path

from synthbench.names import CLASSIFIER_FEATURES

EXTRACTORS = ("inception", CLASSIFIER_FEATURES, "random")
INCEPTION_SIDE = 299  # the standard FID Inception input side
# How images reach an extractor besides its standard input scaling (medigan's study found FID moves with it):
# `minmax` stretches each image to the full 0-255 range first; `raw` gives Inception the 0-255 values without its
# [-1, 1] scaling (the networks that scale their input inside themselves have no raw form).
NORMALISATION_VARIANTS = ("minmax", "raw")
RAW_CAPABLE = ("inception",)
# How Inception's input is brought to its side: `legacy_tf1` as the study's TF1 graph did (bilinear, the legacy
# corner alignment without half-pixel centres, no anti-aliasing: the paper's and TTUR's FID), `clean` anti-aliased
# bicubic as PIL resizes (clean-fid's finding: the resize filter alone moves FID). Each FID row names its mode.
RESIZE_MODES = ("legacy_tf1", "clean")


def variant_name(extractor: str, variant: str) -> str:
    """The extractor label of a normalisation variant, e.g. classifier[minmax]: what feature files and
    metrics tables record."""
    return f"{extractor}[{variant}]"


def is_variant(label: str) -> bool:
    """Whether an extractor label names a normalisation variant (see `variant_name`)."""
    return label.endswith("]") and "[" in label


def standard_first(label: str) -> tuple[bool, str]:
    """Sort key of extractor labels: each standard scaling before the normalisation variants."""
    return is_variant(label), label


def add_arguments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--extractor", choices=EXTRACTORS, required=True)
    parser.add_argument("--extractor-weights", type=Path,
                        help="inception: the FID Inception weights; classifier: the real classifier (model.keras)")
    parser.add_argument("--fid-resize", type=int, default=INCEPTION_SIDE,
                        help="inception: side images are resized to")
    parser.add_argument("--fid-resize-mode", choices=RESIZE_MODES, default=RESIZE_MODES[0],
                        help="inception: how images are resized (legacy_tf1: the paper's TF1 bilinear; clean: "
                             "anti-aliased bicubic)")
    parser.add_argument("--normalisation-variants", nargs="*", choices=NORMALISATION_VARIANTS, default=[],
                        help="also keep features of the images normalised these other ways (feature files only)")
