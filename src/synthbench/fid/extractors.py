"""Feature extractors for FID, chosen by name in config; each maps uint8 greyscale images to feature vectors.

- `inception`: the standard FID Inception network (weights from a local file, see `fid.fetch`); images are
  resized bilinearly to `resize` px (299, the standard, unless configured smaller for CPU demos, in which
  case the name records it: `inception@75px`), grey copied to three channels, scaled to `uint8 / 128 - 1`.
- `classifier`: the 1024-d average-pool features of the arm's real-data DenseNet-121 (weights = its saved
  model.keras), a domain-specific ruler: Inception was trained on photographs, this network on the very
  images being imitated. Its numbers are comparable only within one arm, and only for one classifier file.
- `random`: a small random convolutional network, for tests only; its numbers mean nothing. Its weights come
  from one fixed seed, so every job (real statistics, each GAN seed) builds the same network.

`from_arguments` builds the extractor that `synthbench.fid.options` describes on a command line.
"""

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from synthbench.classifier.model import feature_extractor, load_classifier
from synthbench.fid.inception import load_inception
from synthbench.fid.options import EXTRACTORS, INCEPTION_SIDE


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


RANDOM_NETWORK_SEED = 0


def _random_network() -> keras.Model:
    initializer = keras.initializers.HeNormal(seed=RANDOM_NETWORK_SEED)
    return keras.Sequential([
        keras.layers.Rescaling(1 / 127.5, offset=-1),
        keras.layers.Conv2D(32, 3, strides=2, activation="relu", kernel_initializer=initializer),
        keras.layers.Conv2D(64, 3, strides=2, activation="relu", kernel_initializer=initializer),
        keras.layers.Conv2D(128, 3, activation="relu", kernel_initializer=initializer),
        keras.layers.GlobalAveragePooling2D(),
    ])


def _pixel_features(model: keras.Model) -> Callable[[tf.Tensor], tf.Tensor]:
    """For networks that take the images' 0-255 pixel values as they are (their scaling is inside them)."""
    @tf.function(reduce_retracing=True)
    def features(images: tf.Tensor) -> tf.Tensor:
        return model(tf.cast(images[..., None], tf.float32), training=False)

    return features


def _inception(weights: Path | None, resize: int) -> tuple[str, Callable[[tf.Tensor], tf.Tensor]]:
    label = "inception" if resize == INCEPTION_SIDE else f"inception@{resize}px"
    return label, _inception_features(load_inception(weights), resize)


def _classifier(weights: Path | None, resize: int) -> tuple[str, Callable[[tf.Tensor], tf.Tensor]]:
    return "classifier", _pixel_features(feature_extractor(load_classifier(weights)))


def _random(weights: Path | None, resize: int) -> tuple[str, Callable[[tf.Tensor], tf.Tensor]]:
    return "random", _pixel_features(_random_network())


# name -> (needs a weights file, builder): one entry per name of `synthbench.fid.options.EXTRACTORS`.
BUILDERS = {"inception": (True, _inception), "classifier": (True, _classifier), "random": (False, _random)}
assert tuple(BUILDERS) == EXTRACTORS, "fid.options.EXTRACTORS and the extractor builders must name the same networks"


def make_extractor(name: str, *, weights: Path | None = None, resize: int = INCEPTION_SIDE,
                   batch_size: int = 64) -> Extractor:
    """The extractor called `name` (one of EXTRACTORS). `weights` is the Inception weights file or the arm's
    real classifier (its model.keras)."""
    if name not in BUILDERS:
        raise ValueError(f"unknown FID extractor {name!r}; choose one of {', '.join(EXTRACTORS)}")
    needs_weights, build = BUILDERS[name]
    if needs_weights and weights is None:
        raise ValueError(f"the {name} extractor needs a weights file")
    label, features = build(weights, resize)
    return Extractor(label, batch_size, features)


def from_arguments(args: argparse.Namespace, batch_size: int = 64) -> Extractor:
    return make_extractor(args.extractor, weights=args.extractor_weights, resize=args.fid_resize,
                          batch_size=batch_size)
