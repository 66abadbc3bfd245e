"""The sampler contract every generator meets: `sampler(labels [N, L] float32, seed) -> uint8 images [N, H, W]`.

Inference, FID evaluation and sample grids use generators only through it, so anything that can produce
images for label vectors (a family's network, later an outside generator) can be benchmarked the same way.
The noise depends only on `seed` and the row number, never on the batch size, so the same call repeats
exactly. `load_run` opens a finished run folder (network_final.keras and its card.json) after nothing but
`import synthbench`.
"""

import json
from pathlib import Path

import numpy as np

CARD = "card.json"
NETWORK = "network_final.keras"


class NetworkSampler:
    """A Keras generator [z, labels] -> images in [-1, 1] behind the sampler contract."""

    def __init__(self, generator, batch_size: int = 256, card: dict | None = None):
        self.generator, self.batch_size, self.card = generator, batch_size, card or {}
        self.latent_size = int(generator.inputs[0].shape[-1])
        self.num_labels = int(generator.inputs[1].shape[-1])
        self.side = int(generator.outputs[0].shape[1])

    @property
    def label_names(self) -> list[str]:
        return list(self.card.get("labels", []))

    def __call__(self, labels: np.ndarray, seed: int) -> np.ndarray:
        import tensorflow as tf

        from synthbench.gans.reals import to_uint8

        labels = np.asarray(labels, np.float32)
        if labels.ndim != 2 or labels.shape[1] != self.num_labels:
            raise ValueError(f"labels must be [N, {self.num_labels}] (one column per label"
                             f"{': ' + ', '.join(self.label_names) if self.label_names else ''}), got {labels.shape}")
        noise = np.random.default_rng(seed).standard_normal((len(labels), self.latent_size)).astype(np.float32)
        parts = [np.zeros((0, self.side, self.side), np.uint8)]
        for start in range(0, len(labels), self.batch_size):
            images = self.generator.predict_on_batch([noise[start:start + self.batch_size],
                                                      labels[start:start + self.batch_size]])
            parts.append(to_uint8(tf.constant(images)).numpy())
        return np.concatenate(parts)


def load_run(folder: Path | str) -> NetworkSampler:
    """The sampler of a finished generator run: its network_final.keras, described by its card.json."""
    import keras

    from synthbench.gans import layers  # noqa: F401  (registers the shared custom layers for loading)
    from synthbench.gans.registry import entry

    folder = Path(folder)
    card_path = folder / CARD
    if not card_path.is_file():
        raise FileNotFoundError(f"{card_path}: no card.json (is {folder} a finished synthbench generator run?)")
    card = json.loads(card_path.read_text())
    entry(card["family"]).load()  # the family's own custom layers, if it has any
    return NetworkSampler(keras.saving.load_model(folder / NETWORK, compile=False), card=card)
