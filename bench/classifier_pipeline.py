"""Classifier input pipeline: DenseNet-121 training images/s at 64 px fed by our tf.data pipeline (TFRecords
parsed in batches, cached, shuffled, prefetched) against plain `fit()` on the same images held in memory as
numpy arrays. Goal: ratio >= 1.0, i.e. reading from disk costs the training nothing.
"""

import tempfile
import time
from pathlib import Path

import keras
import numpy as np

from synthbench import records
from synthbench.classifier.model import build_classifier
from synthbench.classifier.pipeline import training_batches

SIDE, LABELS, ROWS, BATCH, STEPS = 64, 5, 1024, 48, 12


def _rate(model: keras.Model, fit) -> float:
    fit(2)  # trace and warm up
    start = time.perf_counter()
    fit(STEPS)
    return STEPS * BATCH / (time.perf_counter() - start)


def run() -> list[dict]:
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (ROWS, SIDE, SIDE), dtype=np.uint8)
    labels = (rng.random((ROWS, LABELS)) < 0.3).astype(np.float32)
    keras.utils.set_random_seed(0)
    model = build_classifier(LABELS, SIDE, SIDE, "none")
    model.compile(optimizer=keras.optimizers.Adam(1e-4), loss="binary_crossentropy")
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "train.tfrecord"
        with records.RecordWriter(path) as writer:
            writer.write(images, labels, np.arange(ROWS))
        stream = training_batches([(path, np.ones(ROWS, bool))], LABELS, SIDE, BATCH, seed=0, cache_mb=2048)
        ours = _rate(model, lambda steps: model.fit(stream, epochs=1, steps_per_epoch=steps,
                                                                  shuffle=False, verbose=0))
    arrays = images[..., None].astype(np.float32)
    baseline = _rate(model, lambda steps: model.fit(arrays[:steps * BATCH], labels[:steps * BATCH],
                                                    batch_size=BATCH, epochs=1, verbose=0))
    return [{"name": f"DenseNet-121 training at {SIDE} px, batch {BATCH}, our TFRecord pipeline",
             "unit": "images/s", "figure": round(ours, 1), "baseline": round(baseline, 1),
             "baseline_name": "model.fit on in-memory numpy arrays", "ratio": round(ours / baseline, 2),
             "goal": ">= 1.0x in-memory fit"}]
