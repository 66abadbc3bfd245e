"""The GAN machinery's parts on hand-made inputs: layers, losses, growth schedule, reals at a level of
detail, early stopping and checkpoints."""

import math

import keras
import numpy as np
import pytest
import tensorflow as tf

from synthbench.gans import checkpoint
from synthbench.gans.layers import (
    ConditionalPixelNorm,
    EqualizedConv2D,
    EqualizedDense,
    LodBlend,
    MinibatchStddev,
    PixelNorm,
    pixel_norm,
    set_lod,
)
from synthbench.gans.losses import discriminator_loss, generator_loss, gradient_penalty, label_loss
from synthbench.gans.reals import blend_reals, to_float, to_uint8
from synthbench.gans.schedule import Schedule


def test_equalized_layers_keep_unit_scale_signals():
    keras.utils.set_random_seed(0)
    x = tf.random.normal([256, 8, 8, 64])
    y = EqualizedConv2D(64, 3, gain=1.0)(x)
    assert float(tf.math.reduce_std(y)) == pytest.approx(1.0, rel=0.15), "He-scaled N(0,1) weights keep variance"
    z = EqualizedDense(128, gain=1.0)(tf.random.normal([512, 256]))
    assert float(tf.math.reduce_std(z)) == pytest.approx(1.0, rel=0.15)


def test_conditional_pixel_norm_starts_as_pixel_norm_and_learns_its_modulation():
    layer = ConditionalPixelNorm()
    x, condition = tf.random.normal([2, 4, 4, 3], seed=3), tf.random.normal([2, 5], seed=4)
    np.testing.assert_allclose(layer([x, condition]).numpy(), pixel_norm(x).numpy(), atol=1e-6)
    with tf.GradientTape() as tape:
        loss = tf.reduce_sum(layer([x, condition]) * x)
    for gradient in tape.gradient(loss, [layer.gamma.kernel, layer.beta.kernel]):
        assert np.abs(gradient.numpy()).min() > 0, "every modulation weight gets a gradient from the start"


def test_pixel_norm_gives_unit_mean_square_per_pixel():
    y = PixelNorm()(tf.random.normal([2, 4, 4, 16]) * 7.0)
    np.testing.assert_allclose(tf.reduce_mean(tf.square(y), axis=-1).numpy(), 1.0, rtol=1e-5)


def test_minibatch_stddev_appends_one_map_of_group_spread():
    x = tf.concat([tf.zeros([2, 2, 2, 3]), tf.ones([2, 2, 2, 3]) * 2.0], axis=0)  # group of 4: 0, 0, 2, 2
    y = MinibatchStddev(group_size=4)(x)
    assert y.shape == (4, 2, 2, 4)
    np.testing.assert_allclose(y[..., 3].numpy(), 1.0, rtol=1e-4)  # population std of {0, 0, 2, 2}


def test_lod_blend_fades_linearly_between_its_level_and_the_next():
    blend = LodBlend(level=1)
    detailed, coarse = tf.zeros([1, 2]), tf.ones([1, 2])
    blend([detailed, coarse])
    for lod, expected in ((0.0, 0.0), (1.0, 0.0), (1.25, 0.25), (2.0, 1.0), (3.0, 1.0)):
        blend.lod.assign(lod)
        assert float(blend([detailed, coarse])[0, 0]) == pytest.approx(expected)


def test_label_loss_is_summed_binary_cross_entropy():
    labels = tf.constant([[1.0, 0.0]])
    logits = tf.constant([[2.0, -1.0]])
    expected = -math.log(1 / (1 + math.exp(-2.0))) - math.log(1 - 1 / (1 + math.exp(1.0)))
    assert float(label_loss(labels, logits)[0]) == pytest.approx(expected, rel=1e-6)


