"""FID of a generator against cached real statistics, with one fake per real row and that row's labels."""

import numpy as np

from synthbench.fid.extractors import Extractor
from synthbench.fid.frechet import Statistics, frechet_distance


def generator_fid(sampler, real: Statistics, real_labels: np.ndarray, extractor: Extractor, seed: int) -> float:
    """FID of `sampler`'s fakes (see synthbench.gans.sampler) for the real rows' label vectors."""
    fakes = sampler(real_labels, seed)
    return frechet_distance(real, Statistics.from_features(extractor(fakes), extractor.name))
