"""The Fréchet step agrees with the textbook sqrtm formula, and statistics round-trip through files."""

import numpy as np
import pytest
import scipy.linalg

from synthbench.fid.frechet import Statistics, frechet_distance, psd_sqrt


def sqrtm_fid(mean1, cov1, mean2, cov2) -> float:
    """The reference formula as the original FID code writes it (scipy.linalg.sqrtm of the product)."""
    root = scipy.linalg.sqrtm(cov1 @ cov2)
    return float(np.sum((mean1 - mean2) ** 2) + np.trace(cov1) + np.trace(cov2) - 2 * np.trace(root.real))


def _random_cov(rng, dim: int, rank: int | None = None, condition: float | None = None) -> np.ndarray:
    basis = np.linalg.qr(rng.standard_normal((dim, dim)))[0]
    spectrum = rng.uniform(0.5, 2.0, dim)
    if condition is not None:
        spectrum = np.logspace(0, -np.log10(condition), dim)
    if rank is not None:
        spectrum[rank:] = 0.0
    return (basis * spectrum) @ basis.T


@pytest.mark.parametrize("case", ["random", "ill_conditioned", "rank_deficient"])
def test_frechet_distance_matches_sqrtm_formula(case):
    rng = np.random.default_rng(1)
    dim = 64
    options = {"random": {}, "ill_conditioned": {"condition": 1e10}, "rank_deficient": {"rank": 20}}[case]
    cov1, cov2 = _random_cov(rng, dim, **options), _random_cov(rng, dim, **options)
    mean1, mean2 = rng.standard_normal(dim), rng.standard_normal(dim)
    ours = frechet_distance(Statistics(mean1, cov1, 100, "x"), Statistics(mean2, cov2, 100, "x"))
    assert ours == pytest.approx(sqrtm_fid(mean1, cov1, mean2, cov2), rel=1e-6)


def test_statistics_from_features_match_numpy_in_float64():
    features = np.random.default_rng(2).standard_normal((500, 8)).astype(np.float32)
    stats = Statistics.from_features(features, "random")
    assert stats.mean.dtype == np.float64 and stats.cov.dtype == np.float64
    np.testing.assert_allclose(stats.cov, np.cov(features.astype(np.float64), rowvar=False))
    assert frechet_distance(stats, stats) == pytest.approx(0.0, abs=1e-9)


def test_distance_grows_with_mean_shift():
    features = np.random.default_rng(3).standard_normal((2000, 4))
    base = Statistics.from_features(features, "random")
    shifted = Statistics.from_features(features + 3.0, "random")
    assert frechet_distance(base, shifted) == pytest.approx(4 * 9.0, rel=1e-9)


def test_psd_sqrt_squares_back():
    cov = _random_cov(np.random.default_rng(4), 32)
    root = psd_sqrt(cov)
    np.testing.assert_allclose(root @ root, cov, atol=1e-10)


def test_statistics_from_different_extractors_are_refused():
    stats = Statistics.from_features(np.random.default_rng(5).standard_normal((10, 3)), "inception")
    other = Statistics(stats.mean, stats.cov, 10, "random")
    with pytest.raises(ValueError, match="different extractors"):
        frechet_distance(stats, other)


def test_too_few_features_is_an_error():
    with pytest.raises(ValueError, match="at least 2"):
        Statistics.from_features(np.zeros((1, 4)), "random")


def test_save_and_load_round_trip_with_extra_arrays(tmp_path):
    stats = Statistics.from_features(np.random.default_rng(6).standard_normal((50, 5)), "random")
    labels = np.eye(5)[:3]
    stats.save(tmp_path / "s.npz", labels=labels)
    loaded = Statistics.load(tmp_path / "s.npz")
    assert (loaded.count, loaded.extractor) == (50, "random")
    np.testing.assert_array_equal(loaded.cov, stats.cov)
    np.testing.assert_array_equal(loaded.sqrt_cov(), stats.sqrt_cov())
    np.testing.assert_array_equal(np.load(tmp_path / "s.npz")["labels"], labels)
    assert list(tmp_path.iterdir()) == [tmp_path / "s.npz"], "no partial file left behind"
