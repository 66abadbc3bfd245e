"""Feature extractors for FID, chosen by name in config; each maps uint8 greyscale images to feature vectors.

- `inception`: the standard FID Inception network (weights from a local file, see `fid.fetch`); images are
  resized to `resize` px (299, the standard, unless configured smaller for CPU demos, in which case the name
  records it: `inception@75px`) the way `resize_mode` says (`fid.options.RESIZE_MODES`, named in brackets of
  their own: `inception(legacy_tf1)`), grey copied to three channels, scaled to `uint8 / 128 - 1`.
- `classifier`: the 1024-d average-pool features of the arm's real-data DenseNet-121 (weights = its saved
  model.keras), a domain-specific ruler: Inception was trained on photographs, this network on the very
  images being imitated. Its numbers are comparable only within one arm, and only for one classifier file.
- `random`: a small random convolutional network, for tests only; its numbers mean nothing. Its weights come
  from one fixed seed, so every job (real statistics, each GAN seed) builds the same network.

Normalisation variants (`fid.options.NORMALISATION_VARIANTS`) measure how much FID owes to the input scaling:
`minmax` stretches each uint8 image linearly to 0-255 (a constant image is left as it is) and rounds it back to
uint8 before the same network, so it costs no new graph; `raw` feeds Inception the 0-255 values unscaled.

`from_arguments` builds the extractor that `synthbench.fid.options` describes on a command line.
"""

import argparse
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from synthbench.classifier.model import feature_extractor, load_classifier
from synthbench.fid.inception import load_inception
from synthbench.fid.options import EXTRACTORS, INCEPTION_SIDE, RAW_CAPABLE, RESIZE_MODES, variant_name
from synthbench.names import CLASSIFIER_FEATURES


def stretched(images: np.ndarray) -> np.ndarray:
    """Each uint8 image [N, H, W] stretched linearly to the full 0-255 range, rounded; constant images unchanged."""
    pixels = images.astype(np.float64)
    low = pixels.min(axis=(1, 2), keepdims=True)
    span = pixels.max(axis=(1, 2), keepdims=True) - low
    stretched_pixels = np.where(span > 0, (pixels - low) / np.where(span > 0, span, 1) * 255.0, pixels)
    return np.round(stretched_pixels).astype(np.uint8)


def _as_given(images: np.ndarray) -> np.ndarray:
    return images


@dataclass
class Extractor:
    """A named feature extractor: call it on uint8 images [N, H, W] to get float32 features [N, D]."""

    name: str
    batch_size: int
    _features: Callable[[tf.Tensor], tf.Tensor]
    _prepare: Callable[[np.ndarray], np.ndarray] = field(default=_as_given)

    def __call__(self, images: np.ndarray) -> np.ndarray:
        return np.concatenate(list(self.batches(images[i:i + self.batch_size]
                                                for i in range(0, len(images), self.batch_size))))

    def batches(self, batches: Iterable[np.ndarray]) -> Iterable[np.ndarray]:
        """Features of each batch of uint8 images, lazily: for streams larger than memory."""
        for batch in batches:
            yield self._features(tf.convert_to_tensor(self._prepare(batch), tf.uint8)).numpy()

    def min_max_variant(self) -> "Extractor":
        """The same network on per-image min-max stretched images (no new graph)."""
        return replace(self, name=variant_name(self.name, "minmax"), _prepare=stretched)


def resized(pixels: tf.Tensor, side: int, mode: str) -> tf.Tensor:
    """Float images [N, H, W, C] at side x side. `legacy_tf1`: TF1's ResizeBilinear as the study's Inception graph
    ran it (source pixel = destination pixel x in/out, no half-pixel centres, no anti-aliasing); `clean`: bicubic
    with anti-aliasing, which is PIL's bicubic resize (the tests check both against independent references)."""
    if mode == "legacy_tf1":
        return tf.raw_ops.ResizeBilinear(images=pixels, size=[side, side], align_corners=False,
                                         half_pixel_centers=False)
    if mode == "clean":
        return tf.image.resize(pixels, (side, side), method="bicubic", antialias=True)
    raise ValueError(f"unknown resize mode {mode!r}; choose one of {', '.join(RESIZE_MODES)}")


