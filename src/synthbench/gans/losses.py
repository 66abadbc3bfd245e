"""The objectives families train with: WGAN-GP (Gulrajani et al.; with Karras's drift term) with the
auxiliary-classifier label loss, and the non-saturating GAN loss.

Written as plain functions of network outputs so tests can check them on hand-made numbers; the gradient
penalty takes a callable because it needs the critic's gradient at interpolated images.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable

import tensorflow as tf

LABEL_LOSSES = ("softmax", "sigmoid")


def label_loss(labels: tf.Tensor, logits: tf.Tensor, form: str = "sigmoid") -> tf.Tensor:
    """Per-sample auxiliary-classifier loss of multi-hot labels. `softmax` (the study's `G_wgan_acgan` /
    `D_wgangp_acgan`): softmax cross-entropy against the labels made a distribution, y / sum(y), one term per
    sample whatever the number of label columns; a row without a positive label contributes 0. `sigmoid`: binary
    cross-entropy summed over the columns, which grows with their number."""
    if form == "softmax":
        distribution = labels / tf.maximum(tf.reduce_sum(labels, axis=1, keepdims=True), 1e-12)
        return tf.nn.softmax_cross_entropy_with_logits(labels=distribution, logits=logits)
    if form == "sigmoid":
        return tf.reduce_sum(tf.nn.sigmoid_cross_entropy_with_logits(labels=labels, logits=logits), axis=1)
    raise ValueError(f"unknown label loss {form!r}; choose one of {', '.join(LABEL_LOSSES)}")


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


# (images) -> (critic scores [B], label logits [B, L] or None): a family's critic bound to its networks and labels.
BoundCritic = Callable[[tf.Tensor], tuple[tf.Tensor, tf.Tensor | None]]


class Objective(ABC):
    """A family's training objective: the mean D and G losses of one minibatch, given its bound critic.

    `mix` is the per-sample interpolation weight the loop draws every step (used by gradient penalties), so that
    every family consumes the same random stream."""

    @abstractmethod
    def discriminator(self, critic: BoundCritic, reals: tf.Tensor, fakes: tf.Tensor, mix: tf.Tensor,
                      labels: tf.Tensor) -> tf.Tensor:
        """Mean D loss of a minibatch."""

    @abstractmethod
    def generator(self, critic: BoundCritic, fakes: tf.Tensor, labels: tf.Tensor) -> tf.Tensor:
        """Mean G loss of a minibatch."""


class WassersteinGP(Objective):
    """WGAN-GP with Karras's drift term, plus `label_weight` x the auxiliary-classifier label loss of reals and
    fakes when the critic has a label head."""

    def __init__(self, gp_weight: float, drift: float, label_weight: float = 0.0, label_form: str = "sigmoid"):
        self.gp_weight, self.drift, self.label_weight, self.label_form = gp_weight, drift, label_weight, label_form

    @classmethod
    def from_config(cls, section: dict) -> "WassersteinGP":
        """From a family's section; families without a label head (cpd) have neither label key."""
        return cls(section["gp_weight"], section["drift"], section.get("label_weight", 0.0),
                   section.get("label_loss", "sigmoid"))

    def discriminator(self, critic, reals, fakes, mix, labels):
        real_scores, real_logits = critic(reals)
        fake_scores, fake_logits = critic(fakes)
        penalty = gradient_penalty(lambda x: critic(x)[0], reals, fakes, mix)
        loss = discriminator_loss(real_scores, fake_scores, penalty, gp_weight=self.gp_weight, drift=self.drift)
        if self.label_weight:
            loss += self.label_weight * (label_loss(labels, real_logits, self.label_form)
                                         + label_loss(labels, fake_logits, self.label_form))
        return tf.reduce_mean(loss)

    def generator(self, critic, fakes, labels):
        fake_scores, fake_logits = critic(fakes)
        loss = generator_loss(fake_scores)
        if self.label_weight:
            loss += self.label_weight * label_loss(labels, fake_logits, self.label_form)
        return tf.reduce_mean(loss)


class NonSaturating(Objective):
    """The original GAN objective in its non-saturating form (Goodfellow et al.): binary cross-entropy of the
    critic's logits, D pushed to 1 on reals and 0 on fakes, G to make D say 1 on fakes."""

    @classmethod
    def from_config(cls, section: dict) -> "NonSaturating":
        return cls()

    def discriminator(self, critic, reals, fakes, mix, labels):
        real_scores, _ = critic(reals)
        fake_scores, _ = critic(fakes)
        return tf.reduce_mean(tf.nn.softplus(-real_scores) + tf.nn.softplus(fake_scores))

    def generator(self, critic, fakes, labels):
        fake_scores, _ = critic(fakes)
        return tf.reduce_mean(tf.nn.softplus(-fake_scores))
