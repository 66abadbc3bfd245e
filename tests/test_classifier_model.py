"""The DenseNet-121 classifier: head size follows the arm's labels, features are 1024-d, and the backbone
starts from `none` or a local weights file; a missing file is a clear error."""

import keras
import numpy as np
import pytest

from synthbench.classifier.model import build_classifier, feature_extractor
from synthbench.runtime import precision_policy


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
