"""Progressive GAN networks as single graphs whose fade-ins are driven by the `lod` weight of LodBlend layers.

Generator [z, labels] -> image: each resolution's to-image output is blended with the upsampled output of the
level below. Discriminator image -> [score, label logits]: each resolution's features are blended with
features of the downsampled image, mirroring the generator; the label logits are the auxiliary classifier.
"""

import math

import keras

from synthbench.gans.blocks import channels, conv, critic_head, from_image, latent_and_labels, start_4x4, to_image
from synthbench.gans.layers import EqualizedDense, LodBlend, PixelNorm


def build_generator(resolution: int, num_labels: int, settings: dict) -> keras.Model:
    top, nf = int(math.log2(resolution)), channels(settings)
    z, labels, code = latent_and_labels(settings["latent_size"], num_labels)
    x = conv(PixelNorm()(start_4x4(code, nf(1))), nf(1), pixel_norm=True)
    image = to_image(x)
    for level_log2 in range(3, top + 1):
        x = keras.layers.UpSampling2D()(x)
        x = conv(conv(x, nf(level_log2 - 1), pixel_norm=True), nf(level_log2 - 1), pixel_norm=True)
        image = LodBlend(top - level_log2)([to_image(x), keras.layers.UpSampling2D()(image)])
    return keras.Model([z, labels], image, name="generator")


def build_discriminator(resolution: int, num_labels: int, settings: dict) -> keras.Model:
    top, nf = int(math.log2(resolution)), channels(settings)
    images = keras.Input((resolution, resolution, 1), name="images")
    x, image = from_image(images, nf(top - 1)), images
    for level_log2 in range(top, 2, -1):
        x = conv(conv(x, nf(level_log2 - 1)), nf(level_log2 - 2))
        x = keras.layers.AveragePooling2D(2)(x)
        image = keras.layers.AveragePooling2D(2)(image)
        x = LodBlend(top - level_log2)([x, from_image(image, nf(level_log2 - 2))])
    features = critic_head(x, nf(1), nf(0), settings["mbstd_group"])
    return keras.Model(images, EqualizedDense(1 + num_labels, gain=1.0)(features), name="discriminator")


def build(resolution: int, num_labels: int, settings: dict) -> tuple[keras.Model, keras.Model]:
    return build_generator(resolution, num_labels, settings), build_discriminator(resolution, num_labels, settings)


def critic(discriminator: keras.Model, images, labels):
    """(scores [B], label logits [B, L]); the labels are predicted, not given."""
    output = discriminator(images, training=True)
    return output[:, 0], output[:, 1:]