def test_the_studys_label_loss_is_softmax_cross_entropy_on_labels_made_a_distribution():
    """As the original's G_wgan_acgan: -sum(y / sum(y) * log softmax(logits)), one term per image however many
    label columns there are; a row with no positive label adds nothing."""
    labels = tf.constant([[1.0, 0.0, 1.0], [0.0, 0.0, 0.0]])
    logits = tf.constant([[2.0, -1.0, 0.5], [1.0, 2.0, 3.0]])
    log_softmax = np.array([2.0, -1.0, 0.5]) - np.log(np.exp([2.0, -1.0, 0.5]).sum())
    expected = -(0.5 * log_softmax[0] + 0.5 * log_softmax[2])
    np.testing.assert_allclose(label_loss(labels, logits, "softmax").numpy(), [expected, 0.0], rtol=1e-6)
    wide = tf.concat([labels[:1], tf.zeros((1, 27))], axis=1), tf.concat([logits[:1], tf.fill((1, 27), -30.0)], 1)
    assert float(label_loss(*wide, "softmax")[0]) == pytest.approx(expected, rel=1e-4), "no term per column"
    with pytest.raises(ValueError, match="label loss"):
        label_loss(labels, logits, "hinge")


def test_the_ema_decays_per_step_as_the_study_or_by_a_half_life_in_images():
    from dataclasses import replace

    from synthbench.config import gan_section
    from synthbench.gans.registry import entry
    from synthbench.gans.training import Settings, ema_decay

    half_life = Settings.from_config(gan_section("cpd", {"ema_kimg": 2.0}), 16, entry("cpd").load())
    assert half_life.ema_beta is None, "the schema's default is the half-life"
    for minibatch in (16, 64, 256):
        assert ema_decay(half_life, minibatch) ** (2000 / minibatch) == pytest.approx(0.5), "halves every 2 kimg"
        assert ema_decay(replace(half_life, ema_beta=0.999), minibatch) == 0.999, "the study's: per step"


def test_gradient_penalty_of_a_linear_critic_is_known():
    weights = tf.constant(np.full((1, 2, 2, 1), 0.5, np.float32))  # |grad| = sqrt(4 * 0.25) = 1 -> penalty 0
    critic = lambda images: tf.reduce_sum(images * weights, axis=[1, 2, 3])  # noqa: E731
    reals, fakes = tf.zeros([3, 2, 2, 1]), tf.ones([3, 2, 2, 1])
    mix = tf.constant([0.1, 0.5, 0.9], shape=[3, 1, 1, 1])
    np.testing.assert_allclose(gradient_penalty(critic, reals, fakes, mix).numpy(), 0.0, atol=1e-6)
    doubled = lambda images: 2.0 * critic(images)  # noqa: E731
    np.testing.assert_allclose(gradient_penalty(doubled, reals, fakes, mix).numpy(), 1.0, rtol=1e-5)


def test_wgan_losses_on_hand_made_scores():
    real, fake, penalty = tf.constant([2.0]), tf.constant([-1.0]), tf.constant([0.25])
    d = discriminator_loss(real, fake, penalty, gp_weight=10.0, drift=0.001)
    assert float(d[0]) == pytest.approx(-1.0 - 2.0 + 2.5 + 0.004)
    assert float(generator_loss(fake)[0]) == pytest.approx(1.0)


def test_progressive_schedule_grows_from_8px_with_fade_ins():
    schedule = Schedule(resolution=32, grows=True, initial_resolution=8, training_kimg=10, transition_kimg=10,
                        minibatch=16, minibatch_per_resolution={8: 64}, lrate=0.001, lrate_per_resolution={32: 0.002})
    assert schedule.levels == 2 and schedule.grown_kimg == 40
    assert schedule.at(0).lod == 2 and schedule.at(0).resolution == 8 and schedule.at(0).minibatch == 64
    assert schedule.at(10).lod == 2
    assert schedule.at(15).lod == pytest.approx(1.5) and schedule.at(15).resolution == 16
    assert schedule.at(20).lod == 1 and schedule.at(20).minibatch == 16
    assert schedule.at(40).lod == 0 and schedule.at(40).resolution == 32 and schedule.at(40).g_lrate == 0.002
    assert schedule.at(1000).lod == 0


def test_ticks_follow_the_resolution_being_trained_as_the_studys():
    schedule = Schedule(resolution=32, grows=True, initial_resolution=8, training_kimg=10, transition_kimg=10,
                        tick_kimg=100, tick_kimg_per_resolution={8: 140, 16: 120})
    # a fade-in ticks at the finer resolution's length, as the resolution it reports
    assert [schedule.at(kimg).tick_kimg for kimg in (0, 9, 15, 25, 35, 45)] == [140, 140, 120, 120, 100, 100]


