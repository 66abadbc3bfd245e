"""Feature extractors for FID, chosen by name in config; each maps uint8 greyscale images to feature vectors.

- `inception`: the standard FID Inception network (weights from a local file, see `fid.fetch`); images are
  resized bilinearly to `resize` px (299, the standard, unless configured smaller for CPU demos, in which
  case the name records it: `inception@75px`), grey copied to three channels, scaled to `uint8 / 128 - 1`.
- `random`: a small seeded random convolutional network, for tests only; its numbers mean nothing.
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from fid.inception import INPUT_SIDE, load_inception

EXTRACTORS = ("inception", "random")


@dataclass
class Extractor:
    """A named feature extractor: call it on uint8 images [N, H, W] to get float32 features [N, D]."""

    name: str
    batch_size: int
    _features: Callable[[tf.Tensor], tf.Tensor]

    def __call__(self, images: np.ndarray) -> np.ndarray:
        return np.concatenate(list(self.batches(images[i:i + self.batch_size]
                                                for i in range(0, len(images), self.batch_size))))

    def batches(self, batches: Iterable[np.ndarray]) -> Iterable[np.ndarray]:
        """Features of each batch of uint8 images, lazily: for streams larger than memory."""
        for batch in batches:
            yield self._features(tf.convert_to_tensor(batch, tf.uint8)).numpy()


def _inception_features(model: keras.Model, side: int) -> Callable[[tf.Tensor], tf.Tensor]:
    @tf.function(reduce_retracing=True)
    def features(images: tf.Tensor) -> tf.Tensor:
        pixels = tf.cast(images[..., None], tf.float32)
        if pixels.shape[1] != side or pixels.shape[2] != side:
            pixels = tf.image.resize(pixels, (side, side), method="bilinear")
        pixels = tf.image.grayscale_to_rgb(pixels) / 128.0 - 1.0
        return model(pixels, training=False)

    return features


def _random_network(seed: int) -> keras.Model:
    initializer = keras.initializers.HeNormal(seed=seed)
    return keras.Sequential([
        keras.layers.Rescaling(1 / 127.5, offset=-1),
        keras.layers.Conv2D(32, 3, strides=2, activation="relu", kernel_initializer=initializer),
        keras.layers.Conv2D(64, 3, strides=2, activation="relu", kernel_initializer=initializer),
        keras.layers.Conv2D(128, 3, activation="relu", kernel_initializer=initializer),
        keras.layers.GlobalAveragePooling2D(),
    ])


def make_extractor(name: str, *, weights: Path | None = None, resize: int = INPUT_SIDE, batch_size: int = 64,
                   seed: int = 0) -> Extractor:
    """The extractor called `name` (one of EXTRACTORS)."""
    if name == "inception":
        if weights is None:
            raise ValueError("the inception extractor needs a weights file (fid.inception_weights)")
        label = "inception" if resize == INPUT_SIDE else f"inception@{resize}px"
        return Extractor(label, batch_size, _inception_features(load_inception(weights), resize))
    if name == "random":
        network = _random_network(seed)
        return Extractor("random", batch_size,
                         tf.function(lambda images: network(tf.cast(images[..., None], tf.float32))))
    raise ValueError(f"unknown FID extractor {name!r}; choose one of {', '.join(EXTRACTORS)}")
