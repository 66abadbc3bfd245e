"""FID extractors chosen by name: the `classifier` extractor gives exactly the features of the real-data
classifier whose saved model it is handed, through the same options every FID command line takes."""

import argparse

import keras
import numpy as np
import pytest

from synthbench.classifier.model import build_classifier, feature_extractor
from synthbench.fid import extractors, options


def test_classifier_extractor_gives_that_classifiers_features(tmp_path):
    keras.utils.set_random_seed(0)
    classifier = build_classifier(num_labels=2, side=16, input_size=32)
    saved = tmp_path / "model.keras"
    classifier.save(saved)
    parser = argparse.ArgumentParser()
    options.add_arguments(parser)
    args = parser.parse_args(["--extractor", "classifier", "--extractor-weights", str(saved)])
    keras.utils.set_random_seed(1)  # anything built afresh would have other weights
    extractor = extractors.from_arguments(args, batch_size=2)
    images = np.random.default_rng(1).integers(0, 256, (5, 16, 16), dtype=np.uint8)
    features = extractor(images)
    expected = feature_extractor(classifier).predict(images[..., None].astype(np.float32), verbose=0)
    assert extractor.name == "classifier" and features.shape == (5, 1024)
    np.testing.assert_allclose(features, expected, rtol=1e-4, atol=1e-5)
    assert np.abs(expected).max() > 0 and not np.allclose(features[0], features[1])


def test_extractors_name_what_they_miss(tmp_path):
    with pytest.raises(ValueError, match="the classifier extractor needs a weights file"):
        extractors.make_extractor("classifier")
    with pytest.raises(FileNotFoundError, match="absent.keras: trained classifier not found"):
        extractors.make_extractor("classifier", weights=tmp_path / "absent.keras")
    with pytest.raises(ValueError, match="unknown FID extractor 'vgg'"):
        extractors.make_extractor("vgg")


def test_per_image_min_max_stretch_fills_0_to_255_and_leaves_constant_images():
    images = np.stack([np.linspace(50, 100, 16).round().astype(np.uint8).repeat(16).reshape(16, 16),
                       np.full((16, 16), 77, np.uint8)])
    out = extractors.stretched(images)
    assert out.dtype == np.uint8 and (out[0].min(), out[0].max()) == (0, 255)
    np.testing.assert_array_equal(out[0], np.round((images[0].astype(float) - 50) / 50 * 255).astype(np.uint8))
    np.testing.assert_array_equal(out[1], images[1])


def test_the_min_max_variant_is_the_same_network_on_stretched_images():
    standard = extractors.make_extractor("random", batch_size=3)
    variant = standard.min_max_variant()
    images = np.random.default_rng(2).integers(60, 120, (5, 16, 16), dtype=np.uint8)
    assert variant.name == "random[minmax]" and standard.name == "random"
    np.testing.assert_allclose(variant(images), standard(extractors.stretched(images)), rtol=1e-6)
    assert not np.allclose(variant(images), standard(images)), "a dim image's features change with its range"


@pytest.mark.parametrize("name", ["classifier", "random"])
def test_only_inception_has_a_raw_variant(name, tmp_path):
    with pytest.raises(ValueError, match=f"the {name} extractor scales its input inside the network, so it has "
                                         "no raw variant"):
        extractors.make_extractor(name, weights=tmp_path / "m.keras", raw=True)


def test_the_features_command_embeds_the_rows_of_the_real_statistics(tmp_path):
    from conftest import write_tiny_arm
    from synthbench.cli import main as synthbench_main
    from synthbench.fid.real_stats import split_rows, split_statistics
    from synthbench.metrics.feature_sets import load_features, saved_variants
    from synthbench.records import read_records

    labels = ["left", "right"]
    data = write_tiny_arm(tmp_path / "data", 16, labels)
    stats, used = split_statistics(data / "train.tfrecord", data / "train.csv", labels, 16,
                                   extractors.make_extractor("random"), num_images=40, seed=2)
    rows = split_rows(data / "train.csv", 40, 2)
    stats.save(tmp_path / "train.npz", labels=used, rows=rows)
    synthbench_main(["fid", "features", "--records", str(data / "train.tfrecord"), "--csv", str(data / "train.csv"),
                     "--meta", str(data / "meta.json"), "--extractor", "random", "--normalisation-variants", "minmax",
                     "--rows-from", str(tmp_path / "train.npz"), "--out", str(tmp_path / "features.npz")])
    images = read_records(data / "train.tfrecord", len(labels), 16)[0][rows]
    kept, name = load_features(tmp_path / "features.npz", "synthetic")
    assert name == "random" and kept.shape[0] == 40 == len(rows) < len(read_records(data / "train.tfrecord", 2, 16)[0])
    np.testing.assert_allclose(kept, extractors.make_extractor("random")(images), rtol=1e-5, atol=1e-6)
    assert saved_variants(tmp_path / "features.npz", "synthetic") == ["minmax"]
