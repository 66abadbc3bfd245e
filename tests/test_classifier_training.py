"""Classifier training: selection bookkeeping, and a run interrupted after an epoch resumes to the same end."""

import json

import keras
import numpy as np
import pandas as pd
import pytest
import tensorflow as tf

from synthbench.classifier import training
from synthbench.classifier.training import TrainSettings, fit
from synthbench.runtime import configure

SETTINGS = TrainSettings(batch_size=8, learning_rate=0.05, steps_per_epoch=3, max_epochs=6, patience=3,
                         lr_patience=1, lr_factor=0.5)


def data(seed=0, rows=64):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (rows, 4, 4, 1)).astype(np.float32)
    labels = np.stack([images[:, 0, 0, 0] > 128, images[:, 3, 3, 0] > 100], axis=1).astype(np.float32)
    return images, labels


def train_batches(skip):
    images, labels = data()
    return (tf.data.Dataset.from_tensor_slices((images, labels)).shuffle(64, seed=1).repeat()
            .batch(SETTINGS.batch_size, drop_remainder=True).skip(skip))


def valid_batches():
    images, labels = data(seed=1, rows=32)
    return tf.data.Dataset.from_tensor_slices((images, labels, np.arange(32))).batch(16)


def small_model():
    configure(seed=3)  # threads are fixed once TensorFlow has started (other tests run first)
    inputs = keras.Input((4, 4, 1))
    return keras.Model(inputs, keras.layers.Dense(2, activation="sigmoid")(keras.layers.Flatten()(
        keras.layers.Rescaling(1 / 255)(inputs))))


def run(out, run_config=None):
    return fit(small_model(), train_batches, valid_batches(), SETTINGS, out / "history.csv", out / "checkpoints",
               run=run_config or {"seed": 3})


class Killed(Exception):
    pass


def test_interrupted_training_resumes_where_it_stopped_and_ends_as_an_uninterrupted_run(tmp_path, monkeypatch):
    best_whole = run(tmp_path / "whole")
    checkpoint = training.Selection._checkpoint

    def killed_after_second_epoch(self):
        checkpoint(self)
        if self.state.epochs_done == 2:
            raise Killed

    monkeypatch.setattr(training.Selection, "_checkpoint", killed_after_second_epoch)
    with pytest.raises(Killed):
        run(tmp_path / "resumed")
    assert not (tmp_path / "resumed/history.csv").exists(), "declared outputs only once training has ended"
    monkeypatch.setattr(training.Selection, "_checkpoint", checkpoint)
    best_resumed = run(tmp_path / "resumed")
    whole, resumed = (pd.read_csv(tmp_path / name / "history.csv") for name in ("whole", "resumed"))
    assert whole["epoch"].tolist() == resumed["epoch"].tolist() == list(range(len(whole)))
    pd.testing.assert_frame_equal(whole, resumed)
    model_whole, model_resumed = small_model(), small_model()
    model_whole.load_weights(best_whole)
    model_resumed.load_weights(best_resumed)
    for a, b in zip(model_whole.weights, model_resumed.weights, strict=True):
        np.testing.assert_array_equal(a.numpy(), b.numpy())
    state = json.loads((tmp_path / "whole/checkpoints/state.json").read_text())
    assert state["learning_rate"] < SETTINGS.learning_rate or state["wait"] == 0
    assert len(list((tmp_path / "whole/checkpoints").glob("epoch*.weights.h5"))) == 1


def test_a_checkpoint_of_other_settings_is_not_resumed(tmp_path, capsys):
    run(tmp_path)
    first = pd.read_csv(tmp_path / "history.csv")
    run(tmp_path, {"seed": 4})
    assert "made with other settings or inputs; starting afresh" in capsys.readouterr().err
    pd.testing.assert_frame_equal(first, pd.read_csv(tmp_path / "history.csv"))  # same data and init: a full rerun


def test_learning_rate_drops_and_training_stops_without_improvement(tmp_path):
    selection = training.Selection(SETTINGS, tmp_path, run={})
    model = small_model()
    model.compile(optimizer=keras.optimizers.Adam(SETTINGS.learning_rate), loss="binary_crossentropy")
    selection.set_model(model)
    for epoch, auroc in enumerate([0.7, 0.6, 0.65, 0.69]):
        selection.on_epoch_end(epoch, {"loss": 1.0, training.MONITOR: auroc})
    assert (selection.state.best, selection.state.best_epoch) == (0.7, 1)
    assert selection.state.learning_rate == pytest.approx(SETTINGS.learning_rate * 0.5 ** 3)
    assert float(model.optimizer.learning_rate) == pytest.approx(selection.state.learning_rate)
    assert model.stop_training, "three epochs without a better AUROC"
