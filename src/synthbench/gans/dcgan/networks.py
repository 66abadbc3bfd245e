"""Class-conditional DCGAN networks at any power-of-two side from 16 px, one block per doubling (as MedImageGAN's
64 / 128 / 256 px variants, which add one block each; kernel 4, stride 2, no biases, N(0, 0.02) weights and
batch-norm scales N(1, 0.02)).

Generator [z, labels] -> image in [-1, 1]: the labels joined to z, a 4x4 transposed convolution from that
1x1 code, then transposed convolutions with batch norm and ReLU, doubling the side and halving the channels
(ngf x side/8 ... ngf at side/2), and tanh out.
Discriminator [image, labels] -> logit: strided convolutions with LeakyReLU 0.2 and batch norm (none on the
first), halving the side down to 4x4, then the unconditional logit of a 4x4 convolution plus a projection
term <V^T labels, features> (Miyato & Koyama 2018). Projection rather than an auxiliary classifier head: it
conditions D without a second loss whose weight would need tuning per dataset, the labels are multi-hot
finding sets that a projection takes as they are, and it is how SNGAN conditions its critic.

`layers` chooses the discriminator's convolution and dense layers: plain Keras layers here; SNGAN passes
spectrally normalised ones and keeps everything else.
"""

import math
from collections.abc import Callable

import keras

MIN_RESOLUTION = 16


def _weights():
    """N(0, 0.02), one initializer per layer: created after the run's seed is set, so builds repeat exactly (a
    module-level instance would take its seed at import time)."""
    return keras.initializers.RandomNormal(0.0, 0.02)


def _channels(base: int, maximum: int, resolution: int, side: int) -> int:
    """Feature maps of the block whose output is `side` px: `base` at half the resolution, doubling as the
    side halves (MedImageGAN: 8 ngf at 4 px for 64 px images, 16 ngf for 128 px), capped at `maximum`."""
    return min(base * resolution // (2 * side), maximum)


def _check(resolution: int) -> int:
    top = int(math.log2(resolution))
    if resolution < MIN_RESOLUTION or 2 ** top != resolution:
        raise ValueError(f"DCGAN networks need a power-of-two side of at least {MIN_RESOLUTION} px, got {resolution}")
    return top


def _batch_norm():
    """Scales N(1, 0.02), shifts 0; statistics follow quickly (momentum 0.9, PyTorch's 0.1) for short runs."""
    return keras.layers.BatchNormalization(momentum=0.9, epsilon=1e-5,
                                           gamma_initializer=keras.initializers.RandomNormal(1.0, 0.02))


def build_generator(resolution: int, num_labels: int, settings: dict) -> keras.Model:
    top = _check(resolution)
    z = keras.Input((settings["latent_size"],), name="z")
    labels = keras.Input((num_labels,), name="labels")
    x = keras.layers.Reshape((1, 1, settings["latent_size"] + num_labels))(keras.layers.Concatenate()([z, labels]))
    for level in range(2, top + 1):
        side = 2 ** level
        if level == top:
            x = keras.layers.Conv2DTranspose(1, 4, strides=2, padding="same", use_bias=False,
                                             kernel_initializer=_weights())(x)
            break
        filters = _channels(settings["g_channels"], settings["max_channels"], resolution, side)
        x = keras.layers.Conv2DTranspose(filters, 4, strides=1 if level == 2 else 2,
                                         padding="valid" if level == 2 else "same", use_bias=False,
                                         kernel_initializer=_weights())(x)
        x = keras.layers.ReLU()(_batch_norm()(x))
    return keras.Model([z, labels], keras.layers.Activation("tanh")(x), name="generator")


def build_discriminator(resolution: int, num_labels: int, settings: dict,
                        conv: Callable[..., keras.layers.Layer] = keras.layers.Conv2D,
                        dense: Callable[..., keras.layers.Layer] = keras.layers.Dense) -> keras.Model:
    top = _check(resolution)
    images = keras.Input((resolution, resolution, 1), name="images")
    labels = keras.Input((num_labels,), name="labels")
    x = images
    for level in range(top - 1, 1, -1):
        side = 2 ** level
        filters = _channels(settings["d_channels"], settings["max_channels"], resolution, side)
        x = conv(filters, 4, strides=2, padding="same", use_bias=False, kernel_initializer=_weights())(x)
        if level != top - 1:
            x = _batch_norm()(x)
        x = keras.layers.LeakyReLU(0.2)(x)
    logit = keras.layers.Flatten()(conv(1, 4, padding="valid", use_bias=False, kernel_initializer=_weights())(x))
    features = keras.layers.Flatten()(x)
    embedded = dense(num_labels, use_bias=False, kernel_initializer=_weights())(features)
    projection = keras.layers.Dot(axes=1)([embedded, labels])
    return keras.Model([images, labels], keras.layers.Add()([logit, projection]), name="discriminator")


def build(resolution: int, num_labels: int, settings: dict) -> tuple[keras.Model, keras.Model]:
    return build_generator(resolution, num_labels, settings), build_discriminator(resolution, num_labels, settings)


def critic(discriminator: keras.Model, images, labels):
    """(logits [B], None): the labels enter through the projection, no label loss."""
    return discriminator([images, labels], training=True)[:, 0], None
