"""The diffusion family: EDM's preconditioning and noise levels as the paper writes them, Heun's sampler against
the probability-flow ODE's exact solution, classifier-free guidance's mix, the denoising loss falling on a toy
set, deterministic sampling through the sampler contract, fakes that follow their labels, and a saved generator
that samples as before. (Training as a job, its SIGKILL resume and its outputs: tests/test_gan_training.py.)"""

import keras
import numpy as np
import pytest
import tensorflow as tf

from synthbench.config import gan_section
from synthbench.gans import registry
from synthbench.gans.diffusion import edm
from synthbench.gans.diffusion.networks import build_network, levels, network_of
from synthbench.gans.losses import Networks
from synthbench.gans.sampler import NetworkSampler
from synthbench.gans.training import Settings

SIDE = 16
TINY = {"networks": {"channels": 16, "max_channels": 32, "blocks_per_level": 1, "attention_resolutions": []},
        "sampling": {"steps": 6}, "lrate": 0.001}


def _generator(section: dict, num_labels: int = 2, seed: int = 0):
    family = registry.entry("diffusion").load()
    settings = Settings.from_config(gan_section("diffusion", section), SIDE, family)
    keras.utils.set_random_seed(seed)
    generator, discriminator = family.build(SIDE, num_labels, settings.networks)
    assert discriminator is None
    return generator, settings


def test_preconditioning_is_edms():
    sigma_data = 0.5
    for sigma in (0.002, 0.5, 80.0):
        c_skip, c_out, c_in, c_noise = (float(v) for v in edm.scalings(np.float32(sigma), sigma_data))
        assert c_skip == pytest.approx(sigma_data ** 2 / (sigma ** 2 + sigma_data ** 2), rel=1e-5)
        assert c_out == pytest.approx(sigma * sigma_data / np.sqrt(sigma ** 2 + sigma_data ** 2), rel=1e-5)
        assert c_in == pytest.approx(1 / np.sqrt(sigma ** 2 + sigma_data ** 2), rel=1e-5)
        assert c_noise == pytest.approx(np.log(sigma) / 4, rel=1e-5)
        # The loss weight makes the effective target c_out-scaled: lambda * c_out^2 = 1 at every level.
        assert float(edm.loss_weight(np.float32(sigma), sigma_data)) * c_out ** 2 == pytest.approx(1.0, rel=1e-5)


def test_sampling_noise_levels_fall_from_sigma_max_to_sigma_min_then_zero():
    sigmas = edm.sampling_sigmas(18, 0.002, 80.0, 7.0)
    assert len(sigmas) == 19 and sigmas[-1] == 0
    assert sigmas[0] == pytest.approx(80.0) and sigmas[-2] == pytest.approx(0.002)
    assert np.all(np.diff(sigmas) < 0)
    spacing = np.diff(sigmas[:-1].astype(np.float64) ** (1 / 7))
    np.testing.assert_allclose(spacing, spacing[0], rtol=1e-3)  # even in sigma^(1/rho) (EDM eq. 5)


def test_heun_sampler_solves_the_probability_flow_ode_of_an_untrained_network_to_second_order():
    """A new network's output convolution starts at zero, so D(x; sigma) = c_skip x and the ODE
    dx/dsigma = (x - D) / sigma has the solution
    x(sigma) = x(sigma_max) sqrt(sigma^2 + sd^2) / sqrt(sigma_max^2 + sd^2): the images are the starting noise
    times sd / sqrt(sigma_max^2 + sd^2) (0.49998 for sd 0.5, sigma_max 80).
    Heun's method is second order: twice the steps, about a quarter of the error."""
    z = np.random.default_rng(1).standard_normal((3, SIDE * SIDE)).astype(np.float32) * 0.5
    exact = z.reshape(3, SIDE, SIDE, 1) * 80.0 * 0.5 / np.sqrt(80.0 ** 2 + 0.25)
    errors = []
    for steps in (32, 64):
        generator, _ = _generator({**TINY, "sampling": {"steps": steps}})
        images = generator.predict_on_batch([z, np.eye(2, dtype=np.float32)[[0, 1, 0]]])
        inside = np.abs(exact) < 0.95  # away from the clip at +-1
        errors.append(np.median(np.abs(images[inside] / exact[inside] - 1)))
    assert errors[1] < 0.005 and 3.5 < errors[0] / errors[1] < 4.5, errors


