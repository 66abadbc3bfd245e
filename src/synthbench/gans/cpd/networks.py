"""No-growth GAN networks, trained at full resolution from the first image.

Generator [z, labels] -> image: every pixel norm is conditional (scale and shift predicted from [z, labels]),
and to-image outputs of every resolution are summed after bilinear upsampling (skip architecture, as in
StyleGAN2; nearest neighbours would leave block artefacts), so coarse structure is learned early without a
growth schedule. Only the full-resolution output starts non-zero: coarser outputs start silent and grow as
they learn. Started at random, four blurry layers of upsampled noise dominate the image and short runs stay
blurry (demo chest at 32 px after 24 kimg: FID 1300 vs 350, inception@75px).
Discriminator [image, labels] -> score: residual blocks, and the label term sum(dense(h) * labels): the score
itself, as the study's (`critic_labels: sum`), or added to an unconditional score (`projection`, Miyato & Koyama
2018).
"""

import math

import keras

from synthbench.gans.blocks import channels, conv, critic_head, from_image, latent_and_labels, start_4x4, to_image
from synthbench.gans.layers import ConditionalPixelNorm, EqualizedConv2D, EqualizedDense


def _conditional_conv(x, code, filters: int):
    return ConditionalPixelNorm()([conv(x, filters), code])


def build_generator(resolution: int, num_labels: int, settings: dict) -> keras.Model:
    top, nf = int(math.log2(resolution)), channels(settings)
    z, labels, code = latent_and_labels(settings["latent_size"], num_labels)
    x = ConditionalPixelNorm()([start_4x4(code, nf(1)), code])
    x = _conditional_conv(x, code, nf(1))
    image = to_image(x, silent=top > 2)
    for level_log2 in range(3, top + 1):
        x = keras.layers.UpSampling2D()(x)
        x = _conditional_conv(_conditional_conv(x, code, nf(level_log2 - 1)), code, nf(level_log2 - 1))
        image = keras.layers.Add()([keras.layers.UpSampling2D(interpolation="bilinear")(image),
                                    to_image(x, silent=level_log2 < top)])
    return keras.Model([z, labels], image, name="generator")


def build_discriminator(resolution: int, num_labels: int, settings: dict) -> keras.Model:
    top, nf = int(math.log2(resolution)), channels(settings)
    images = keras.Input((resolution, resolution, 1), name="images")
    labels = keras.Input((num_labels,), name="labels")
    x = from_image(images, nf(top - 1))
    for level_log2 in range(top, 2, -1):
        residual = keras.layers.AveragePooling2D(2)(conv(conv(x, nf(level_log2 - 1)), nf(level_log2 - 2)))
        shortcut = EqualizedConv2D(nf(level_log2 - 2), 1, gain=1.0, use_bias=False)(
            keras.layers.AveragePooling2D(2)(x))
        x = keras.layers.Rescaling(1 / math.sqrt(2))(keras.layers.Add()([residual, shortcut]))
    features = critic_head(x, nf(1), nf(0), settings["mbstd_group"])
    # the unconditional score's layer first where there is one: its weights are drawn before the label term's,
    # as they were before the study's form became the default (same seed, same network)
    score = EqualizedDense(1, gain=1.0)(features) if critic_labels(settings) == "projection" else None
    label_sum = keras.layers.Dot(axes=1)([EqualizedDense(num_labels, gain=1.0)(features), labels])
    output = label_sum if score is None else keras.layers.Add()([score, label_sum])
    return keras.Model([images, labels], output, name="discriminator")


CRITIC_LABELS = ("sum", "projection")


def critic_labels(settings: dict) -> str:
    """The critic's label term: `sum`, the study's (the score is sum(dense(h) * y), with no unconditional term), or
    `projection` (the same added to an unconditional score, Miyato & Koyama). Settings without the key (networks
    built before it existed) had the projection."""
    form = settings.get("critic_labels", "projection")
    if form not in CRITIC_LABELS:
        raise ValueError(f"unknown critic label term {form!r}; choose one of {', '.join(CRITIC_LABELS)}")
    return form


def build(resolution: int, num_labels: int, settings: dict) -> tuple[keras.Model, keras.Model]:
    return build_generator(resolution, num_labels, settings), build_discriminator(resolution, num_labels, settings)


def critic(discriminator: keras.Model, images, labels):
    """(scores [B], None): the labels enter the score through the projection, no label loss."""
    return discriminator([images, labels], training=True)[:, 0], None
