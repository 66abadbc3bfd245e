"""The objectives families train with: the contract (`Objective.update`, one minibatch's step inside the shared
loop) and the GAN objectives, WGAN-GP (Gulrajani et al.; with Karras's drift term) with the auxiliary-classifier
label loss, and the non-saturating GAN loss. Families that train otherwise (diffusion's denoising loss) bring
their own `Objective`.

Written as plain functions of network outputs so tests can check them on hand-made numbers; the gradient
penalty takes a callable because it needs the critic's gradient at interpolated images.
"""

from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass

import keras
import tensorflow as tf

from synthbench.gans.reals import blend_reals, to_float

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


@dataclass(frozen=True)
class Networks:
    """What one training step updates: the family's networks (no discriminator for a family that trains without
    one), their optimizers, the run's noise stream, its critic bound to the discriminator, and how many levels of
    detail the schedule grows through."""

    generator: keras.Model
    discriminator: keras.Model | None
    g_optimizer: keras.optimizers.Optimizer
    d_optimizer: keras.optimizers.Optimizer | None
    noise: tf.random.Generator
    critic: Callable[[keras.Model, tf.Tensor, tf.Tensor], tuple[tf.Tensor, tf.Tensor | None]] | None
    levels: int


class Objective(ABC):
    """A family's training objective: how one minibatch of real images and their labels updates its networks.

    The shared loop's compiled step calls `draw` once for the whole minibatch, shares the rows and their random
    numbers out to the replicas (one per device the job trains on; one on a single device), calls `update` on
    each, then moves the generator EMA. So every family keeps the same progress, EMA, checkpoints and early
    stopping, and a step on several devices uses exactly the random numbers one device would. `loss_names` label
    the losses `update` returns (progress lines, TensorBoard)."""

    loss_names: tuple[str, ...] = ("D", "G")

    @abstractmethod
    def draw(self, networks: Networks, images: tf.Tensor) -> tuple[tf.Tensor, ...]:
        """The step's random numbers for the whole minibatch of uint8 images [B, H, W], each a tensor of B rows,
        drawn from the run's noise stream in a fixed order."""

    @abstractmethod
    def update(self, networks: Networks, images: tf.Tensor, labels: tf.Tensor, lod: tf.Tensor,
               drawn: tuple[tf.Tensor, ...], replicas: int) -> tuple[tf.Tensor, ...]:
        """One optimisation step on this replica's rows of images, labels and drawn numbers; returns this replica's
        mean losses in `loss_names` order. Gradients are taken of each mean / `replicas`, so that the optimizer's
        sum over replicas is the gradient of the whole minibatch's mean."""


def shared_out(loss: tf.Tensor, replicas: int) -> tf.Tensor:
    """A replica's mean loss as its share of the minibatch's mean (itself on one device, so nothing changes there);
    taken inside the gradient tape, which must see the division."""
    return loss if replicas == 1 else loss / replicas


class Adversarial(Objective):
    """A GAN objective: a D step on reals and fakes, then a G step on fresh fakes, from mean D and G losses given
    the bound critic.

    `mix` is the per-sample interpolation weight drawn every step (used by gradient penalties), so that every
    GAN family consumes the same random stream: z for D's step, mix, then z for G's step."""

    @abstractmethod
    def discriminator(self, critic: BoundCritic, reals: tf.Tensor, fakes: tf.Tensor, mix: tf.Tensor,
                      labels: tf.Tensor) -> tf.Tensor:
        """Mean D loss of a minibatch."""

    @abstractmethod
    def generator(self, critic: BoundCritic, fakes: tf.Tensor, labels: tf.Tensor) -> tf.Tensor:
        """Mean G loss of a minibatch."""

    def draw(self, networks, images):
        batch = tf.shape(images)[0]
        latent_size = int(networks.generator.inputs[0].shape[-1])
        return (networks.noise.normal([batch, latent_size]), networks.noise.uniform([batch, 1, 1, 1]),
                networks.noise.normal([batch, latent_size]))

    def update(self, networks, images, labels, lod, drawn, replicas):
        generator, discriminator = networks.generator, networks.discriminator
        d_noise, mix, g_noise = drawn
        reals = blend_reals(to_float(images), lod, networks.levels)

        def critic(images):
            return networks.critic(discriminator, images, labels)

        with tf.GradientTape() as tape:
            fakes = generator([d_noise, labels], training=True)
            d_loss = self.discriminator(critic, reals, fakes, mix, labels)
            d_share = shared_out(d_loss, replicas)
        networks.d_optimizer.apply(tape.gradient(d_share, discriminator.trainable_variables),
                                   discriminator.trainable_variables)
        with tf.GradientTape() as tape:
            g_loss = self.generator(critic, generator([g_noise, labels], training=True), labels)
            g_share = shared_out(g_loss, replicas)
        networks.g_optimizer.apply(tape.gradient(g_share, generator.trainable_variables),
                                   generator.trainable_variables)
        return d_loss, g_loss


class WassersteinGP(Adversarial):
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


class NonSaturating(Adversarial):
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
