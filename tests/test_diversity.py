"""Diversity: seeded same-class pairs of distinct images, scored by SSIM (and MS-SSIM where the side allows),
high for a collapsed set and low for varied images."""

import numpy as np
import pytest

from synthbench.metrics.diversity import diversity_report, same_class_pairs
from synthbench.metrics.iqa import ssim


def test_pairs_are_distinct_images_of_one_class_drawn_by_the_number_of_pairs_a_class_has():
    keys = np.array(["a"] * 10 + ["b"] * 2 + ["c"])  # 45 pairs of a, 1 of b, none of c
    pairs = same_class_pairs(keys, 2000, np.random.default_rng(0))
    assert pairs.shape == (2000, 2) and (pairs[:, 0] != pairs[:, 1]).all()
    assert (keys[pairs[:, 0]] == keys[pairs[:, 1]]).all() and "c" not in keys[pairs]
    assert (keys[pairs[:, 0]] == "b").mean() == pytest.approx(1 / 46, abs=0.01)
    again = same_class_pairs(keys, 2000, np.random.default_rng(0))
    np.testing.assert_array_equal(pairs, again)
    with pytest.raises(ValueError, match=r"no class has two images \(2 images in 2 classes\)"):
        same_class_pairs(np.array(["a", "b"]), 5, np.random.default_rng(0))


def test_a_collapsed_set_scores_one_and_varied_images_near_zero():
    rng = np.random.default_rng(1)
    varied = rng.integers(0, 256, (30, 24, 24), dtype=np.uint8)
    collapsed = np.repeat(varied[:1], 30, axis=0)
    keys = np.array(["x"] * 30)
    pairs = same_class_pairs(keys, 50, rng)
    high = diversity_report(collapsed[pairs[:, 0]], collapsed[pairs[:, 1]], 100, 0)
    low = diversity_report(varied[pairs[:, 0]], varied[pairs[:, 1]], 100, 0)
    assert high["metrics"]["ssim"]["mean"] == pytest.approx(1.0)
    assert low["metrics"]["ssim"]["mean"] == pytest.approx(ssim(varied[pairs[:, 0]], varied[pairs[:, 1]]).mean())
    assert abs(low["metrics"]["ssim"]["mean"]) < 0.1 and low["metrics"]["ssim"]["pairs"] == 50
    ci = low["metrics"]["ssim"]["ci"]
    assert ci[0] <= low["metrics"]["ssim"]["mean"] <= ci[1]
    assert low["left_out"] == {"ms_ssim": "needs images of at least 161 px, these have 24"}
