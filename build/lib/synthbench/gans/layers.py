"""Keras layers of the progressive-GAN family (Karras et al. 2018), registered for `.keras` saving.

Equalised learning rate: weights are drawn from N(0, 1) and scaled at run time by He's constant, so Adam's
per-parameter step sizes act the same on every layer. The level of detail (`lod`) is a non-trainable weight
of each `LodBlend` layer, so the growth schedule is data: the training loop assigns it, the graph never
changes, and a saved generator carries the `lod` it was saved at (0 = full resolution).
"""

import math

import keras
from keras import ops

PACKAGE = "synthbench"


def _unit_normal() -> keras.initializers.Initializer:
    """N(0, 1): the run-time He scale does the rest (Keras's "random_normal" would mean N(0, 0.05^2))."""
    return keras.initializers.RandomNormal(0.0, 1.0)


def pixel_norm(x):
    """Each pixel's feature vector scaled to unit average square."""
    return x * ops.rsqrt(ops.mean(ops.square(x), axis=-1, keepdims=True) + 1e-8)


def _he_scale(fan_in: int, gain: float) -> float:
    return gain / math.sqrt(fan_in)


@keras.saving.register_keras_serializable(PACKAGE)
class EqualizedDense(keras.layers.Layer):
    """A dense layer with equalised learning rate; `zero_init` starts its kernel at 0 (the run-time scale still
    sets its learning speed), for outputs that must begin as a no-op."""

    def __init__(self, units: int, gain: float = math.sqrt(2), use_bias: bool = True, zero_init: bool = False,
                 **kwargs):
        super().__init__(**kwargs)
        self.units, self.gain, self.use_bias, self.zero_init = units, gain, use_bias, zero_init

    def build(self, input_shape):
        fan_in = int(input_shape[-1])
        self.scale = _he_scale(fan_in, self.gain)
        self.kernel = self.add_weight(shape=(fan_in, self.units), name="kernel",
                                      initializer="zeros" if self.zero_init else _unit_normal())
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.units,), initializer="zeros", name="bias")

    def call(self, x):
        y = ops.matmul(x, self.kernel * self.scale)
        return y + self.bias if self.use_bias else y

    def get_config(self):
        return {**super().get_config(), "units": self.units, "gain": self.gain, "use_bias": self.use_bias,
                "zero_init": self.zero_init}


@keras.saving.register_keras_serializable(PACKAGE)
class EqualizedConv2D(keras.layers.Layer):
    """A stride-1 'same' convolution with equalised learning rate (`zero_init` as for EqualizedDense)."""

    def __init__(self, filters: int, kernel_size: int, gain: float = math.sqrt(2), use_bias: bool = True,
                 zero_init: bool = False, **kwargs):
        super().__init__(**kwargs)
        self.filters, self.kernel_size, self.gain, self.use_bias = filters, kernel_size, gain, use_bias
        self.zero_init = zero_init

    def build(self, input_shape):
        channels = int(input_shape[-1])
        self.scale = _he_scale(channels * self.kernel_size ** 2, self.gain)
        self.kernel = self.add_weight(shape=(self.kernel_size, self.kernel_size, channels, self.filters),
                                      initializer="zeros" if self.zero_init else _unit_normal(), name="kernel")
        if self.use_bias:
            self.bias = self.add_weight(shape=(self.filters,), initializer="zeros", name="bias")

    def call(self, x):
        y = ops.conv(x, self.kernel * self.scale, padding="same")
        return y + self.bias if self.use_bias else y

    def get_config(self):
        return {**super().get_config(), "filters": self.filters, "kernel_size": self.kernel_size,
                "gain": self.gain, "use_bias": self.use_bias, "zero_init": self.zero_init}


@keras.saving.register_keras_serializable(PACKAGE)
class PixelNorm(keras.layers.Layer):
    """Normalises each pixel's feature vector to unit average square (keeps G's magnitudes in check)."""

    def call(self, x):
        return pixel_norm(x)


@keras.saving.register_keras_serializable(PACKAGE)
class ConditionalPixelNorm(keras.layers.Layer):
    """Pixel norm, then a per-channel scale (1 + gamma) and shift beta predicted from a condition vector.

    gamma and beta start at exactly 0 (identity modulation). Drawn at random instead, z would scale every
    channel of every layer by N(1, 1) per sample; the generator then spends a short run unlearning that noise
    (demo chest at 32 px, 24 kimg: FID 1300 with random, 380 with zero start, inception@75px).
    """

    def build(self, input_shapes):
        features_shape, condition_shape = input_shapes
        channels = int(features_shape[-1])
        self.gamma = EqualizedDense(channels, gain=1.0, zero_init=True, name="gamma")
        self.beta = EqualizedDense(channels, gain=1.0, zero_init=True, name="beta")
        self.gamma.build(condition_shape)
        self.beta.build(condition_shape)

    def call(self, inputs):
        x, condition = inputs
        x = pixel_norm(x)
        gamma = self.gamma(condition)[:, None, None, :]
        beta = self.beta(condition)[:, None, None, :]
        return x * (1.0 + gamma) + beta


@keras.saving.register_keras_serializable(PACKAGE)
class MinibatchStddev(keras.layers.Layer):
    """Appends the average standard deviation over groups of samples as one feature map (fights collapse)."""

    def __init__(self, group_size: int = 4, **kwargs):
        super().__init__(**kwargs)
        self.group_size = group_size

    def call(self, x):
        batch = ops.shape(x)[0]
        group = ops.minimum(self.group_size, batch)
        height, width, channels = x.shape[1], x.shape[2], x.shape[3]
        y = ops.reshape(x, (group, -1, height, width, channels))
        y = ops.sqrt(ops.mean(ops.square(y - ops.mean(y, axis=0, keepdims=True)), axis=0) + 1e-8)
        y = ops.mean(y, axis=(1, 2, 3), keepdims=True)
        y = ops.tile(y, (group, height, width, 1))
        return ops.concatenate([x, y], axis=-1)

    def get_config(self):
        return {**super().get_config(), "group_size": self.group_size}


@keras.saving.register_keras_serializable(PACKAGE)
class LodBlend(keras.layers.Layer):
    """lerp(detailed, coarse, clip(lod - level, 0, 1)): the fade-in between two levels of detail.

    `level` is this layer's place in the network (0 = full resolution); `lod` is the current level of detail,
    a non-trainable weight the training loop assigns. lod <= level shows `detailed` alone, lod >= level + 1
    shows `coarse` alone, in between the two are mixed linearly.
    """

    def __init__(self, level: int, **kwargs):
        super().__init__(**kwargs)
        self.level = level

    def build(self, input_shapes):
        self.lod = self.add_weight(shape=(), initializer="zeros", trainable=False, name="lod")

    def call(self, inputs):
        detailed, coarse = inputs
        t = ops.clip(self.lod - self.level, 0.0, 1.0)
        return detailed + (coarse - detailed) * t

    def get_config(self):
        return {**super().get_config(), "level": self.level}


def set_lod(model: keras.Model, lod: float) -> None:
    """Assigns the level of detail of every LodBlend layer of `model` (a no-op for networks without growth)."""
    for layer in model.layers:
        if isinstance(layer, LodBlend):
            layer.lod.assign(lod)


def feature_maps(stage: int, fmap_base: int, fmap_max: int) -> int:
    """Channels of the block at 2**(stage + 1) px: halved with each doubling of resolution, capped at fmap_max."""
    return min(max(fmap_base // (2 ** stage), 1), fmap_max)
