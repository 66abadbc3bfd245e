"""The diffusion family's networks: a class-conditional U-Net F (after EDM's DDPM++ / ADM designs, reduced to
what one-channel 8-256 px images need) and the generator the sampler contract runs, the U-Net inside Heun's
sampler (`edm.HeunSampler`).

U-Net F([image, c_noise, labels, conditioned]) -> image-shaped output:
- the noise level enters as a positional embedding of c_noise (EDM's, 10000 max positions), plus a bias-free
  linear map of [labels, conditioned] (the labels embedded and added to the noise embedding), then two dense
  layers with SiLU: one embedding vector per image, which conditions every residual block;
- depth follows the resolution: one level per side from the image's down to `lowest_resolution` (8 px: 32 px
  images get 32 / 16 / 8), `blocks_per_level` residual blocks on each, strided 3x3 convolutions down and
  nearest-neighbour upsampling plus a 3x3 convolution up, skips from every encoder block to the decoder;
- width follows the depth: `channels` at the image's side, doubling with each halving, at most `max_channels`;
- self-attention between the two residual blocks at the lowest side, and after the blocks at the sides in
  `attention_resolutions`;
- residual blocks whose features the embedding scales and shifts (EDM's DDPM++ blocks with adaptive scale);
- group norm (at most 32 groups, at least 4 channels each), SiLU, residual sums scaled by sqrt(1/2), and the
  output convolution and each block's second convolution starting at zero, so a new network is the identity
  map through the skip connections and the preconditioning (D starts as c_skip x).
"""

import math

import keras
from keras import ops

from synthbench.gans.diffusion.edm import HeunSampler
from synthbench.gans.layers import PACKAGE

NETWORK_NAME = "denoiser"
SAMPLER_NAME = "heun_sampler"


