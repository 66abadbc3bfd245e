"""What a GAN package tells the shared machinery: how to build its networks and how to call its critic."""

from collections.abc import Callable
from dataclasses import dataclass

import keras
import tensorflow as tf

# (resolution, number of label columns, network settings) -> (generator [z, y] -> image, discriminator)
Builder = Callable[[int, int, dict], tuple[keras.Model, keras.Model]]
# (discriminator, images, labels) -> (critic scores [B], label logits [B, L] or None)
Critic = Callable[[keras.Model, tf.Tensor, tf.Tensor], tuple[tf.Tensor, tf.Tensor | None]]


@dataclass(frozen=True)
class Family:
    name: str
    build: Builder
    critic: Critic
    grows: bool  # progressive growth (lod schedule) or full resolution from the start
    label_loss_weight: float  # weight of the auxiliary-classifier label loss (0: none)
