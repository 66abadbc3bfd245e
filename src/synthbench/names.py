"""The benchmark's fixed names, spelled once: datasets, arms, splits and control sources. Generator family names
come from the registry (`synthbench.gans.registry`), metric names from `synthbench.metrics`."""

DATASETS = ("chest", "brain")
ARMS = ("resolution", "classes", "samples")
SPLITS = ("train", "valid", "test")
REAL = "real"  # the source of classifiers trained on real data, and the reference explainer
CONTROLS = ("copycat", "noise")  # control sources whose privacy is known (synthbench.outside.controls)
UNTRAINED = "random"  # the explainer that is the classifier at its random initialisation (sanity floor)
