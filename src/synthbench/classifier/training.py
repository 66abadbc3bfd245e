"""Training with model selection on mean validation AUROC: BCE, Adam, "epochs" of a fixed number of steps,
learning rate x `lr_factor` after `lr_patience` epochs without improvement, early stop after `patience`.

`Selection` keeps that bookkeeping (best AUROC, waits, learning rate, history) as plain state and, after every
epoch, checkpoints it with the weights and optimizer state under `checkpoints/` (outside the declared
outputs). A job killed mid-run (preempted, out of time) and run again continues after its last finished
epoch, with the same selection state and the input stream at the same position, instead of starting over.
`ValidationAuroc` prints one progress line per epoch to the job's log.
"""

import json
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

import keras
import numpy as np
import pandas as pd
import tensorflow as tf

from synthbench.atomic import replacing
from synthbench.classifier.metrics import class_aurocs
from synthbench.progress import clock

MONITOR = "val_mean_auroc"
BEST = "best.weights.h5"  # under checkpoints/: the selected epoch, saved whole as model.keras once training ends


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


@dataclass
class SelectionState:
    epochs_done: int = 0
    best: float = -np.inf
    best_epoch: int = 0
    wait: int = 0
    lr_wait: int = 0
    learning_rate: float = 0.0
    history: list = field(default_factory=list)


class Selection(keras.callbacks.Callback):
    """Keeps the best weights by mean valid AUROC, lowers the learning rate and stops early; resumable."""

    def __init__(self, settings: TrainSettings, checkpoints: Path, run: dict):
        super().__init__()
        self.settings, self.checkpoints, self.run = settings, checkpoints, run
        self.state = SelectionState(learning_rate=settings.learning_rate)

    def restore(self) -> bool:
        """Loads the last finished epoch's checkpoint, if any; the model must be compiled and built.

        A checkpoint made with other settings or inputs (Snakemake reruns a job whose config changed) is
        removed: the run starts afresh."""
        state_file = self.checkpoints / "state.json"
        if not state_file.is_file():
            return False
        saved = json.loads(state_file.read_text())
        if saved.pop("run") != self.run:
            print(f"{state_file}: made with other settings or inputs; starting afresh", file=sys.stderr, flush=True)
            shutil.rmtree(self.checkpoints)
            return False
        self.model.load_weights(self.checkpoints / saved.pop("weights"))
        self.state = SelectionState(**saved)
        self.model.optimizer.learning_rate.assign(self.state.learning_rate)
        return True

    def on_epoch_end(self, epoch, logs=None):
        state, settings, auroc = self.state, self.settings, logs[MONITOR]
        state.epochs_done = epoch + 1
        state.history.append({"epoch": epoch, "loss": float(logs["loss"]), MONITOR: auroc,
                              "learning_rate": state.learning_rate})
        if auroc > state.best:
            state.best, state.best_epoch, state.wait, state.lr_wait = auroc, epoch + 1, 0, 0
            with replacing(self.checkpoints / BEST) as partial:
                self.model.save_weights(partial)
        else:
            state.wait += 1
            state.lr_wait += 1
            if state.lr_wait >= settings.lr_patience:
                state.learning_rate *= settings.lr_factor
                state.lr_wait = 0
                self.model.optimizer.learning_rate.assign(state.learning_rate)
            if state.wait >= settings.patience:
                self.model.stop_training = True
        self._checkpoint()

    def _checkpoint(self) -> None:
        """Weights under a per-epoch name first, then the state naming them: a kill between the two leaves the
        previous pair intact."""
        name = f"epoch{self.state.epochs_done}.weights.h5"
        with replacing(self.checkpoints / name) as partial:
            self.model.save_weights(partial)
        with replacing(self.checkpoints / "state.json") as partial:
            partial.write_text(json.dumps({**asdict(self.state), "weights": name, "run": self.run}))
        for old in self.checkpoints.glob("epoch*.weights.h5"):  # the best epoch's weights live in BEST
            if old.name != name:
                old.unlink()


def fit(model: keras.Model, train_batches, valid: tf.data.Dataset, settings: TrainSettings, history_csv: Path,
        checkpoints: Path, run: dict) -> Path:
    """Trains (or resumes), writes `history_csv` and returns the selected epoch's weights file (in
    `checkpoints`).

    `train_batches(skip)` gives the endless training stream with its first `skip` batches left out, so a
    resumed run sees the batches an uninterrupted one would. `run` (settings, inputs, seed: JSON) must match
    the checkpoint's for it to be resumed.
    """
    model.compile(optimizer=keras.optimizers.Adam(settings.learning_rate), loss="binary_crossentropy")
    model.optimizer.build(model.trainable_variables)
    selection = Selection(settings, checkpoints, json.loads(json.dumps(run)))
    selection.set_model(model)
    if selection.restore():
        print(f"resumed after epoch {selection.state.epochs_done} (best valid mean AUROC {selection.state.best:.4f}"
              f" at epoch {selection.state.best_epoch})", file=sys.stderr, flush=True)
    done = selection.state.epochs_done
    stopped = done and selection.state.wait >= settings.patience
    if done < settings.max_epochs and not stopped:
        model.fit(train_batches(done * settings.steps_per_epoch), epochs=settings.max_epochs, initial_epoch=done,
                  steps_per_epoch=settings.steps_per_epoch, callbacks=[ValidationAuroc(valid, settings.max_epochs),
                                                                      selection],
                  shuffle=False, verbose=0)  # the dataset is already shuffled
    if not (checkpoints / BEST).is_file():
        raise RuntimeError(f"{checkpoints}: training ended without a best epoch (no finite valid AUROC)")
    with replacing(history_csv) as partial:
        pd.DataFrame(selection.state.history).to_csv(partial, index=False)
    return checkpoints / BEST