@keras.saving.register_keras_serializable(PACKAGE)
class PositionalEmbedding(keras.layers.Layer):
    """[B, 1] -> [B, dims]: cos and sin of the input at frequencies from 1 down to 1 / max_positions (EDM's
    `PositionalEmbedding` with endpoint=True)."""

    def __init__(self, dims: int, max_positions: int = 10000, **kwargs):
        super().__init__(**kwargs)
        self.dims, self.max_positions = dims, max_positions

    def call(self, x):
        half = self.dims // 2
        frequencies = (1.0 / self.max_positions) ** (ops.arange(half, dtype="float32") / max(half - 1, 1))
        angles = ops.cast(x, "float32") * frequencies[None, :]
        return ops.concatenate([ops.cos(angles), ops.sin(angles)], axis=-1)

    def compute_output_shape(self, input_shape):
        return (input_shape[0], 2 * (self.dims // 2))

    def get_config(self):
        return {**super().get_config(), "dims": self.dims, "max_positions": self.max_positions}


def _groups(channels: int) -> int:
    """Group norm's groups: the most that divide `channels`, at most 32, with at least 4 channels each."""
    return max(g for g in range(1, min(32, max(channels // 4, 1)) + 1) if channels % g == 0)


def _norm(x):
    return keras.layers.GroupNormalization(_groups(int(x.shape[-1])), epsilon=1e-5)(x)


def _silu(x):
    return keras.layers.Activation("silu")(x)


def _conv(filters: int, zero: bool = False, kernel: int = 3, strides: int = 1):
    return keras.layers.Conv2D(filters, kernel, strides=strides, padding="same",
                               kernel_initializer="zeros" if zero else "glorot_uniform")


def _scaled_sum(a, b):
    return keras.layers.Rescaling(math.sqrt(0.5))(keras.layers.Add()([a, b]))


def _residual_block(x, embedding, channels: int):
    """EDM's DDPM++ block with adaptive scale: the embedding sets a scale and a shift of the normalised features
    between the two convolutions (stronger conditioning than adding it)."""
    h = _conv(channels)(_silu(_norm(x)))
    scale_shift = keras.layers.Reshape((1, 1, 2 * channels))(keras.layers.Dense(2 * channels)(embedding))
    h = _silu(AdaptiveScale()([_norm(h), scale_shift]))
    h = _conv(channels, zero=True)(h)
    skip = x if int(x.shape[-1]) == channels else _conv(channels, kernel=1)(x)
    return _scaled_sum(h, skip)


@keras.saving.register_keras_serializable(PACKAGE)
class AdaptiveScale(keras.layers.Layer):
    """[features [B, H, W, C], scale and shift [B, 1, 1, 2C]] -> features x (1 + scale) + shift."""

    def call(self, inputs):
        features, scale_shift = inputs
        scale, shift = ops.split(scale_shift, 2, axis=-1)
        return features * (1.0 + scale) + shift

    def compute_output_shape(self, input_shape):
        return input_shape[0]


def _attention(x):
    side, channels = int(x.shape[1]), int(x.shape[-1])
    heads = max(channels // 64, 1)
    tokens = keras.layers.Reshape((side * side, channels))(_norm(x))
    attended = keras.layers.MultiHeadAttention(heads, channels // heads)(tokens, tokens)
    return _scaled_sum(x, keras.layers.Reshape((side, side, channels))(attended))


def levels(resolution: int, lowest_resolution: int) -> list[int]:
    """The sides the U-Net works at: the image's, halved down to `lowest_resolution` (at least one level)."""
    sides = [resolution]
    while sides[-1] // 2 >= lowest_resolution and sides[-1] % 2 == 0:
        sides.append(sides[-1] // 2)
    return sides


def build_network(resolution: int, num_labels: int, settings: dict) -> keras.Model:
    """F of the preconditioned denoiser (see the module docstring)."""
    base, widest = settings["channels"], settings["max_channels"]
    sides = levels(resolution, settings["lowest_resolution"])
    width = {side: min(base * resolution // side, widest) for side in sides}
    embedding_size = 4 * base

    image = keras.Input((resolution, resolution, 1), name="image")
    c_noise = keras.Input((1,), name="c_noise")
    labels = keras.Input((num_labels,), name="labels")
    conditioned = keras.Input((1,), name="conditioned")
    embedding = PositionalEmbedding(base)(c_noise)
    label_code = keras.layers.Dense(int(embedding.shape[-1]), use_bias=False)(
        keras.layers.Concatenate()([labels, conditioned]))
    embedding = keras.layers.Add()([embedding, label_code])
    for _ in range(2):
        embedding = keras.layers.Dense(embedding_size, activation="silu")(embedding)

    def blocks_at(x, side, channels):
        x = _residual_block(x, embedding, channels)
        return _attention(x) if side in settings["attention_resolutions"] else x

    x = _conv(width[resolution])(image)
    skips = [x]
    for index, side in enumerate(sides):
        for _ in range(settings["blocks_per_level"]):
            x = blocks_at(x, side, width[side])
            skips.append(x)
        if index < len(sides) - 1:
            x = _conv(int(x.shape[-1]), strides=2)(x)
            skips.append(x)
    x = _attention(_residual_block(x, embedding, width[sides[-1]]))
    x = _residual_block(x, embedding, width[sides[-1]])
    for index, side in reversed(list(enumerate(sides))):
        for _ in range(settings["blocks_per_level"] + 1):
            x = blocks_at(keras.layers.Concatenate()([x, skips.pop()]), side, width[side])
        if index > 0:
            x = _conv(width[sides[index - 1]])(keras.layers.UpSampling2D(2, interpolation="nearest")(x))
    output = _conv(1, zero=True)(_silu(_norm(x)))
    return keras.Model([image, c_noise, labels, conditioned], output, name=NETWORK_NAME)


def build(resolution: int, num_labels: int, settings: dict):
    """(generator [z, labels] -> images, no discriminator): the U-Net inside the Heun sampler, z of side^2 values."""
    sampling = settings["sampling"]
    if sampling["guidance"] != 1 and not settings["label_dropout"]:
        raise ValueError(f"gans.diffusion.sampling.guidance is {sampling['guidance']}, but label_dropout 0 trains no "
                         "unconditional denoiser to guide with: set label_dropout above 0 or guidance to 1")
    network = build_network(resolution, num_labels, settings)
    z = keras.Input((resolution * resolution,), name="z")
    labels = keras.Input((num_labels,), name="labels")
    images = HeunSampler(network, resolution, sampling["steps"], sampling["guidance"], sampling["sigma_min"],
                         sampling["sigma_max"], sampling["rho"], settings["sigma_data"], name=SAMPLER_NAME)([z, labels])
    return keras.Model([z, labels], images, name="generator"), None


def network_of(generator: keras.Model) -> keras.Model:
    """The U-Net a diffusion generator samples with (what training updates)."""
    return generator.get_layer(SAMPLER_NAME).network
