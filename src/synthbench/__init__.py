"""synthbench: a reproducible benchmark of how useful synthetic medical images are.

Every stage is a subpackage (datasets, fid, gans and its families, classifier, neighbours, attribution,
summary, plots); `synthbench.cli` is the one command line in front of them. Importing the package imports
nothing heavy: TensorFlow starts only in the modules that train or run networks.
"""

__version__ = "0.2.0"


def __getattr__(name: str):
    """`from synthbench import Generators` without importing the catalogue (or anything) with the package."""
    if name == "Generators":
        from synthbench.catalogue.models import Generators

        return Generators
    raise AttributeError(f"module 'synthbench' has no attribute {name!r}")
