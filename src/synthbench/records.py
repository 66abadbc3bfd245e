"""The TFRecord schema of every benchmark dataset, real or synthetic; the only place that knows it.

Example: `image` raw uint8 bytes (H x W, one channel), `label` float32 multi-hot over the arm's label columns,
`image_id` int64 (manifest row), `height` and `width` int64. Readers batch first and parse whole batches.
"""

from pathlib import Path

import numpy as np
import tensorflow as tf

from synthbench.atomic import PartialFile

FEATURES = {
    "image": tf.io.FixedLenFeature([], tf.string),
    "image_id": tf.io.FixedLenFeature([], tf.int64),
    "height": tf.io.FixedLenFeature([], tf.int64),
    "width": tf.io.FixedLenFeature([], tf.int64),
}


def _example(image: np.ndarray, label: np.ndarray, image_id: int) -> bytes:
    feature = {
        "image": tf.train.Feature(bytes_list=tf.train.BytesList(value=[image.tobytes()])),
        "label": tf.train.Feature(float_list=tf.train.FloatList(value=label.astype(np.float32).tolist())),
        "image_id": tf.train.Feature(int64_list=tf.train.Int64List(value=[int(image_id)])),
        "height": tf.train.Feature(int64_list=tf.train.Int64List(value=[image.shape[0]])),
        "width": tf.train.Feature(int64_list=tf.train.Int64List(value=[image.shape[1]])),
    }
    # deterministic: protobuf otherwise writes the feature map in a per-process order, and the same data
    # would give different bytes in every run
    return tf.train.Example(features=tf.train.Features(feature=feature)).SerializeToString(deterministic=True)


class RecordWriter:
    """Writes examples in batches under a temporary name (`synthbench.atomic`), renamed to the final name only
    on success."""

    def __init__(self, path: Path):
        self.path = Path(path)
        self._output = PartialFile(self.path)
        self._writer = tf.io.TFRecordWriter(str(self._output.partial))

    def write(self, images: np.ndarray, labels: np.ndarray, image_ids: np.ndarray) -> None:
        """One example per row, in row order."""
        if not (len(images) == len(labels) == len(image_ids)) or images.dtype != np.uint8 or images.ndim != 3:
            raise ValueError(f"{self.path}: expected uint8 images [N,H,W] with N labels and ids, got images "
                             f"{images.dtype}{list(images.shape)}, {len(labels)} labels, {len(image_ids)} ids")
        for image, label, image_id in zip(images, labels, image_ids, strict=True):
            self._writer.write(_example(image, label, image_id))

    def __enter__(self) -> "RecordWriter":
        return self

    def __exit__(self, error_type, error, traceback) -> None:
        self._writer.close()
        if error_type is None:
            self._output.commit()
        else:
            self._output.discard()


def parse_batch(serialized: tf.Tensor, num_labels: int, side: int) -> dict[str, tf.Tensor]:
    """Parses a batch of serialized examples into uint8 images [B, side, side], labels, ids."""
    parsed = tf.io.parse_example(serialized, {**FEATURES, "label": tf.io.FixedLenFeature([num_labels], tf.float32)})
    images = tf.reshape(tf.io.decode_raw(parsed["image"], tf.uint8), [-1, side, side])
    return {"image": images, "label": parsed["label"], "image_id": parsed["image_id"]}


def dataset(path: Path, num_labels: int, side: int, batch_size: int) -> tf.data.Dataset:
    """Batched examples of one TFRecord file, in file order, the last batch kept even when partial."""
    return (tf.data.TFRecordDataset(str(path)).batch(batch_size)
            .map(lambda s: parse_batch(s, num_labels, side), num_parallel_calls=tf.data.AUTOTUNE))


def read_records(path: Path, num_labels: int, side: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every example of a file as numpy arrays (images, labels, image_ids): for tests and small splits."""
    parts = list(dataset(path, num_labels, side, batch_size=1024).as_numpy_iterator())
    if not parts:
        return np.zeros((0, side, side), np.uint8), np.zeros((0, num_labels), np.float32), np.zeros(0, np.int64)
    return tuple(np.concatenate([p[key] for p in parts]) for key in ("image", "label", "image_id"))


def images_by_id(path: Path, num_labels: int, side: int, image_ids) -> dict[int, np.ndarray]:
    """The images of the given ids, found by streaming the file (memory stays small at any file size)."""
    wanted, found = {int(i) for i in image_ids}, {}
    wanted_ids = np.fromiter(wanted, np.int64, len(wanted))
    for batch in dataset(path, num_labels, side, batch_size=1024).as_numpy_iterator():
        for row in np.flatnonzero(np.isin(batch["image_id"], wanted_ids)):
            found[int(batch["image_id"][row])] = batch["image"][row]
        if len(found) == len(wanted):
            break
    missing = wanted - found.keys()
    if missing:
        raise ValueError(f"{path}: no example with image_id {sorted(missing)[:5]}")
    return found
