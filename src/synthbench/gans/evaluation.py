"""FID of a generator against cached real statistics, with one fake per real row and that row's labels."""

import numpy as np
import tensorflow as tf

from synthbench.fid.extractors import Extractor
from synthbench.fid.frechet import Statistics, frechet_distance
from synthbench.gans.reals import to_uint8


def generate(generator, labels: np.ndarray, latent_size: int, seed: int, batch_size: int = 256) -> np.ndarray:
    """uint8 fakes [N, R, R] for label vectors [N, L]; the noise depends only on `seed` and the row number."""
    noise = np.random.default_rng(seed).standard_normal((len(labels), latent_size)).astype(np.float32)
    parts = []
    for start in range(0, len(labels), batch_size):
        images = generator.predict_on_batch([noise[start:start + batch_size],
                                             labels[start:start + batch_size].astype(np.float32)])
        parts.append(to_uint8(tf.constant(images)).numpy())
    return np.concatenate(parts)


def generator_fid(generator, real: Statistics, real_labels: np.ndarray, extractor: Extractor,
                  latent_size: int, seed: int) -> float:
    fakes = generate(generator, real_labels, latent_size, seed)
    return frechet_distance(real, Statistics.from_features(extractor(fakes), extractor.name))
