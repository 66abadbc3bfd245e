"""tf.data input for the classifier: TFRecords parsed in whole batches, cached as uint8, prefetched.

Parsing happens once per batch (`parse_example` after `batch`). The serialized records (raw uint8 pixels) are
cached in memory when the split is small enough (`cache_mb`), so later epochs skip the disk and the shuffle
still mixes single rows. Training
batches come from an endless, seeded shuffle; evaluation reads every row once, in file order, the last
partial batch included.
"""

from pathlib import Path

import tensorflow as tf

from synthbench import records


def _as_model_input(batch: dict) -> tuple[tf.Tensor, tf.Tensor]:
    return tf.cast(batch["image"], tf.float32)[..., None], batch["label"]


def training_batches(tfrecord: Path, num_labels: int, side: int, batch_size: int, seed: int, rows: int,
                     cache_mb: int, skip: int = 0) -> tf.data.Dataset:
    """The endless, seeded training stream; `skip` leaves out its first batches before they are parsed (where
    a resumed run picks up)."""
    examples = tf.data.TFRecordDataset(str(tfrecord))
    if rows * side * side <= cache_mb * 2 ** 20:
        examples = examples.cache()
    examples = examples.shuffle(min(rows, 20_000), seed=seed, reshuffle_each_iteration=True).repeat()
    return (examples.batch(batch_size, drop_remainder=True).skip(skip)
            .map(lambda s: records.parse_batch(s, num_labels, side), num_parallel_calls=tf.data.AUTOTUNE)
            .map(_as_model_input).prefetch(tf.data.AUTOTUNE))


def evaluation_batches(tfrecord: Path, num_labels: int, side: int, batch_size: int) -> tf.data.Dataset:
    """(images, labels, image_ids) of every row in order, for validation and test."""
    return (records.dataset(tfrecord, num_labels, side, batch_size)
            .map(lambda b: (*_as_model_input(b), b["image_id"])).prefetch(tf.data.AUTOTUNE))
