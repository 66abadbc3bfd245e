"""Training with model selection on mean validation AUROC: BCE, Adam, "epochs" of a fixed number of steps,
learning rate x `lr_factor` after `lr_patience` epochs without improvement, early stop after `patience`.

Keras's own callbacks do the bookkeeping; `ValidationAuroc` adds the metric they monitor and prints one
progress line per epoch to the job's log.
"""

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import keras
import numpy as np
import tensorflow as tf

from classifier.metrics import class_aurocs
from synthbench.progress import clock

MONITOR = "val_mean_auroc"


@dataclass(frozen=True)
class TrainSettings:
    batch_size: int
    learning_rate: float
    steps_per_epoch: int
    max_epochs: int
    patience: int
    lr_patience: int
    lr_factor: float


def predict(model: keras.Model, batches: tf.data.Dataset) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(labels, scores, image_ids) of every row of an evaluation dataset."""
    labels, scores, ids = [], [], []
    for images, batch_labels, batch_ids in batches:
        scores.append(model.predict_on_batch(images))
        labels.append(batch_labels.numpy())
        ids.append(batch_ids.numpy())
    return np.concatenate(labels), np.concatenate(scores), np.concatenate(ids)


class ValidationAuroc(keras.callbacks.Callback):
    """Mean validation AUROC after every epoch (classes with one label value in valid left out)."""

    def __init__(self, valid: tf.data.Dataset, max_epochs: int, stream=sys.stderr):
        super().__init__()
        self.valid, self.max_epochs, self.stream = valid, max_epochs, stream
        self._started = time.perf_counter()

    def on_epoch_end(self, epoch, logs=None):
        labels, scores, _ids = predict(self.model, self.valid)
        logs[MONITOR] = float(np.nanmean(class_aurocs(labels, scores)))
        elapsed = time.perf_counter() - self._started
        remaining = elapsed / (epoch + 1) * (self.max_epochs - epoch - 1)
        rate = float(self.model.optimizer.learning_rate)
        print(f"epoch {epoch + 1}/{self.max_epochs}  loss {logs['loss']:.4f}  valid mean AUROC {logs[MONITOR]:.4f}"
              f"  lr {rate:.1e}  elapsed {clock(elapsed)}  ETA<={clock(remaining)}", file=self.stream, flush=True)


def fit(model: keras.Model, train: tf.data.Dataset, valid: tf.data.Dataset, settings: TrainSettings,
        best_weights: Path, history_csv: Path) -> None:
    model.compile(optimizer=keras.optimizers.Adam(settings.learning_rate), loss="binary_crossentropy")
    callbacks = [
        ValidationAuroc(valid, settings.max_epochs),
        keras.callbacks.ReduceLROnPlateau(MONITOR, mode="max", factor=settings.lr_factor,
                                          patience=settings.lr_patience, min_delta=0.0, verbose=0),
        keras.callbacks.ModelCheckpoint(str(best_weights), monitor=MONITOR, mode="max", save_best_only=True,
                                        save_weights_only=True),
        keras.callbacks.EarlyStopping(MONITOR, mode="max", patience=settings.patience),
        keras.callbacks.CSVLogger(str(history_csv)),
    ]
    model.fit(train, epochs=settings.max_epochs, steps_per_epoch=settings.steps_per_epoch, callbacks=callbacks,
              shuffle=False, verbose=0)  # the dataset is already shuffled
