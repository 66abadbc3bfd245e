"""The benchmark's fixed names, spelled once: datasets, arms, splits, control sources, the spaces images are
compared in and how a real + synthetic mix is named. Generator family names come from the registry
(`synthbench.gans.registry`), metric names from `synthbench.metrics`."""

import re

DATASETS = ("chest", "brain")
ARMS = ("resolution", "classes", "samples")
SPLITS = ("train", "valid", "test")
REAL = "real"  # the source of classifiers trained on real data, and the reference explainer
CONTROLS = ("copycat", "noise", "overfit")  # control sources whose privacy is known (synthbench.outside.controls)
INTAKE_CONTROLS = ("copycat", "noise")  # the controls an intake job makes; overfit is a family's training run
OVERFIT = "overfit"
UNTRAINED = "random"  # the explainer that is the classifier at its random initialisation (sanity floor)
# The spaces images are compared in, as the summary's `extractor` column names them: the arm's real-trained
# classifier's features (a FID extractor, and the memorisation search's own space) and mean-centred pixel vectors
# (the copy detection's and the membership attack's space that learned from no one).
CLASSIFIER_FEATURES = "classifier"
PIXELS = "pixels"

# A classifier source that trains on the real train split plus `ratio` x as many synthetic train images of one
# generator, e.g. "real+0.5cpd" (real + half as many cpd images): its folder, its summary rows and its legend.
MIX = re.compile(r"real\+(?P<ratio>\d+(?:\.\d+)?)(?P<gan>[A-Za-z_]\w*)")


def mix_source(gan: str, ratio: float) -> str:
    """The source name of the real + `ratio` x `gan` mix."""
    return f"{REAL}+{ratio:g}{gan}"


def mix_of(source: str) -> tuple[str, float] | None:
    """(generator, ratio) of a mix source's name; None for any other source."""
    found = MIX.fullmatch(source)
    return (found["gan"], float(found["ratio"])) if found else None
