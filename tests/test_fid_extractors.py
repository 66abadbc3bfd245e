"""FID extractors chosen by name: the `classifier` extractor gives exactly the features of the real-data
classifier whose weights file it is handed, through the same options every FID command line takes."""

import argparse
import json

import keras
import numpy as np
import pytest

from synthbench.classifier.model import feature_extractor, trained_classifier
from synthbench.fid import extractors, options

META = {"labels": ["left", "right"], "resolution": 16}
SETTINGS = {"input_size": 32}


def test_classifier_extractor_gives_that_classifiers_features(tmp_path):
    keras.utils.set_random_seed(0)
    classifier = trained_classifier(META, SETTINGS, None)
    weights = tmp_path / "best.weights.h5"
    classifier.save_weights(weights)
    parser = argparse.ArgumentParser()
    options.add_arguments(parser)
    args = parser.parse_args(["--extractor", "classifier", "--extractor-weights", str(weights),
                              "--classifier-settings-json", json.dumps(SETTINGS)])
    # Built afresh (other random initial weights): equal features mean the file's weights were loaded.
    extractor = extractors.from_arguments(args, META, batch_size=2)
    images = np.random.default_rng(1).integers(0, 256, (5, 16, 16), dtype=np.uint8)
    features = extractor(images)
    expected = feature_extractor(classifier).predict(images[..., None].astype(np.float32), verbose=0)
    assert extractor.name == "classifier" and features.shape == (5, 1024)
    np.testing.assert_allclose(features, expected, rtol=1e-4, atol=1e-5)
    assert np.abs(expected).max() > 0 and not np.allclose(features[0], features[1])


def test_extractors_name_what_they_miss(tmp_path):
    with pytest.raises(ValueError, match="the classifier extractor needs a weights file"):
        extractors.make_extractor("classifier", meta=META, classifier_settings=SETTINGS)
    with pytest.raises(ValueError, match="needs the arm's meta.json"):
        extractors.make_extractor("classifier", weights=tmp_path / "best.weights.h5")
    with pytest.raises(FileNotFoundError, match="absent.weights.h5: real-data classifier weights not found"):
        extractors.make_extractor("classifier", weights=tmp_path / "absent.weights.h5", meta=META,
                                  classifier_settings=SETTINGS)
    with pytest.raises(ValueError, match="unknown FID extractor 'vgg'"):
        extractors.make_extractor("vgg")
