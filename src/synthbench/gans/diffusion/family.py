"""Diffusion as the shared training loop sees it: no discriminator, full resolution from the start, and the
EDM denoising loss as its objective; the EMA, FID early stopping, checkpoints and sampler contract are the GANs'."""

import tensorflow as tf

from synthbench.gans.diffusion import edm
from synthbench.gans.diffusion.networks import build, network_of
from synthbench.gans.family import Family
from synthbench.gans.losses import Networks, Objective, shared_out
from synthbench.gans.reals import to_float


class DenoisingLoss(Objective):
    """EDM's training objective: each real image gets a noise level with ln sigma ~ N(p_mean, p_std^2) and
    Gaussian noise of that level; the loss is lambda(sigma) x the mean square error of the denoised estimate.
    A `label_dropout` share of the rows is trained without its labels (classifier-free guidance's unconditional
    model). One noise stream draws, in order, the levels, the noise and the dropout of every step, so a resumed
    run draws what an uninterrupted one would."""

    loss_names = ("denoise",)

    def __init__(self, sigma_data: float, p_mean: float, p_std: float, label_dropout: float):
        self.sigma_data, self.p_mean, self.p_std, self.label_dropout = sigma_data, p_mean, p_std, label_dropout

    @classmethod
    def from_config(cls, section: dict) -> "DenoisingLoss":
        return cls(section["sigma_data"], section["p_mean"], section["p_std"], section["label_dropout"])

    def draw(self, networks: Networks, images):
        batch = tf.shape(images)[0]
        return (networks.noise.normal([batch, 1, 1, 1]), networks.noise.normal(tf.concat([tf.shape(images), [1]], 0)),
                networks.noise.uniform([batch, 1]))

    def update(self, networks: Networks, images, labels, lod, drawn, replicas):
        level, unit_noise, dropout = drawn
        clean = to_float(images)
        sigma = tf.exp(self.p_mean + self.p_std * level)
        noisy = clean + sigma * unit_noise
        conditioned = tf.cast(dropout >= self.label_dropout, tf.float32)
        network, variables = network_of(networks.generator), networks.generator.trainable_variables
        with tf.GradientTape() as tape:
            estimate = edm.denoise(network, noisy, sigma, labels, conditioned, self.sigma_data, training=True)
            errors = tf.reduce_mean(tf.square(estimate - clean), axis=[1, 2, 3])
            loss = tf.reduce_mean(edm.loss_weight(sigma[:, 0, 0, 0], self.sigma_data) * errors)
            share = shared_out(loss, replicas)
        networks.g_optimizer.apply(tape.gradient(share, variables), variables)
        return (loss,)


FAMILY = Family(build=build, critic=None, grows=False, objective=DenoisingLoss.from_config,
                network_keys=("sampling", "sigma_data", "label_dropout"))