def test_the_optimizer_is_reset_whenever_a_fade_in_starts_or_ends():
    def resets(schedule, step_kimg=0.5, until=50):
        lods = [schedule.lod(step * step_kimg) for step in range(int(until / step_kimg))]
        return [step * step_kimg for step, (previous, lod) in enumerate(zip([None, *lods], lods, strict=False))
                if schedule.resets_optimizer(previous, lod)]

    growing = dict(resolution=32, grows=True, initial_resolution=8, training_kimg=10, transition_kimg=10)
    # lod 2 until kimg 10, fades to 1 until 20, holds to 30, fades to 0 until 40: Adam starts afresh at each edge
    assert resets(Schedule(**growing, reset_optimizer=True)) == [10.5, 20, 30.5, 40]
    assert resets(Schedule(**growing, reset_optimizer=False)) == []
    assert resets(Schedule(resolution=32, grows=False, reset_optimizer=True)) == []


def test_no_growth_schedule_is_full_resolution_from_the_start():
    schedule = Schedule(resolution=32, grows=False, minibatch=16, lrate=0.001)
    assert schedule.grown_kimg == 0 and schedule.at(0).lod == 0 and schedule.at(0).resolution == 32


def test_a_run_below_the_initial_resolution_does_not_grow():
    for resolution in (8, 16):
        schedule = Schedule(resolution=resolution, grows=True, initial_resolution=16)
        assert schedule.levels == 0 and schedule.grown_kimg == 0
        assert schedule.at(0).lod == 0 and schedule.at(0).resolution == resolution


def test_reals_at_a_level_of_detail():
    images = tf.constant(np.arange(16, dtype=np.float32).reshape(1, 4, 4, 1))
    np.testing.assert_array_equal(blend_reals(images, 0.0, levels=2).numpy(), images.numpy())
    coarse = blend_reals(images, 1.0, levels=2).numpy()[0, :, :, 0]
    assert coarse[0, 0] == coarse[1, 1] == np.mean([0, 1, 4, 5]), "2x2 average, upsampled back"
    half = blend_reals(images, 0.5, levels=2).numpy()
    np.testing.assert_allclose(half, (images.numpy() + blend_reals(images, 1.0, levels=2).numpy()) / 2)
    np.testing.assert_allclose(blend_reals(images, 2.0, levels=2).numpy(), 7.5)


def test_uint8_float_round_trip():
    pixels = tf.constant(np.arange(256, dtype=np.uint8).reshape(1, 16, 16))
    np.testing.assert_array_equal(to_uint8(to_float(pixels)).numpy(), pixels.numpy())


def test_checkpoint_round_trip_and_shape_mismatch(tmp_path):
    variables = [tf.Variable(np.arange(6, dtype=np.float32).reshape(2, 3)), tf.Variable(1.5)]
    checkpoint.save(tmp_path / "state.npz", {"net": variables}, {"nimg": 1234})
    fresh = [tf.Variable(np.zeros((2, 3), np.float32)), tf.Variable(0.0)]
    groups, state = checkpoint.load(tmp_path / "state.npz")
    checkpoint.assign(fresh, groups["net"], "net")
    assert state == {"nimg": 1234} and float(fresh[1]) == 1.5
    np.testing.assert_array_equal(fresh[0].numpy(), variables[0].numpy())
    with pytest.raises(checkpoint.CheckpointMismatch, match="shape"):
        checkpoint.assign([tf.Variable(np.zeros((3, 2), np.float32)), tf.Variable(0.0)], groups["net"], "net")


def test_set_lod_reaches_every_blend_layer():
    inputs = keras.Input((2,))
    model = keras.Model(inputs, LodBlend(0)([inputs, LodBlend(1)([inputs, inputs])]))
    set_lod(model, 0.75)
    assert [float(layer.lod) for layer in model.layers if isinstance(layer, LodBlend)] == [0.75, 0.75]
