"""PSNR, SSIM, MS-SSIM, MS-GMSD and HaarPSI of image pairs equal piqa 1.3.2 on stored pairs, and MDSI the paper's
definition on piqa's gradient operator (reference values made by tests/data/iqa_reference.py); bad pairs are
refused with their sizes, and `synthbench metrics pairs` writes per-pair values, quantiles and the median's
bootstrap CI."""

import json
from pathlib import Path

import numpy as np
import pytest

from synthbench.cli import main as synthbench_main
from synthbench.metrics.iqa import haarpsi, mdsi, ms_gmsd, ms_ssim, psnr, ssim

REFERENCE = np.load(Path(__file__).parent / "data/iqa_reference.npz")
CASES = sorted(key.removesuffix("_psnr") for key in REFERENCE.files if key.endswith("_psnr"))
LARGE_CASES = sorted(key.removesuffix("_ms_ssim") for key in REFERENCE.files if key.endswith("_ms_ssim"))
GRADIENT_METRICS = {"ms_gmsd": ms_gmsd, "haarpsi": haarpsi, "mdsi": mdsi}


@pytest.mark.parametrize("name", CASES)
def test_psnr_and_ssim_equal_piqa(name):
    reference, distorted = REFERENCE[f"{name}_reference"], REFERENCE[f"{name}_distorted"]
    np.testing.assert_allclose(psnr(reference, distorted), REFERENCE[f"{name}_psnr"], rtol=1e-6)
    np.testing.assert_allclose(ssim(reference, distorted), REFERENCE[f"{name}_ssim"], rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", LARGE_CASES)
def test_ms_ssim_equals_piqa_from_161_px(name):
    reference, distorted = REFERENCE[f"{name}_reference"], REFERENCE[f"{name}_distorted"]
    np.testing.assert_allclose(ms_ssim(reference, distorted), REFERENCE[f"{name}_ms_ssim"], rtol=1e-6, atol=1e-12)
    assert ms_ssim(reference, reference) == pytest.approx(np.ones(len(reference)), rel=1e-12)
    with pytest.raises(ValueError, match="160 x 160 px; this metric needs at least 161 px"):
        ms_ssim(reference[:, :160, :160], distorted[:, :160, :160])


@pytest.mark.parametrize("name", CASES)
@pytest.mark.parametrize("metric", GRADIENT_METRICS)
def test_gradient_metrics_equal_their_references(name, metric):
    reference, distorted = REFERENCE[f"{name}_reference"], REFERENCE[f"{name}_distorted"]
    np.testing.assert_allclose(GRADIENT_METRICS[metric](reference, distorted), REFERENCE[f"{name}_{metric}"],
                               rtol=1e-6, atol=1e-12)


def test_gradient_metrics_order_distortions_and_score_identical_images_perfectly():
    smooth, noisy = REFERENCE["noisy_reference"], REFERENCE["noisy_distorted"]
    assert ms_gmsd(smooth, smooth) == pytest.approx(np.zeros(len(smooth)), abs=1e-12)
    assert mdsi(smooth, smooth) == pytest.approx(np.zeros(len(smooth)), abs=1e-12)
    assert haarpsi(smooth, smooth) == pytest.approx(np.ones(len(smooth)), rel=1e-12)
    heavier = np.clip(smooth + np.random.default_rng(0).normal(0, 0.2, smooth.shape), 0, 1)
    assert (ms_gmsd(smooth, heavier) > ms_gmsd(smooth, noisy)).all()
    assert (mdsi(smooth, heavier) > mdsi(smooth, noisy)).all()
    assert (haarpsi(smooth, heavier) < haarpsi(smooth, noisy)).all()


def test_uint8_images_are_read_as_fractions_of_255():
    rng = np.random.default_rng(0)
    images = rng.integers(0, 256, (3, 16, 16), dtype=np.uint8)
    other = rng.integers(0, 256, (3, 16, 16), dtype=np.uint8)
    np.testing.assert_allclose(ssim(images, other), ssim(images / 255.0, other / 255.0))
    np.testing.assert_allclose(psnr(images, images), 80.0)


@pytest.mark.parametrize(("reference", "distorted", "message"), [
    (np.zeros((2, 16, 16)), np.zeros((3, 16, 16)), r"reference images \(2, 16, 16\) and distorted images \(3,"),
    (np.zeros((2, 16, 16)), np.full((2, 16, 16), 1.5), r"distorted: float images must lie in \[0, 1\] \(found 1.5"),
    (np.zeros((2, 16)), np.zeros((2, 16)), r"reference: images of shape \(2, 16\), expected \[N, H, W\]"),
    (np.zeros((2, 8, 8)), np.zeros((2, 8, 8)), r"8 x 8 px; this metric needs at least 11 px"),
])
def test_bad_pairs_are_refused_with_their_sizes(reference, distorted, message):
    with pytest.raises(ValueError, match=message):
        ssim(reference, distorted)


def test_metrics_pairs_command_writes_distributions(tmp_path):
    reference, distorted = REFERENCE["shifted_reference"], REFERENCE["shifted_distorted"]
    np.save(tmp_path / "a.npy", (reference * 255).round().astype(np.uint8))
    np.save(tmp_path / "b.npy", (distorted * 255).round().astype(np.uint8))
    synthbench_main(["metrics", "pairs", "--reference", str(tmp_path / "a.npy"), "--distorted", str(tmp_path / "b.npy"),
                     "--out", str(tmp_path / "result.json")])
    result = json.loads((tmp_path / "result.json").read_text())
    values = {entry["name"]: entry for entry in result["metrics"]}
    assert list(values) == ["psnr", "ssim", "ms_gmsd", "haarpsi", "mdsi"]
    assert result["left_out"] == {"ms_ssim": "needs images of at least 161 px, these have 32"}
    with pytest.raises(SystemExit, match="32 x 32 px; this metric needs at least 161 px"):
        synthbench_main(["metrics", "pairs", "--reference", str(tmp_path / "a.npy"), "--distorted",
                         str(tmp_path / "b.npy"), "--metrics", "ms_ssim", "--out", str(tmp_path / "asked.json")])
    ssim_values = np.array(values["ssim"]["per_pair"])
    np.testing.assert_allclose(ssim_values, REFERENCE["shifted_ssim"], rtol=1e-2)  # after uint8 rounding
    assert values["ssim"]["value"] == pytest.approx(np.median(ssim_values))
    assert values["ssim"]["ci"]["low"] <= values["ssim"]["value"] <= values["ssim"]["ci"]["high"]
    assert values["ssim"]["quantiles"]["0.5"] == pytest.approx(np.median(ssim_values))
    assert values["ssim"]["direction"] == "higher" and values["ssim"]["range"] == [-1.0, 1.0]
    assert values["psnr"]["n"] == {"pairs": 3}
    np.save(tmp_path / "c.npy", np.full((3, 32, 32), 2.0))
    with pytest.raises(SystemExit, match=r"c.npy: float images must lie in \[0, 1\]"):
        synthbench_main(["metrics", "pairs", "--reference", str(tmp_path / "a.npy"), "--distorted",
                         str(tmp_path / "c.npy"), "--out", str(tmp_path / "bad.json")])
