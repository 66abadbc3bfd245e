"""FID's interval: the delete-a-group jackknife's standard error matches the spread of FID over independent draws
of the same two distributions, its interval covers FID's expectation at the nominal rate, and the Fréchet
distance it recomputes from raw features equals the covariance-path FID on both of its paths."""

import numpy as np
import pytest

from synthbench.fid.frechet import Statistics, frechet_distance, frechet_of_features
from synthbench.metrics.fid_jackknife import jackknife_interval


@pytest.mark.parametrize("rows", [(5, 200), (29, 31), (40, 12), (80, 120)])
def test_the_nuclear_norm_path_equals_the_covariance_path(rows):
    """To 1e-7, as the FID∞ Gram path: the covariance path takes square roots of round-off eigenvalues."""
    rng = np.random.default_rng(sum(rows))
    first, second = rng.normal(size=(rows[0], 30)), rng.normal(size=(rows[1], 30)) * 0.8 + 0.1
    assert frechet_of_features(first, second) == pytest.approx(
        frechet_distance(Statistics.from_features(first, "x"), Statistics.from_features(second, "x")), rel=1e-7)


def _draws(rng, rows, mixing, shift):
    """A real set and a synthetic one from another distribution: mixed by `mixing` and shifted, so the true FID is
    not 0 (the same distribution where `mixing` is the identity and `shift` 0)."""
    return rng.normal(size=(rows, len(mixing))), rng.normal(size=(rows, len(mixing))) @ mixing + shift


def _mixing(rng, width):
    return np.eye(width) + rng.normal(scale=0.3, size=(width, width))


@pytest.mark.parametrize(("rows", "width", "shift", "error_ratio", "coverage"), [
    (200, 8, 0.2, (0.9, 1.15), (0.92, 0.98)),
    (60, 40, 0.2, (0.9, 1.15), (0.92, 0.98)),  # fewer rows than dimensions
    (200, 8, 0.0, (1.2, 1.8), (0.97, 1.0)),  # one distribution: FID at its floor, where the jackknife errs wide
])
def test_the_interval_measures_the_spread_of_fid_over_independent_draws(rows, width, shift, error_ratio, coverage):
    """300 independent pairs of sets from two fixed distributions: the ratio of the mean jackknife standard error to
    the standard deviation of their FIDs, and the share of 95 % intervals that cover the mean FID, are where they
    should be: near 1 and 95 % for different distributions; wide, never narrow, for one distribution (the
    real-vs-real ceiling). A standard error off by a factor (without the jackknife's (G - 1) inflation, or groups
    not left out of both sets) fails."""
    rng = np.random.default_rng(rows + width)
    mixing = _mixing(rng, width) if shift else np.eye(width)
    results = [jackknife_interval(*_draws(rng, rows, mixing, shift), seed=draw) for draw in range(300)]
    values = np.array([result.value for result in results])
    errors = np.array([result.standard_error for result in results])
    assert error_ratio[0] <= errors.mean() / values.std(ddof=1) <= error_ratio[1]
    covered = np.mean([result.low <= values.mean() <= result.high for result in results])
    assert coverage[0] <= covered <= coverage[1]


def test_the_bias_estimate_points_the_way_fid_is_biased():
    """Two sets of one distribution: FID's expectation is all bias, and the jackknife's bias estimate is positive
    and of the size of the value itself (the true FID is 0)."""
    rng = np.random.default_rng(7)
    result = jackknife_interval(rng.normal(size=(300, 6)), rng.normal(size=(300, 6)))
    assert 0.5 * result.value <= result.bias <= 2 * result.value


def test_the_interval_is_seeded_and_holds_its_estimate():
    rng = np.random.default_rng(3)
    real, fake = _draws(rng, 100, _mixing(rng, 5), 0.3)
    first, again, other = (jackknife_interval(real, fake, groups=8, seed=seed) for seed in (1, 1, 2))
    assert (first.low, first.high) == (again.low, again.high) and (first.low, first.high) != (other.low, other.high)
    assert first.low <= first.value <= first.high and first.groups == 8 and len(first.left_out) == 8
    assert first.value == pytest.approx(frechet_of_features(real, fake), rel=1e-12)


def test_small_sets_use_fewer_groups_and_say_so():
    rng = np.random.default_rng(4)
    result = jackknife_interval(rng.normal(size=(50, 3)), rng.normal(size=(13, 3)), groups=10)
    assert (result.groups, result.requested_groups, result.capped) == (6, 10, True)
    assert "6 groups instead of 10" in result.note()
    assert not jackknife_interval(rng.normal(size=(50, 3)), rng.normal(size=(40, 3)), groups=10).capped


def test_bad_input_stops_with_the_sizes():
    rng = np.random.default_rng(5)
    with pytest.raises(ValueError, match="fake: 3 feature vectors, at least 4 needed for a FID jackknife"):
        jackknife_interval(rng.normal(size=(50, 3)), rng.normal(size=(3, 3)))
    with pytest.raises(ValueError, match="at least 2 groups, got 1"):
        jackknife_interval(rng.normal(size=(50, 3)), rng.normal(size=(50, 3)), groups=1)
    fake = rng.normal(size=(50, 3))
    fake[7, 1] = np.nan
    with pytest.raises(ValueError, match="fake: 1 of 50 feature vectors hold NaN"):
        jackknife_interval(rng.normal(size=(50, 3)), fake)