def _inception_features(model: keras.Model, side: int, scaled: bool, mode: str) -> Callable[[tf.Tensor], tf.Tensor]:
    @tf.function(reduce_retracing=True)
    def features(images: tf.Tensor) -> tf.Tensor:
        pixels = tf.cast(images[..., None], tf.float32)
        if pixels.shape[1] != side or pixels.shape[2] != side:
            pixels = resized(pixels, side, mode)
        pixels = tf.image.grayscale_to_rgb(pixels)
        return model(pixels / 128.0 - 1.0 if scaled else pixels, training=False)

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


def _inception(weights: Path | None, resize: int, scaled: bool,
               mode: str) -> tuple[str, Callable[[tf.Tensor], tf.Tensor]]:
    label = ("inception" if resize == INCEPTION_SIDE else f"inception@{resize}px") + f"({mode})"
    return label, _inception_features(load_inception(weights), resize, scaled, mode)


def _classifier(weights: Path | None, resize: int, scaled: bool,
                mode: str) -> tuple[str, Callable[[tf.Tensor], tf.Tensor]]:
    return CLASSIFIER_FEATURES, _pixel_features(feature_extractor(load_classifier(weights)))


def _random(weights: Path | None, resize: int, scaled: bool, mode: str) -> tuple[str, Callable[[tf.Tensor], tf.Tensor]]:
    return "random", _pixel_features(_random_network())


# name -> (needs a weights file, builder): one entry per name of `synthbench.fid.options.EXTRACTORS`.
BUILDERS = {"inception": (True, _inception), CLASSIFIER_FEATURES: (True, _classifier), "random": (False, _random)}
assert tuple(BUILDERS) == EXTRACTORS, "fid.options.EXTRACTORS and the extractor builders must name the same networks"


def make_extractor(name: str, *, weights: Path | None = None, resize: int = INCEPTION_SIDE,
                   batch_size: int = 64, raw: bool = False, resize_mode: str = RESIZE_MODES[0]) -> Extractor:
    """The extractor called `name` (one of EXTRACTORS). `weights` is the Inception weights file or the arm's
    real classifier (its model.keras); `raw`: Inception without its input scaling (the `raw` variant);
    `resize_mode`: how Inception's input is resized (RESIZE_MODES)."""
    if resize_mode not in RESIZE_MODES:
        raise ValueError(f"unknown resize mode {resize_mode!r}; choose one of {', '.join(RESIZE_MODES)}")
    if name not in BUILDERS:
        raise ValueError(f"unknown FID extractor {name!r}; choose one of {', '.join(EXTRACTORS)}")
    if raw and name not in RAW_CAPABLE:
        raise ValueError(f"the {name} extractor scales its input inside the network, so it has no raw variant "
                         f"(only {', '.join(RAW_CAPABLE)} has)")
    needs_weights, build = BUILDERS[name]
    if needs_weights and weights is None:
        raise ValueError(f"the {name} extractor needs a weights file")
    label, features = build(weights, resize, not raw, resize_mode)
    return Extractor(variant_name(label, "raw") if raw else label, batch_size, features)


def from_arguments(args: argparse.Namespace, batch_size: int = 64) -> Extractor:
    return make_extractor(args.extractor, weights=args.extractor_weights, resize=args.fid_resize,
                          batch_size=batch_size, resize_mode=args.fid_resize_mode)


def variants_from_arguments(args: argparse.Namespace, standard: Extractor) -> dict[str, Extractor]:
    """variant -> extractor for the `--normalisation-variants` asked for, beside the `standard` one."""
    return {variant: standard.min_max_variant() if variant == "minmax" else
            make_extractor(args.extractor, weights=args.extractor_weights, resize=args.fid_resize,
                           batch_size=standard.batch_size, raw=True, resize_mode=args.fid_resize_mode)
            for variant in args.normalisation_variants}