def test_guidance_mixes_the_conditional_and_unconditional_estimates():
    """D = D_u + w (D_c - D_u), with a stand-in network whose output is its `conditioned` flag."""
    image, c_noise = keras.Input((SIDE, SIDE, 1)), keras.Input((1,))
    labels, conditioned = keras.Input((2,)), keras.Input((1,))
    flag = keras.layers.Reshape((1, 1, 1))(conditioned)
    network = keras.Model([image, c_noise, labels, conditioned],
                          keras.layers.Add()([keras.layers.Multiply()([image, keras.ops.zeros_like(image)]), flag]))
    x = np.random.default_rng(0).standard_normal((2, SIDE, SIDE, 1)).astype(np.float32)
    y = np.eye(2, dtype=np.float32)
    sigma = 3.0
    c_skip, c_out, _, _ = (float(v) for v in edm.scalings(np.float32(sigma), 0.5))
    for guidance in (1.0, 2.5):
        sampler = edm.HeunSampler(network, SIDE, 4, guidance, 0.002, 80.0, 7.0, 0.5)
        estimate = np.asarray(sampler._denoised(tf.constant(x), tf.constant(sigma), tf.constant(y)))
        # D_c = c_skip x + c_out, D_u = c_skip x: the guided estimate is c_skip x + w c_out.
        np.testing.assert_allclose(estimate, c_skip * x + guidance * c_out, rtol=1e-5, atol=1e-6)


def test_guidance_without_an_unconditional_denoiser_is_refused():
    with pytest.raises(ValueError, match="label_dropout 0 trains no unconditional denoiser"):
        _generator({**TINY, "label_dropout": 0, "sampling": {"guidance": 2}})


def test_unet_depth_and_width_follow_the_resolution():
    assert levels(16, 8) == [16, 8] and levels(128, 8) == [128, 64, 32, 16, 8] and levels(8, 8) == [8]
    settings = {"channels": 8, "max_channels": 32, "blocks_per_level": 1, "lowest_resolution": 8,
                "attention_resolutions": []}
    small, large = build_network(16, 2, settings), build_network(32, 2, settings)
    assert large.count_params() > small.count_params()
    widths = {int(layer.output.shape[-1]) for layer in large.layers if isinstance(layer, keras.layers.Conv2D)}
    assert max(widths) == 32, "8 channels at 32 px, doubling per halving up to max_channels"


def _toy_set(count: int, seed: int):
    """Two classes at 16 px: a bright top half (label 0) or a bright bottom half (label 1), with a little noise."""
    rng = np.random.default_rng(seed)
    which = rng.integers(0, 2, count)
    rows = np.arange(SIDE)[None, :, None]
    bright = np.where(which[:, None, None] == 0, rows < SIDE // 2, rows >= SIDE // 2)
    images = np.broadcast_to(np.where(bright, 220.0, 35.0), (count, SIDE, SIDE)) + rng.normal(0, 8, (count, SIDE, SIDE))
    return np.clip(images, 0, 255).astype(np.uint8), np.eye(2, dtype=np.float32)[which]


@pytest.fixture(scope="module")
def trained():
    """(generator, per-step losses) after 500 steps of minibatch 32 on the toy set."""
    generator, settings = _generator(TINY)
    optimizer = keras.optimizers.Adam(TINY["lrate"])
    optimizer.build(generator.trainable_variables)
    networks = Networks(generator, None, optimizer, None, tf.random.Generator.from_seed(0), None, 0)
    objective = settings.objective

    @tf.function
    def step(images, labels):
        return objective.update(networks, images, labels, 0.0, objective.draw(networks, images), replicas=1)

    images, labels = _toy_set(32 * 500, seed=0)
    losses = [float(step(images[i:i + 32], labels[i:i + 32])[0]) for i in range(0, len(images), 32)]
    return generator, np.asarray(losses)


def test_denoising_loss_falls_on_a_toy_set_within_a_few_hundred_steps(trained):
    _generator_, losses = trained
    assert losses[-50:].mean() < 0.5 * losses[:20].mean(), (losses[:20].mean(), losses[-50:].mean())


def test_sampling_is_deterministic_for_a_seed_whatever_the_batch(trained):
    generator, _ = trained
    labels = np.eye(2, dtype=np.float32)[np.arange(10) % 2]
    first = NetworkSampler(generator)(labels, seed=5)
    np.testing.assert_array_equal(first, NetworkSampler(generator, batch_size=3)(labels, seed=5))
    assert not np.array_equal(first, NetworkSampler(generator)(labels, seed=6))


def test_fakes_show_the_labels_they_were_asked_for(trained):
    generator, _ = trained
    labels = np.eye(2, dtype=np.float32)[np.arange(64) % 2]
    fakes = NetworkSampler(generator)(labels, seed=0).astype(np.float32)
    top_minus_bottom = fakes[:, :SIDE // 2].mean(axis=(1, 2)) - fakes[:, SIDE // 2:].mean(axis=(1, 2))
    asked_top = labels[:, 0] == 1
    assert (np.sign(top_minus_bottom) == np.where(asked_top, 1, -1)).mean() > 0.9
    assert top_minus_bottom[asked_top].mean() > 100 and top_minus_bottom[~asked_top].mean() < -100


def test_a_saved_generator_samples_as_before(trained, tmp_path):
    generator, _ = trained
    generator.save(tmp_path / "network_final.keras")
    loaded = keras.saving.load_model(tmp_path / "network_final.keras", compile=False)
    labels = np.eye(2, dtype=np.float32)[[0, 1, 1]]
    np.testing.assert_array_equal(NetworkSampler(loaded)(labels, seed=2), NetworkSampler(generator)(labels, seed=2))
    assert network_of(loaded).count_params() == network_of(generator).count_params()
