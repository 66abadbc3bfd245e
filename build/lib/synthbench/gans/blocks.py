"""Building blocks both GANs' networks are made of (equalised-LR layers with leaky ReLU)."""

import math

import keras

from synthbench.gans.layers import EqualizedConv2D, EqualizedDense, MinibatchStddev, PixelNorm, feature_maps


def channels(settings: dict):
    """stage -> feature maps, from the network settings' fmap_base and fmap_max."""
    return lambda stage: feature_maps(stage, settings["fmap_base"], settings["fmap_max"])


def conv(x, filters: int, kernel: int = 3, pixel_norm: bool = False):
    x = keras.layers.LeakyReLU(0.2)(EqualizedConv2D(filters, kernel)(x))
    return PixelNorm()(x) if pixel_norm else x


def dense(x, units: int):
    return keras.layers.LeakyReLU(0.2)(EqualizedDense(units)(x))


def to_image(x, silent: bool = False):
    """1x1 projection to one grey channel, linear (gain 1); a `silent` one starts at exactly 0."""
    return EqualizedConv2D(1, 1, gain=1.0, zero_init=silent)(x)


def from_image(x, filters: int):
    return conv(x, filters, kernel=1)


def latent_and_labels(latent_size: int, num_labels: int):
    """The generator's inputs and their joint code: pixel-normalised z concatenated with the labels."""
    z = keras.Input((latent_size,), name="z")
    labels = keras.Input((num_labels,), name="labels")
    return z, labels, keras.layers.Concatenate()([PixelNorm()(z), labels])


def start_4x4(code, filters: int):
    """A dense layer to a 4x4 feature map: the generator's first block."""
    x = EqualizedDense(filters * 16, gain=math.sqrt(2) / 4)(code)
    return keras.layers.LeakyReLU(0.2)(keras.layers.Reshape((4, 4, filters))(x))


def critic_head(x, stage_1: int, stage_0: int, group_size: int):
    """The discriminator's 4x4 end: minibatch stddev, a conv, then a dense feature vector."""
    x = conv(MinibatchStddev(group_size)(x), stage_1)
    return dense(keras.layers.Flatten()(x), stage_0)
