"""Both GANs' networks: shapes and parameter counts per resolution, fade-in continuity of the progressive
generator, the no-growth generator's start (only its full-resolution output speaks), and the projection
discriminator's label term."""

import numpy as np
import pytest
import tensorflow as tf

from synthbench.gans.cpd import networks as cpd
from synthbench.gans.layers import EqualizedConv2D, LodBlend, set_lod
from synthbench.gans.prog import networks as prog

SETTINGS = {"latent_size": 8, "fmap_base": 32, "fmap_max": 16, "mbstd_group": 4}
LABELS = 3


def nf(stage: int) -> int:
    return min(32 // 2 ** stage, 16)


def conv_params(cin: int, cout: int, kernel: int = 3) -> int:
    return kernel * kernel * cin * cout + cout


def prog_generator_params(resolution: int) -> int:
    """Dense to 4x4, a 3x3 conv, to-image; then per doubling two convs, a to-image and a lod weight."""
    total = (SETTINGS["latent_size"] + LABELS + 1) * nf(1) * 16 + conv_params(nf(1), nf(1)) + conv_params(nf(1), 1, 1)
    for level in range(3, int(np.log2(resolution)) + 1):
        cin, cout = nf(level - 2), nf(level - 1)
        total += conv_params(cin, cout) + conv_params(cout, cout) + conv_params(cout, 1, 1) + 1
    return total


@pytest.mark.parametrize("resolution", [8, 16, 32])
def test_prog_shapes_and_parameter_counts(resolution):
    generator, discriminator = prog.build(resolution, LABELS, SETTINGS)
    z, labels = tf.random.normal([4, 8]), tf.one_hot([0, 1, 2, 0], LABELS)
    assert generator([z, labels]).shape == (4, resolution, resolution, 1)
    assert discriminator(tf.zeros([4, resolution, resolution, 1])).shape == (4, 1 + LABELS)
    assert generator.count_params() == prog_generator_params(resolution)


def test_prog_discriminator_grows_by_one_block_per_doubling():
    small = prog.build_discriminator(16, LABELS, SETTINGS).count_params()
    large = prog.build_discriminator(32, LABELS, SETTINGS).count_params()
    # new from-image at 32 px, two convs, the old from-image at 16 px kept, plus one lod weight
    added = conv_params(1, nf(4), 1) + conv_params(nf(4), nf(4)) + conv_params(nf(4), nf(3)) + 1
    assert large - small == added


@pytest.mark.parametrize("resolution", [8, 16, 32])
def test_cpd_shapes(resolution):
    generator, discriminator = cpd.build(resolution, LABELS, SETTINGS)
    z, labels = tf.random.normal([4, 8]), tf.one_hot([0, 1, 2, 0], LABELS)
    assert generator([z, labels]).shape == (4, resolution, resolution, 1)
    assert discriminator([tf.zeros([4, resolution, resolution, 1]), labels]).shape == (4, 1)
    assert not any(isinstance(layer, LodBlend) for layer in generator.layers), "no growth machinery"


def test_cpd_generator_starts_from_its_full_resolution_output_alone():
    generator = cpd.build_generator(32, LABELS, SETTINGS)
    outputs = [layer for layer in generator.layers if isinstance(layer, EqualizedConv2D) and layer.filters == 1]
    z, labels = tf.random.normal([4, 8], seed=5), tf.one_hot([0, 1, 2, 0], LABELS)
    images = generator([z, labels]).numpy()
    assert len(outputs) == 4 and images.std() > 0.1 and np.abs(images[0] - images[1]).max() > 1e-3
    top = next(layer for layer in outputs if layer.output.shape[1] == 32)
    top.kernel.assign(tf.zeros_like(top.kernel))
    np.testing.assert_array_equal(generator([z, labels]).numpy(), 0.0)  # the 4, 8 and 16 px outputs: silent


def test_fade_in_starts_from_the_upsampled_lower_resolution_output():
    generator = prog.build_generator(16, LABELS, SETTINGS)
    blends = [layer for layer in generator.layers if isinstance(layer, LodBlend)]
    eight_px = tf.keras.Model(generator.inputs, next(b for b in blends if b.level == 1).output)
    z, labels = tf.random.normal([2, 8], seed=1), tf.one_hot([0, 2], LABELS)
    set_lod(generator, 1.0)  # the instant the 16 px level starts fading in
    low = eight_px([z, labels]).numpy()
    upsampled = np.repeat(np.repeat(low, 2, axis=1), 2, axis=2)
    np.testing.assert_allclose(generator([z, labels]).numpy(), upsampled, atol=1e-6)
    set_lod(generator, 1.0 - 1e-4)
    assert np.abs(generator([z, labels]).numpy() - upsampled).max() < 1e-2, "output moves continuously"
    set_lod(generator, 0.0)
    assert np.abs(generator([z, labels]).numpy() - upsampled).max() > 1e-3, "full detail differs"


def test_projection_label_term_is_linear_in_the_labels():
    discriminator = cpd.build_discriminator(16, LABELS, SETTINGS)
    images = tf.random.normal([4, 16, 16, 1], seed=2)
    score = lambda labels: discriminator([images, tf.constant(labels, tf.float32)]).numpy()  # noqa: E731
    none, first, second = score(np.zeros((4, 3))), score(np.eye(3)[[0] * 4]), score(np.eye(3)[[1] * 4])
    both = score(np.eye(3)[[0] * 4] + np.eye(3)[[1] * 4])
    np.testing.assert_allclose(both - none, (first - none) + (second - none), rtol=1e-4, atol=1e-5)
    assert np.abs(first - none).max() > 1e-4, "labels change the score"


def test_the_studys_critic_score_is_the_label_term_alone():
    """critic_labels: sum (the study's cpd): the score is sum(dense(h) * y), so an image with no positive label
    scores exactly 0, and the critic has no unconditional score layer (nf(0) + 1 parameters fewer)."""
    study = cpd.build_discriminator(16, LABELS, {**SETTINGS, "critic_labels": "sum"})
    projection = cpd.build_discriminator(16, LABELS, {**SETTINGS, "critic_labels": "projection"})
    images = tf.random.normal([4, 16, 16, 1], seed=3)
    np.testing.assert_array_equal(study([images, tf.zeros([4, LABELS])]).numpy(), 0.0)
    assert np.abs(study([images, tf.one_hot([0, 1, 2, 0], LABELS)]).numpy()).max() > 1e-4
    assert projection.count_params() - study.count_params() == nf(0) + 1
    with pytest.raises(ValueError, match="critic label term"):
        cpd.build_discriminator(16, LABELS, {**SETTINGS, "critic_labels": "hinge"})
