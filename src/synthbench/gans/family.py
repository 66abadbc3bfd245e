"""What a generator family's package tells the shared machinery: how to build its networks, how to call its
critic (GANs), whether it grows, and the objective its config section sets up (how one minibatch trains it).
Its name, label and colour live in the registry (`synthbench.gans.registry`), its config keys and defaults in
its schema.yaml."""

from collections.abc import Callable
from dataclasses import dataclass

import keras
import tensorflow as tf

from synthbench.gans.losses import Objective

# (resolution, number of label columns, network settings) -> (generator [z, y] -> image, discriminator or None).
# The generator is what the sampler contract runs: a GAN's generator network, or diffusion's whole sampling
# procedure as one model whose z is the starting noise.
Builder = Callable[[int, int, dict], tuple[keras.Model, keras.Model | None]]
# (discriminator, images, labels) -> (critic scores [B], label logits [B, L] or None)
Critic = Callable[[keras.Model, tf.Tensor, tf.Tensor], tuple[tf.Tensor, tf.Tensor | None]]


@dataclass(frozen=True)
class Family:
    build: Builder
    critic: Critic | None  # None for a family without a discriminator
    grows: bool  # progressive growth (lod schedule) or full resolution from the start
    objective: Callable[[dict], Objective]  # the family's config section -> its training step
    # keys of the family's section, beside `networks`, that choose its architecture: handed to `build` with them
    network_keys: tuple[str, ...] = ()
