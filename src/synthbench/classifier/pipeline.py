"""tf.data input for the classifier: TFRecords parsed in whole batches, cached as uint8, prefetched.

Parsing happens once per batch (`parse_example` after `batch`). The serialized records (raw uint8 pixels) are
cached in memory when the split is small enough (`cache_mb`), so later epochs skip the disk and the shuffle
still mixes single rows. Training
batches come from an endless, seeded shuffle (of several files at once for a real + synthetic mix); evaluation
reads every row once, in file order, the last partial batch included.
"""

from pathlib import Path

import numpy as np
import tensorflow as tf

from synthbench import records


def _as_model_input(batch: dict) -> tuple[tf.Tensor, tf.Tensor]:
    return tf.cast(batch["image"], tf.float32)[..., None], batch["label"]


def _examples(tfrecord: Path, keep: np.ndarray) -> tf.data.Dataset:
    """The serialized records of the rows of a file that `keep` (a boolean mask, one entry per row) marks."""
    examples = tf.data.TFRecordDataset(str(tfrecord))
    if keep.all():
        return examples
    mask = tf.constant(keep)
    return examples.enumerate().filter(lambda row, _: tf.gather(mask, row)).map(lambda _, example: example)


def training_batches(parts: list[tuple[Path, np.ndarray]], num_labels: int, side: int, batch_size: int,
                     seed: int, cache_mb: int, skip: int = 0) -> tf.data.Dataset:
    """The endless, seeded training stream of one or more record files, each given as (path, the rows it
    contributes: a boolean mask over its rows); `skip` leaves out its first batches before they are parsed
    (where a resumed run picks up).

    Each file is shuffled and repeated on its own, and several are interleaved at random in proportion to their
    rows (a real + synthetic mix): one shuffle buffer over files read one after the other would feed whole
    stretches of one file when the data outgrow the buffer. Files are cached in memory while they fit `cache_mb`
    together."""
    streams, rows, budget = [], [], cache_mb * 2 ** 20
    for index, (tfrecord, keep) in enumerate(parts):
        count = int(keep.sum())
        if not count:
            continue
        examples = _examples(tfrecord, keep)
        if count * side * side <= budget:
            examples, budget = examples.cache(), budget - count * side * side
        streams.append(examples.shuffle(min(count, 20_000), seed=seed + index, reshuffle_each_iteration=True)
                       .repeat())
        rows.append(count)
    examples = streams[0] if len(streams) == 1 else tf.data.Dataset.sample_from_datasets(
        streams, weights=[count / sum(rows) for count in rows], seed=seed)
    return (examples.batch(batch_size, drop_remainder=True).skip(skip)
            .map(lambda s: records.parse_batch(s, num_labels, side), num_parallel_calls=tf.data.AUTOTUNE)
            .map(_as_model_input).prefetch(tf.data.AUTOTUNE))


def evaluation_batches(tfrecord: Path, num_labels: int, side: int, batch_size: int) -> tf.data.Dataset:
    """(images, labels, image_ids) of every row in order, for validation and test."""
    return (records.dataset(tfrecord, num_labels, side, batch_size)
            .map(lambda b: (*_as_model_input(b), b["image_id"])).prefetch(tf.data.AUTOTUNE))
