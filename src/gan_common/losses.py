"""WGAN-GP losses (Gulrajani et al.; with Karras's drift term) and the auxiliary-classifier label loss.

Written as plain functions of network outputs so tests can check them on hand-made numbers; the gradient
penalty takes a callable because it needs the critic's gradient at interpolated images.
"""

from collections.abc import Callable

import tensorflow as tf


def label_loss(labels: tf.Tensor, logits: tf.Tensor) -> tf.Tensor:
    """Per-sample sigmoid cross-entropy summed over the multi-hot label columns."""
    return tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits), axis=1)


def gradient_penalty(critic: Callable[[tf.Tensor], tf.Tensor], reals: tf.Tensor, fakes: tf.Tensor,
                     mix: tf.Tensor, target: float = 1.0) -> tf.Tensor:
    """Per-sample (|grad critic(x)| - target)^2 / target^2 at x = reals + mix (fakes - reals)."""
    interpolated = reals + mix * (fakes - reals)
    with tf.GradientTape() as tape:
        tape.watch(interpolated)
        scores = critic(interpolated)
    gradients = tape.gradient(scores, interpolated)  # of the sum of scores: per-sample gradients
    norms = tf.sqrt(tf.reduce_sum(tf.square(gradients), axis=[1, 2, 3]) + 1e-12)
    return tf.square(norms - target) / (target ** 2)


def discriminator_loss(real_scores: tf.Tensor, fake_scores: tf.Tensor, penalty: tf.Tensor, *,
                       gp_weight: float, drift: float) -> tf.Tensor:
    """Per-sample critic loss: D(fake) - D(real) + gp_weight * penalty + drift * D(real)^2."""
    return fake_scores - real_scores + gp_weight * penalty + drift * tf.square(real_scores)


def generator_loss(fake_scores: tf.Tensor) -> tf.Tensor:
    """Per-sample generator loss: -D(fake)."""
    return -fake_scores
