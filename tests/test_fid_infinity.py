"""FID∞ equals values made independently after the authors' code (tests/data/fid_infinity_reference.py), through
both of its FID paths, and says what it cannot measure."""

from pathlib import Path

import numpy as np
import pytest

from synthbench.fid.frechet import Statistics, frechet_distance
from synthbench.metrics.fid_infinity import fid_infinity, frechet_to_features

REFERENCE = np.load(Path(__file__).parent / "data/fid_infinity_reference.npz")


@pytest.mark.parametrize("name", ["wide", "narrow"])
def test_fid_infinity_equals_the_reference(name):
    points, seed = (int(v) for v in REFERENCE[f"{name}_parameters"])
    result = fid_infinity(REFERENCE[f"{name}_real"], REFERENCE[f"{name}_fake"], points, seed)
    np.testing.assert_allclose(result.fids, REFERENCE[f"{name}_fids"], rtol=1e-6)
    np.testing.assert_allclose([result.value, result.low, result.high], REFERENCE[f"{name}_values"], rtol=1e-6)
    assert result.sizes[0] == int(0.1 * len(REFERENCE[f"{name}_fake"])) and result.sizes[-1] == len(
        REFERENCE[f"{name}_fake"])


def test_the_gram_path_equals_the_covariance_path():
    """To 1e-7: with fewer rows than dimensions, the covariance path takes square roots of round-off eigenvalues
    (about 1e-15 each, so 3e-8 apiece) that the Gram path never forms."""
    rng = np.random.default_rng(0)
    real = rng.normal(size=(200, 30))
    statistics = Statistics.from_features(real, "x")
    for rows in (5, 29, 31, 80):
        fake = rng.normal(size=(rows, 30)) * 0.8 + 0.1
        assert frechet_to_features(statistics, fake) == pytest.approx(
            frechet_distance(statistics, Statistics.from_features(fake, "x")), rel=1e-7)


def test_extrapolation_removes_the_small_sample_bias_that_fid_keeps():
    """Sets drawn from the real distribution itself: the true distance is 0. FID of 300 images stays well above
    it on every draw; FID∞ scatters around it."""
    rng = np.random.default_rng(1)
    real = rng.normal(size=(4000, 16))
    statistics = Statistics.from_features(real, "x")
    fids, extrapolated = [], []
    for seed in range(8):
        fake = rng.normal(size=(300, 16))
        fids.append(frechet_distance(statistics, Statistics.from_features(fake, "x")))
        extrapolated.append(fid_infinity(real, fake, 10, seed).value)
    assert min(fids) > 0.2
    assert abs(np.mean(extrapolated)) < np.mean(fids) / 10


def test_too_few_images_or_points_are_refused():
    rng = np.random.default_rng(2)
    with pytest.raises(ValueError, match="at least 20 synthetic feature vectors .* got 19"):
        fid_infinity(rng.normal(size=(50, 4)), rng.normal(size=(19, 4)))
    with pytest.raises(ValueError, match="at least 3 subset sizes"):
        fid_infinity(rng.normal(size=(50, 4)), rng.normal(size=(40, 4)), points=2)
