"""The diffusion model's mathematics, after Karras et al. 2022 ("Elucidating the design space of diffusion-based
generative models", EDM): the denoiser's preconditioning, the training noise levels and loss weight, the
sampling noise levels and Heun's deterministic sampler with classifier-free guidance (Ho & Salimans 2022).

The network F never sees raw noisy images: D(x; sigma, y) = c_skip x + c_out F(c_in x; c_noise, y), with the
scalings chosen so that F's input and target have unit variance at every noise level (EDM table 1), which is what
lets one network denoise from sigma 80 down to 0.002.

Classifier-free guidance needs an unconditional denoiser too. The labels are multi-hot finding sets, where all
zeros is itself a class (no finding), so "no label" is not a zero vector: F takes a flag beside the labels, 1 when
conditioned and 0 (with zeroed labels) when not; training drops the labels of a `label_dropout` share of rows.
"""

import keras
import numpy as np
from keras import ops

from synthbench.gans.layers import PACKAGE


def scalings(sigma, sigma_data: float):
    """EDM's c_skip, c_out, c_in and c_noise at noise level sigma (any shape)."""
    variance = ops.square(sigma) + sigma_data ** 2
    return (sigma_data ** 2 / variance, sigma * sigma_data / ops.sqrt(variance), 1.0 / ops.sqrt(variance),
            ops.log(sigma) / 4.0)


def denoise(network: keras.Model, noisy, sigma, labels, conditioned, sigma_data: float, training: bool = False):
    """D(x; sigma, y): the preconditioned network's estimate of the clean images [B, H, W, 1] from noisy ones at
    per-row noise levels sigma [B, 1, 1, 1]; `conditioned` [B, 1] is 1 where the labels count, 0 where not."""
    c_skip, c_out, c_in, c_noise = scalings(sigma, sigma_data)
    estimate = network([c_in * noisy, ops.reshape(c_noise, (-1, 1)), labels * conditioned, conditioned],
                       training=training)
    return c_skip * noisy + c_out * estimate


def loss_weight(sigma, sigma_data: float):
    """lambda(sigma) = (sigma^2 + sigma_data^2) / (sigma sigma_data)^2: every noise level's loss at unit scale."""
    return (ops.square(sigma) + sigma_data ** 2) / ops.square(sigma * sigma_data)


def sampling_sigmas(steps: int, sigma_min: float, sigma_max: float, rho: float) -> np.ndarray:
    """The `steps` noise levels of the sampler, sigma_max down to sigma_min spaced evenly in sigma^(1/rho)
    (EDM eq. 5), then 0: steps + 1 values."""
    ramp = np.linspace(0.0, 1.0, steps)
    sigmas = (sigma_max ** (1 / rho) + ramp * (sigma_min ** (1 / rho) - sigma_max ** (1 / rho))) ** rho
    return np.append(sigmas, 0.0).astype(np.float32)


@keras.saving.register_keras_serializable(PACKAGE)
class HeunSampler(keras.layers.Layer):
    """The whole sampling procedure as one layer: [z, labels] -> images in [-1, 1], so that a diffusion model
    meets the sampler contract exactly as a GAN's generator does (`synthbench.gans.sampler`): z [B, side^2] is the
    standard-normal starting noise, scaled by sigma_max; Heun's second-order steps (EDM algorithm 1, without
    stochastic churn, so the images depend on z and the labels alone) integrate the probability-flow ODE to
    sigma 0 in `steps` steps (2 steps - 1 network evaluations, twice that under guidance).

    `guidance` w mixes the conditional and unconditional estimates, D_u + w (D_c - D_u): 1 is the plain
    conditional model (and skips the unconditional evaluation); above 1 the fakes show their labels more
    strongly at some cost in diversity. The settings are part of the saved model, so a finished run samples as it
    was evaluated."""

    def __init__(self, network: keras.Model, side: int, steps: int, guidance: float, sigma_min: float,
                 sigma_max: float, rho: float, sigma_data: float, **kwargs):
        super().__init__(**kwargs)
        self.network, self.side, self.steps, self.guidance = network, side, steps, guidance
        self.sigma_min, self.sigma_max, self.rho, self.sigma_data = sigma_min, sigma_max, rho, sigma_data
        self.sigmas = [float(s) for s in sampling_sigmas(steps, sigma_min, sigma_max, rho)]

    def build(self, input_shape):
        self.built = True  # the network is built already

    def compute_output_shape(self, input_shape):
        return (input_shape[0][0], self.side, self.side, 1)

    def _denoised(self, x, sigma, labels):
        batch = ops.shape(x)[0]
        sigmas = ops.full((batch, 1, 1, 1), sigma)
        ones = ops.ones((batch, 1))
        if self.guidance == 1.0:
            return denoise(self.network, x, sigmas, labels, ones, self.sigma_data)
        both = denoise(self.network, ops.concatenate([x, x]), ops.concatenate([sigmas, sigmas]),
                       ops.concatenate([labels, labels]), ops.concatenate([ones, ops.zeros_like(ones)]),
                       self.sigma_data)
        conditional, unconditional = both[:batch], both[batch:]
        return unconditional + self.guidance * (conditional - unconditional)

    def call(self, inputs):
        z, labels = inputs
        sigmas = ops.convert_to_tensor(self.sigmas, "float32")

        def heun_step(index, x):  # from sigmas[index] to sigmas[index + 1] > 0
            sigma, next_sigma = sigmas[index], sigmas[index + 1]
            slope = (x - self._denoised(x, sigma, labels)) / sigma
            stepped = x + (next_sigma - sigma) * slope
            corrected = (stepped - self._denoised(stepped, next_sigma, labels)) / next_sigma
            return x + (next_sigma - sigma) * 0.5 * (slope + corrected)

        # A loop rather than `steps` copies of the network in the graph: tracing stays as cheap at 32 steps as at 2.
        x = ops.fori_loop(0, self.steps - 1, heun_step, ops.reshape(z, (-1, self.side, self.side, 1)) * sigmas[0])
        last = self.sigmas[-2]  # the last step, to sigma 0, is Euler's: x - sigma * slope = D(x)
        return ops.clip(self._denoised(x, last, labels), -1.0, 1.0)

    def get_config(self):
        return {**super().get_config(), "network": keras.saving.serialize_keras_object(self.network),
                "side": self.side, "steps": self.steps, "guidance": self.guidance, "sigma_min": self.sigma_min,
                "sigma_max": self.sigma_max, "rho": self.rho, "sigma_data": self.sigma_data}

    @classmethod
    def from_config(cls, config):
        return cls(**{**config, "network": keras.saving.deserialize_keras_object(config["network"])})
