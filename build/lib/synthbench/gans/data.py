"""The real training images as an endless, seeded stream whose position is a function of images consumed.

Each epoch is shuffled with stateless random ops seeded by (run seed, epoch, chunk), so the stream is the same
every run. Records are shuffled within chunks of about SHUFFLE_BYTES (a full permutation whenever the split
fits, as every 32 px paper arm does), which bounds memory at any image size;
starting it at image n (epoch n // N, offset n % N) is how a resumed run continues exactly where the killed
one stopped, and how the stream is rebuilt when the minibatch size changes with resolution.
"""

from pathlib import Path

import pandas as pd
import tensorflow as tf

from synthbench import records

SHUFFLE_BYTES = 256 * 2 ** 20


class TrainImages:
    def __init__(self, tfrecord: Path, csv: Path, num_labels: int, side: int, seed: int):
        self.tfrecord, self.csv, self.num_labels, self.side, self.seed = str(tfrecord), csv, num_labels, side, seed
        self.rows = len(pd.read_csv(csv, usecols=["image_id"]))
        if self.rows == 0:
            raise ValueError(f"{csv}: the training split is empty")

    def _epoch(self, epoch: tf.Tensor) -> tf.data.Dataset:
        chunk = max(1024, SHUFFLE_BYTES // (self.side * self.side))
        chunks = tf.data.TFRecordDataset(self.tfrecord).batch(chunk).enumerate()
        return chunks.map(lambda index, serialized: tf.random.experimental.stateless_shuffle(
            serialized, seed=tf.stack([tf.constant(self.seed, tf.int64), epoch * 1_000_003 + index]))).unbatch()

    def stream(self, start_image: int, batch_size: int) -> tf.data.Dataset:
        """Batches of (uint8 images [B, side, side], labels [B, L]) from image number `start_image` on."""
        first_epoch, offset = divmod(start_image, self.rows)
        examples = (tf.data.Dataset.range(first_epoch, 2 ** 62).flat_map(self._epoch).skip(offset)
                    .batch(batch_size, drop_remainder=True))
        parsed = examples.map(lambda s: records.parse_batch(s, self.num_labels, self.side),
                              num_parallel_calls=tf.data.AUTOTUNE, deterministic=True)
        return parsed.map(lambda batch: (batch["image"], batch["label"])).prefetch(tf.data.AUTOTUNE)
