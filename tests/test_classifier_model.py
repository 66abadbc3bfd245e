"""The DenseNet-121 classifier: head size follows the arm's labels, features are 1024-d, and the backbone
starts from `none` or a local weights file; a missing file is a clear error. A trained classifier is saved
whole (preprocessing included, float32) and loads in a fresh process without any training settings."""

import os
import subprocess
import sys
from pathlib import Path

import keras
import numpy as np
import pytest

from synthbench.classifier.model import (
    backbone_name,
    build_classifier,
    feature_extractor,
    load_classifier,
    save_classifier,
    untrained_copy,
)
from synthbench.runtime import precision_policy

SRC = Path(__file__).resolve().parents[1] / "src"


@pytest.fixture(scope="module")
def model():
    keras.utils.set_random_seed(0)
    return build_classifier(num_labels=5, side=16, input_size=32, weights="none")


def test_head_follows_labels_and_features_are_1024(model):
    images = np.random.default_rng(0).integers(0, 256, (2, 16, 16, 1)).astype("float32")
    scores = model.predict(images, verbose=0)
    assert scores.shape == (2, 5) and ((scores > 0) & (scores < 1)).all()
    assert feature_extractor(model).predict(images, verbose=0).shape == (2, 1024)


def test_local_weights_file_is_loaded(model, tmp_path):
    backbone = model.get_layer("densenet121")
    path = tmp_path / "densenet121_notop.weights.h5"
    backbone.save_weights(path)
    rebuilt = build_classifier(num_labels=2, side=32, input_size=32, weights=str(path))
    for ours, theirs in zip(rebuilt.get_layer("densenet121").weights[:5], backbone.weights[:5], strict=True):
        np.testing.assert_array_equal(np.asarray(ours), np.asarray(theirs))


def test_missing_weights_file_is_a_clear_error(tmp_path):
    with pytest.raises(FileNotFoundError, match="DenseNet-121 weights file not found"):
        build_classifier(num_labels=2, side=32, input_size=32, weights=str(tmp_path / "absent.h5"))


def test_mixed_precision_only_where_a_gpu_runs_the_job():
    assert precision_policy(True, gpus=1) == "mixed_float16"
    assert precision_policy(True, gpus=0) == precision_policy(False, gpus=2) == "float32"


def test_saved_classifier_is_float32_and_loads_alone_in_a_fresh_process(model, tmp_path):
    images = np.random.default_rng(2).integers(0, 256, (3, 16, 16, 1)).astype("float32")
    weights = tmp_path / "best.weights.h5"
    model.save_weights(weights)
    keras.mixed_precision.set_global_policy("mixed_float16")  # as a GPU training job leaves it
    try:
        save_classifier(weights, num_labels=5, side=16, input_size=32, backbone="densenet121",
                        out=tmp_path / "model.keras")
    finally:
        keras.mixed_precision.set_global_policy("float32")
    loaded = load_classifier(tmp_path / "model.keras")
    assert {layer.dtype_policy.name for layer in loaded.layers} == {"float32"}
    expected = model.predict(images, verbose=0)
    np.testing.assert_allclose(loaded.predict(images, verbose=0), expected, rtol=1e-5, atol=1e-6)
    np.save(tmp_path / "images.npy", images)
    script = ("import sys, keras, numpy as np, synthbench; "
              "model = keras.saving.load_model(sys.argv[1]); "
              "print(repr(model.predict(np.load(sys.argv[2]), verbose=0).round(5).tolist()))")
    result = subprocess.run([sys.executable, "-c", script, str(tmp_path / "model.keras"), str(tmp_path / "images.npy")],
                            capture_output=True, text=True, env={**os.environ, "PYTHONPATH": str(SRC)})
    assert result.returncode == 0, result.stderr
    np.testing.assert_allclose(eval(result.stdout.strip().splitlines()[-1]), expected, atol=2e-5)
    assert not list(tmp_path.glob("partial-*"))


def test_missing_saved_classifier_is_named(tmp_path):
    with pytest.raises(FileNotFoundError, match="absent.keras: trained classifier not found"):
        load_classifier(tmp_path / "absent.keras")


def test_untrained_copy_has_the_architecture_and_seeded_fresh_weights(model):
    first, again, other = untrained_copy(model, 4), untrained_copy(model, 4), untrained_copy(model, 5)
    assert first.input_shape == model.input_shape and first.output_shape == model.output_shape
    kernel = "labels"
    trained = model.get_layer(kernel).kernel.numpy()
    assert not np.allclose(first.get_layer(kernel).kernel.numpy(), trained)
    np.testing.assert_array_equal(first.get_layer(kernel).kernel.numpy(), again.get_layer(kernel).kernel.numpy())
    assert not np.allclose(first.get_layer(kernel).kernel.numpy(), other.get_layer(kernel).kernel.numpy())


def test_demo_backbone_is_a_small_densenet_named_in_the_model(tmp_path):
    keras.utils.set_random_seed(0)
    mini = build_classifier(num_labels=3, side=16, input_size=32, weights="none", backbone="densenet_mini")
    images = np.random.default_rng(3).integers(0, 256, (2, 16, 16, 1)).astype("float32")
    assert feature_extractor(mini).predict(images, verbose=0).shape == (2, 64)
    assert mini.count_params() < 100_000 and backbone_name(mini) == "densenet_mini"
    concatenations = [layer for layer in mini.get_layer("densenet_mini").layers
                      if isinstance(layer, keras.layers.Concatenate)]
    assert len(concatenations) == 6, "three dense blocks of two layers, each joining all earlier maps"
    weights = tmp_path / "mini.weights.h5"
    mini.save_weights(weights)
    save_classifier(weights, num_labels=3, side=16, input_size=32, backbone="densenet_mini",
                    out=tmp_path / "m.keras")
    loaded = load_classifier(tmp_path / "m.keras")
    assert backbone_name(loaded) == "densenet_mini"
    np.testing.assert_allclose(loaded.predict(images, verbose=0), mini.predict(images, verbose=0), rtol=1e-5)
    with pytest.raises(ValueError, match="densenet_mini has no pretrained weights"):
        build_classifier(num_labels=3, side=16, input_size=32, weights="imagenet", backbone="densenet_mini")
    with pytest.raises(ValueError, match="unknown classifier backbone 'resnet'"):
        build_classifier(num_labels=3, side=16, input_size=32, backbone="resnet")
