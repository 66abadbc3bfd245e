"""DCGAN and SNGAN networks: output shapes at every supported side, fakes that depend on the labels, spectral
normalisation that keeps every discriminator kernel's largest singular value at 1 (checked by an SVD, not by
the layer's own power iteration), and the non-saturating objective against binary cross-entropy."""

import keras
import numpy as np
import pytest
import tensorflow as tf

from synthbench.gans import registry
from synthbench.gans.losses import NonSaturating
from synthbench.gans.sngan.layers import SpectralConv2D, SpectralDense, _normalised_kernel

SMALL = {"latent_size": 8, "g_channels": 4, "d_channels": 4, "max_channels": 32}
LABELS = 3


@pytest.fixture(scope="module")
def families():
    return {name: registry.entry(name).load() for name in ("dcgan", "sngan")}


@pytest.mark.parametrize("name", ["dcgan", "sngan"])
@pytest.mark.parametrize("side", [16, 32, 64, 128, 256])
def test_networks_map_z_and_labels_to_images_and_images_to_one_logit(families, name, side):
    keras.utils.set_random_seed(0)
    generator, discriminator = families[name].build(side, LABELS, SMALL)
    z, labels = np.random.default_rng(0).normal(size=(2, 8)).astype(np.float32), np.eye(LABELS, dtype=np.float32)[:2]
    images = generator([z, labels], training=False).numpy()
    assert images.shape == (2, side, side, 1) and np.abs(images).max() <= 1.0
    assert discriminator([images, labels], training=False).shape == (2, 1)
    transposed = [layer for layer in generator.layers if isinstance(layer, keras.layers.Conv2DTranspose)]
    assert len(transposed) == int(np.log2(side)) - 1, "a 4x4 start, then one block per doubling"


def test_sides_below_16_are_refused(families):
    with pytest.raises(ValueError, match="at least 16 px"):
        families["dcgan"].build(8, LABELS, SMALL)


@pytest.mark.parametrize("name", ["dcgan", "sngan"])
def test_fakes_differ_by_label(families, name):
    keras.utils.set_random_seed(1)
    generator, _ = families[name].build(32, LABELS, SMALL)
    rng = np.random.default_rng(1)
    z = np.repeat(rng.normal(size=(1, 8)).astype(np.float32), LABELS, axis=0)
    by_label = generator([z, np.eye(LABELS, dtype=np.float32)], training=False).numpy()
    by_noise = generator([rng.normal(size=(2, 8)).astype(np.float32), np.eye(LABELS, dtype=np.float32)[[0, 0]]],
                         training=False).numpy()
    noise_change = np.abs(by_noise[0] - by_noise[1]).mean()
    assert noise_change > 0
    for a, b in ((0, 1), (1, 2), (0, 2)):
        assert np.abs(by_label[a] - by_label[b]).mean() > 0.05 * noise_change, "labels change the image"


def test_only_sngan_discriminators_are_spectrally_normalised(families):
    kernel_layers = (keras.layers.Conv2D, keras.layers.Dense)
    for name, expected in (("dcgan", 0), ("sngan", 1)):
        _, discriminator = families[name].build(32, LABELS, SMALL)
        layers = [layer for layer in discriminator.layers if isinstance(layer, kernel_layers)]
        normalised = [isinstance(layer, SpectralConv2D | SpectralDense) for layer in layers]
        assert layers and all(normalised) if expected else not any(normalised)


def test_spectral_norm_keeps_each_kernels_largest_singular_value_at_one(families):
    keras.utils.set_random_seed(2)
    _, discriminator = families["sngan"].build(32, LABELS, SMALL)
    images = tf.random.normal([4, 32, 32, 1])
    labels = tf.constant(np.eye(LABELS, dtype=np.float32)[[0, 1, 2, 0]])
    layers = [layer for layer in discriminator.layers if isinstance(layer, SpectralConv2D | SpectralDense)]
    raw = [np.linalg.svd(layer.kernel.numpy().reshape(-1, layer.kernel.shape[-1]), compute_uv=False)[0]
           for layer in layers]
    assert max(raw) < 0.5, "the raw kernels (N(0, 0.02)) are far from unit norm, so the test can tell"
    for _ in range(30):  # each training call refines u by one power iteration
        discriminator([images, labels], training=True)
    for layer in layers:
        kernel = _normalised_kernel(layer, training=False).numpy().reshape(-1, layer.kernel.shape[-1])
        assert np.linalg.svd(kernel, compute_uv=False)[0] == pytest.approx(1.0, abs=0.02), layer.name


def test_spectral_norm_gradients_flow_through_the_normalisation(families):
    """d/dW of sum(W / sigma(W) x) is not the plain d/dW of sum(W x): the reparametrisation, not a projection."""
    keras.utils.set_random_seed(3)
    layer = SpectralDense(4, use_bias=False)
    x = tf.random.normal([5, 6])
    layer(x, training=True)
    with tf.GradientTape() as tape:
        normalised = tf.reduce_sum(layer(x, training=False))
    gradient = tape.gradient(normalised, layer.kernel).numpy()
    plain = np.tile(x.numpy().sum(axis=0)[:, None], (1, 4))
    assert not np.allclose(gradient * np.linalg.svd(layer.kernel.numpy(), compute_uv=False)[0], plain, atol=1e-3)


def test_non_saturating_objective_is_binary_cross_entropy_of_the_logits():
    real, fake = tf.constant([2.0, -1.0, 0.5]), tf.constant([-3.0, 0.2, 1.0])
    scores = {id(real): real, id(fake): fake}

    def critic(images):
        return scores[id(images)], None

    bce = keras.losses.BinaryCrossentropy(from_logits=True)
    objective = NonSaturating()
    expected_d = bce(tf.ones(3), real) + bce(tf.zeros(3), fake)
    assert float(objective.discriminator(critic, real, fake, None, None)) == pytest.approx(float(expected_d), rel=1e-6)
    assert float(objective.generator(critic, fake, None)) == pytest.approx(float(bce(tf.ones(3), fake)), rel=1e-6)
